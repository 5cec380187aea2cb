import CZlib

/// A ``ByteSource`` that gunzips another source as a stream.
///
/// Accepts multi-member gzip (concatenated members decode as one stream, like
/// `zcat`). A stream that ends inside a member, or holds no member at all, is
/// an error (`truncated gzip stream`), as is corrupt data (`corrupt gzip data:
/// <zlib's message>`), both ``ManifestKitError`` `.invalidManifest` with the
/// wrapped source's name as subject. Not thread-safe: one thread at a time.
public final class GzipDecompressingSource: ByteSource {
    public var name: String { source.name }

    private let source: ByteSource
    private let z = ZStream()
    private var input: UnsafeMutableRawBufferPointer
    private var inputEOF = false
    private var inMember = false
    private var members = 0
    /// Whether the input starts with the gzip magic bytes (nil until the first read).
    private var startsWithMagic: Bool?
    private var done = false
    /// An error met after some output was produced: thrown by the next read,
    /// so that the bytes before the fault are delivered first.
    private var pending: ManifestKitError?

    /// - Parameters:
    ///   - source: the compressed bytes.
    ///   - inputBufferSize: bytes read from `source` at a time.
    public init(wrapping source: ByteSource, inputBufferSize: Int = 256 * 1024) throws {
        self.source = source
        input = .allocate(byteCount: max(inputBufferSize, 1024), alignment: 16)
        // windowBits 15 + 16: gzip only (no zlib or raw deflate).
        let rc = inflateInit2_(z.strm, 15 + 16, zlibVersion(), ZStream.streamSize)
        guard rc == Z_OK else {
            input.deallocate()
            throw ManifestKitError(.io, subject: source.name, reason: "inflateInit2: \(z.message(rc))")
        }
    }

    deinit {
        inflateEnd(z.strm)
        input.deallocate()
    }

    /// The number of gzip members decoded completely so far.
    public var membersCompleted: Int { members }

    /// The reason given for an input that is not gzip at all (plain NDJSON, say).
    public static let notGzip = "not gzip-compressed (gzip it, or give the manifest as written: gzipped NDJSON)"

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if let pending { throw pending }
        guard !done, buffer.count > 0 else { return 0 }
        do {
            return try inflateInto(buffer)
        } catch let error as ManifestKitError {
            pending = error
            let produced = buffer.count - Int(z.strm.pointee.avail_out)
            if produced > 0 { return produced }
            throw error
        }
    }

    private func inflateInto(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let strm = z.strm
        strm.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        strm.pointee.avail_out = UInt32(clamping: buffer.count)
        let capacity = Int(strm.pointee.avail_out)
        while true {
            let produced = capacity - Int(strm.pointee.avail_out)
            if produced == capacity { return produced }
            if strm.pointee.avail_in == 0 {
                if produced > 0 { return produced }
                if !inputEOF {
                    let n = try source.read(into: input)
                    if n == 0 {
                        inputEOF = true
                    } else {
                        if startsWithMagic == nil {
                            startsWithMagic = input[0] == 0x1F && (n < 2 || input[1] == 0x8B)
                        }
                        strm.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                        strm.pointee.avail_in = UInt32(n)
                    }
                }
                if strm.pointee.avail_in == 0 {
                    if inMember {
                        throw ManifestKitError(.invalidManifest, subject: name, reason: "truncated gzip stream (it ends inside a member)")
                    }
                    if members == 0 {
                        throw ManifestKitError(.invalidManifest, subject: name, reason: "truncated gzip stream (empty input)")
                    }
                    done = true
                    return 0
                }
            }
            inMember = true
            let rc = inflate(strm, Z_NO_FLUSH)
            switch rc {
            case Z_OK, Z_BUF_ERROR:
                break
            case Z_STREAM_END:
                inMember = false
                members += 1
                let reset = inflateReset(strm)
                guard reset == Z_OK else {
                    throw ManifestKitError(.io, subject: name, reason: "inflateReset: \(z.message(reset))")
                }
            case Z_DATA_ERROR:
                if members == 0 && startsWithMagic == false {
                    throw ManifestKitError(.invalidManifest, subject: name, reason: Self.notGzip)
                }
                throw ManifestKitError(.invalidManifest, subject: name, reason: "corrupt gzip data: \(z.message(rc))")
            default:
                throw ManifestKitError(.io, subject: name, reason: "inflate: \(z.message(rc))")
            }
        }
    }
}
