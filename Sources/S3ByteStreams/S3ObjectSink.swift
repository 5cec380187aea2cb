import AWSLite
import ManifestKit

/// ManifestKit's `ByteSink` over AWSLite's `S3MultipartWriter`: SHA-256-checksummed
/// parts while the bytes come, and the object exists only after `finish()` returned
/// (S3 confirmed the upload); a failed `write`/`finish` and `abort()` abort the
/// upload. Writes are batched (256 KiB) before they cross into the async writer.
/// Synchronous: write from one thread outside Swift concurrency's cooperative pool
/// (see ``Blocking``).
public final class S3ObjectSink: ByteSink {
    public let writer: S3MultipartWriter
    /// `s3://bucket/key`, for messages.
    public let name: String
    /// What S3 answered to the final request, after `finish()`.
    public private(set) var result: S3PutObjectResult?
    private var batch: [UInt8] = []
    private static let batchSize = 256 * 1024

    public init(writer: S3MultipartWriter) {
        self.writer = writer
        self.name = S3Location(bucket: writer.bucket, key: writer.key).description
    }

    /// A sink writing `bucket/key` in parts of `partSize` bytes (at least S3's minimum).
    public convenience init(client: S3Client, bucket: String, key: String, contentType: String,
                            partSize: Int = S3MultipartWriter.defaultPartSize) {
        self.init(writer: client.multipartWriter(bucket: bucket, key: key, contentType: contentType, partSize: partSize))
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        batch.append(contentsOf: bytes)
        if batch.count >= Self.batchSize { try flush() }
    }

    private func flush() throws {
        let bytes = batch
        batch = []
        let writer = self.writer
        try Blocking.run { try await writer.write(bytes) }
    }

    /// Sends what is left and completes the upload: the object exists only after this returns.
    public func finish() throws {
        try flush()
        let writer = self.writer
        result = try Blocking.run { try await writer.finish() }
    }

    /// Discards the upload: no object, no stored parts.
    public func abort() {
        batch = []
        let writer = self.writer
        _ = try? Blocking.run { await writer.abort() }
    }
}
