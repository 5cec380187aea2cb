import AWSLite
import ManifestKit

/// ManifestKit's `ByteSource` over an S3 object: AWSLite's `S3ObjectStream` (ranged
/// GETs pinned to the first answer's ETag, each retried as every call is), one chunk
/// in memory at a time. Synchronous: read from one thread outside Swift concurrency's
/// cooperative pool (see ``Blocking``).
public final class S3ObjectSource: ByteSource {
    public let stream: S3ObjectStream
    /// `s3://bucket/key`, for messages.
    public let name: String
    private var chunk: [UInt8] = []
    private var position = 0
    private var ended = false

    public init(stream: S3ObjectStream, name: String) {
        self.stream = stream
        self.name = name
    }

    /// Opens `bucket/key` (fails here when it does not exist).
    public convenience init(client: S3Client, bucket: String, key: String, chunkSize: Int = 8 * 1024 * 1024) throws {
        let stream = try Blocking.run { try await client.getObject(bucket: bucket, key: key, chunkSize: chunkSize) }
        self.init(stream: stream, name: S3Location(bucket: bucket, key: key).description)
    }

    /// Copies up to `buffer.count` bytes; 0 at the end of the object.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while position == chunk.count {
            if ended || buffer.count == 0 { return 0 }
            let stream = self.stream
            guard let next = try Blocking.run({ try await stream.next() }) else {
                ended = true
                return 0
            }
            chunk = next
            position = 0
        }
        let n = min(buffer.count, chunk.count - position)
        chunk.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + position, byteCount: n)
        }
        position += n
        return n
    }
}
