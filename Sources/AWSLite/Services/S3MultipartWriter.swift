/// Writes one S3 object from a stream of bytes without holding it whole:
/// bytes are buffered up to `partSize` and sent as SHA-256-checksummed parts of
/// a multipart upload; `finish()` completes it. The object exists only after a
/// successful `finish()`: any failure aborts the upload, and so does `abort()`.
///
/// An object smaller than one part is sent by `finish()` as a single PutObject,
/// without a multipart upload.
///
/// ```swift
/// let writer = s3.multipartWriter(bucket: "b", key: "manifests/x.ndjson.gz")
/// do {
///     for chunk in chunks { try await writer.write(chunk) }
///     let result = try await writer.finish()
/// } catch {
///     await writer.abort()
/// }
/// ```
public actor S3MultipartWriter {
    /// 8 MiB parts: 10,000 parts allow objects up to ~78 GiB.
    public static let defaultPartSize = 8 * 1024 * 1024
    /// S3's minimum for every part but the last.
    public static let minimumPartSize = 5 * 1024 * 1024
    static let maximumParts = 10_000

    private enum State { case open, finished, failed }

    private let client: S3Client
    public nonisolated let bucket: String
    public nonisolated let key: String
    private let contentType: String
    private let partSize: Int
    private var buffer: [UInt8] = []
    private var uploadId: String?
    private var parts: [S3CompletedPart] = []
    private var state = State.open

    /// - Parameter partSize: raised to `minimumPartSize` when smaller.
    init(client: S3Client, bucket: String, key: String, contentType: String, partSize: Int) {
        self.client = client
        self.bucket = bucket
        self.key = key
        self.contentType = contentType
        self.partSize = max(partSize, Self.minimumPartSize)
    }

    /// Parts uploaded so far.
    public var uploadedParts: [S3CompletedPart] { parts }

    /// Appends `bytes`, uploading full parts as they fill. On failure the upload
    /// is aborted and the writer is unusable.
    public func write(_ bytes: [UInt8]) async throws {
        try checkOpen()
        buffer += bytes
        while buffer.count >= partSize {
            let part = Array(buffer[0..<partSize])
            buffer.removeFirst(partSize)
            try await guarded { try await self.upload(part) }
        }
    }

    /// Uploads what is buffered and completes the upload (or, when no part was
    /// sent yet, writes the object with one PutObject).
    public func finish() async throws -> S3PutObjectResult {
        try checkOpen()
        let result: S3PutObjectResult = try await guarded {
            if self.uploadId == nil {
                let body = self.buffer
                self.buffer = []
                return try await self.client.putObject(S3PutObjectRequest(bucket: self.bucket, key: self.key, body: body, contentType: self.contentType))
            }
            if !self.buffer.isEmpty {
                let last = self.buffer
                self.buffer = []
                try await self.upload(last)
            }
            return try await self.client.completeMultipartUpload(bucket: self.bucket, key: self.key, uploadId: self.uploadId!, parts: self.parts)
        }
        state = .finished
        return result
    }

    /// Discards everything: aborts the multipart upload if one was started.
    /// Safe to call more than once and after a failure; errors are swallowed
    /// (an unaborted upload is only billed storage, cleaned by a lifecycle rule).
    public func abort() async {
        guard state != .finished else { return }
        state = .failed
        buffer = []
        await abortUpload()
    }

    private func upload(_ part: [UInt8]) async throws {
        if uploadId == nil {
            uploadId = try await client.createMultipartUpload(bucket: bucket, key: key, contentType: contentType)
        }
        guard parts.count < Self.maximumParts else {
            throw AWSError(kind: .invalidRequest, service: "s3", operation: "UploadPart", message: "more than \(Self.maximumParts) parts; use a larger part size")
        }
        let done = try await client.uploadPart(bucket: bucket, key: key, uploadId: uploadId!, partNumber: parts.count + 1, body: part)
        parts.append(done)
    }

    private func guarded<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            state = .failed
            buffer = []
            await abortUpload()
            throw error
        }
    }

    private func abortUpload() async {
        guard let id = uploadId else { return }
        uploadId = nil
        try? await client.abortMultipartUpload(bucket: bucket, key: key, uploadId: id)
    }

    private func checkOpen() throws {
        switch state {
        case .open: return
        case .finished: throw AWSError(kind: .invalidRequest, service: "s3", message: "s3://\(bucket)/\(key): writer already finished")
        case .failed: throw AWSError(kind: .invalidRequest, service: "s3", message: "s3://\(bucket)/\(key): writer was aborted")
        }
    }
}
