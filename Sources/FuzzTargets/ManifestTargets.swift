#if DEBUG
import ManifestKit

extension FuzzTarget {
    /// One manifest line (no `\n`) through the entry/trailer decoder, and the
    /// header decoder. A decoded entry or trailer must survive re-encoding.
    static let manifestLine = FuzzTarget(name: "manifest-line", summary: "one manifest line (entry, trailer or header)") { input in
        if case .entry(let entry)? = try? ManifestCodec.decodeLine(input) {
            let again = ManifestCodec.entryLine(entry).dropLast()
            guard (try? ManifestCodec.decodeEntry(Array(again))) == entry else {
                fatalError("entry changed by re-encoding: \(String(decoding: again, as: UTF8.self))")
            }
        }
        if let trailer = try? ManifestCodec.decodeTrailer(input) {
            let again = ManifestCodec.trailerLine(trailer).dropLast()
            guard (try? ManifestCodec.decodeTrailer(Array(again))) == trailer else {
                fatalError("trailer changed by re-encoding: \(String(decoding: again, as: UTF8.self))")
            }
        }
        if let header = try? ManifestCodec.decodeHeader(input) {
            let again = ManifestCodec.headerLine(header).dropLast()
            guard (try? ManifestCodec.decodeHeader(Array(again))) == header else {
                fatalError("header changed by re-encoding: \(String(decoding: again, as: UTF8.self))")
            }
        }
    }

    /// A whole manifest file through `ManifestReader` (which gunzips it). Input
    /// that starts with the gzip magic is read as it is; anything else is taken
    /// as the manifest's text and gzipped first, so that mutations reach the
    /// reader's checks rather than only zlib's.
    static let manifestReader = FuzzTarget(name: "manifest-reader", summary: "a manifest file (gzip, or text that the target gzips)") { input in
        let compressed = input.starts(with: [0x1F, 0x8B]) ? input : gzip(input)
        // The reader gunzips its source itself.
        guard let reader = try? ManifestReader(source: MemorySource(compressed, chunkSize: 4096), maxLineLength: 64 * 1024) else { return }
        var count = 0
        while count < 100_000, let entry = try? reader.next() {
            _ = entry.problem
            count += 1
        }
        _ = try? ManifestReader.validate(MemorySource(compressed), maxLineLength: 64 * 1024)
    }

    /// Arbitrary bytes as a gzip stream. The first byte sets the read size
    /// (1…256) and the second the chunk size of the wrapped source, so member and
    /// buffer boundaries fall everywhere. Output is capped (bombs are not findings).
    static let gzipSource = FuzzTarget(name: "gzip-source", summary: "2 bytes of read/chunk sizes, then a gzip stream") { input in
        guard input.count >= 2 else { return }
        let readSize = Int(input[0]) + 1
        let chunkSize = Int(input[1]) + 1
        guard let source = try? GzipDecompressingSource(wrapping: MemorySource(Array(input.dropFirst(2)), chunkSize: chunkSize)) else { return }
        var buffer = [UInt8](repeating: 0, count: readSize)
        var total = 0
        while total < 4 << 20 {
            guard let n = try? buffer.withUnsafeMutableBytes({ try source.read(into: $0) }), n > 0 else { break }
            guard n <= readSize else { fatalError("read returned \(n) bytes into a buffer of \(readSize)") }
            total += n
        }
        _ = source.membersCompleted
    }

    private static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        let sink = MemorySink()
        do {
            let gz = try GzipCompressingSink(wrapping: sink, level: 1)
            try gz.write(bytes)
            try gz.finish()
        } catch {
            fatalError("gzip of fuzz input failed: \(error)")
        }
        return sink.bytes
    }
}
#endif
