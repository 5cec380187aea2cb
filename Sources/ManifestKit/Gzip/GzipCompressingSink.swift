import CZlib

/// A ``ByteSink`` that gzip-compresses (RFC 1952, one member) into another sink.
///
/// Output reaches the wrapped sink in chunks of `bufferSize`. ``finish()``
/// ends the gzip member, writes the rest and finishes the wrapped sink;
/// ``abort()`` aborts it. Not thread-safe: one thread at a time.
public final class GzipCompressingSink: ByteSink {
    /// The default compression level, 1 (fastest). Measured on 1M synthetic
    /// entry lines (docs/manifest-format.md, "Compression"): level 1 compresses
    /// several times faster than 6 for an output only modestly larger.
    public static let defaultLevel: Int32 = 1

    private let sink: ByteSink
    private let z = ZStream()
    private var out: [UInt8]
    private var open = true

    /// - Parameters:
    ///   - sink: where the compressed bytes go.
    ///   - level: zlib level 0 (store) … 9 (smallest).
    ///   - bufferSize: size of the compressed-output buffer.
    /// - Throws: ``ManifestKitError`` `.invalidArgument` for a bad level.
    public init(wrapping sink: ByteSink, level: Int32 = GzipCompressingSink.defaultLevel, bufferSize: Int = 256 * 1024) throws {
        guard (0...9).contains(level) else {
            throw ManifestKitError(.invalidArgument, subject: "gzip", reason: "compression level \(level) is not in 0...9")
        }
        self.sink = sink
        out = [UInt8](repeating: 0, count: max(bufferSize, 1024))
        // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
        let rc = deflateInit2_(z.strm, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), ZStream.streamSize)
        guard rc == Z_OK else {
            throw ManifestKitError(.io, subject: "gzip", reason: "deflateInit2: \(z.message(rc))")
        }
    }

    deinit { if open { deflateEnd(z.strm) } }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard open else { throw ManifestKitError(.io, subject: "gzip", reason: "write after finish or abort") }
        guard let base = bytes.bindMemory(to: Bytef.self).baseAddress else { return }
        // zlib counts input in 32 bits: hand over larger buffers in pieces.
        var offset = 0
        while offset < bytes.count {
            let piece = min(bytes.count - offset, Int(UInt32.max))
            z.strm.pointee.next_in = UnsafeMutablePointer(mutating: base + offset)
            z.strm.pointee.avail_in = UInt32(piece)
            try pump(Z_NO_FLUSH)
            offset += piece
        }
    }

    /// Ends the gzip member, writes what remains and finishes the wrapped sink.
    public func finish() throws {
        guard open else { throw ManifestKitError(.io, subject: "gzip", reason: "finish after finish or abort") }
        z.strm.pointee.next_in = nil
        z.strm.pointee.avail_in = 0
        do {
            try pump(Z_FINISH)
        } catch {
            abort()
            throw error
        }
        open = false
        deflateEnd(z.strm)
        try sink.finish()
    }

    /// Drops the compressor and aborts the wrapped sink.
    public func abort() {
        guard open else { return }
        open = false
        deflateEnd(z.strm)
        sink.abort()
    }

    /// Runs deflate until the input is consumed (or, with Z_FINISH, the stream
    /// ends), writing every full output buffer.
    private func pump(_ flush: Int32) throws {
        let capacity = out.count
        while true {
            let (rc, produced) = out.withUnsafeMutableBufferPointer { o -> (Int32, Int) in
                z.strm.pointee.next_out = o.baseAddress
                z.strm.pointee.avail_out = UInt32(capacity)
                let rc = deflate(z.strm, flush)
                return (rc, capacity - Int(z.strm.pointee.avail_out))
            }
            guard rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR else {
                throw ManifestKitError(.io, subject: "gzip", reason: "deflate: \(z.message(rc))")
            }
            if produced > 0 {
                try out.withUnsafeBytes { try sink.write(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) }
            }
            if flush == Z_FINISH {
                if rc == Z_STREAM_END { return }
            } else if z.strm.pointee.avail_in == 0 && produced < capacity {
                return
            }
        }
    }
}
