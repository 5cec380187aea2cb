import Glibc

/// Splits a byte stream into `\n`-terminated lines with a bounded buffer.
///
/// A line is handed out in place (valid until the next call), without its
/// `\n`. Memory is at most `maxLineLength + 1` bytes plus one read chunk.
final class LineReader {
    let source: ByteSource
    let maxLineLength: Int
    private var buf: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var scanned = 0
    private var eof = false

    init(source: ByteSource, maxLineLength: Int, chunkSize: Int = 256 * 1024) {
        self.source = source
        self.maxLineLength = maxLineLength
        buf = .allocate(byteCount: min(chunkSize, maxLineLength + 1), alignment: 16)
    }

    deinit { buf.deallocate() }

    enum Problem: Error {
        case tooLong
        case noNewlineAtEnd
    }

    /// The next line including its `\n` (so callers may hash the exact bytes),
    /// or nil at the end of the stream.
    /// - Throws: ``Problem`` for an over-long line or bytes after the last `\n`,
    ///   or the source's error.
    func nextLine() throws -> UnsafeRawBufferPointer? {
        while true {
            if scanned < end,
               let hit = memchr(buf.baseAddress! + scanned, 0x0A, end - scanned) {
                let nl = buf.baseAddress!.distance(to: UnsafeMutableRawPointer(hit))
                guard nl - start <= maxLineLength else { throw Problem.tooLong }
                let line = UnsafeRawBufferPointer(rebasing: buf[start...nl])
                start = nl + 1
                scanned = start
                return line
            }
            scanned = end
            if end - start > maxLineLength { throw Problem.tooLong }
            if eof {
                if start < end { throw Problem.noNewlineAtEnd }
                return nil
            }
            if end == buf.count {
                if start > 0 {
                    let live = end - start
                    if live > 0 { buf.baseAddress!.copyMemory(from: buf.baseAddress! + start, byteCount: live) }
                    start = 0
                    end = live
                    scanned = live
                } else {
                    let bigger = UnsafeMutableRawBufferPointer.allocate(
                        byteCount: min(buf.count * 2, maxLineLength + 1), alignment: 16)
                    bigger.baseAddress!.copyMemory(from: buf.baseAddress!, byteCount: end)
                    buf.deallocate()
                    buf = bigger
                }
            }
            let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buf[end...]))
            if n == 0 { eof = true } else { end += n }
        }
    }

    /// True when bytes remain after the last line handed out (reads ahead once).
    func hasMoreBytes() throws -> Bool {
        if start < end { return true }
        if eof { return false }
        start = 0
        end = 0
        scanned = 0
        let n = try source.read(into: buf)
        if n == 0 { eof = true }
        end = n
        return n > 0
    }
}
