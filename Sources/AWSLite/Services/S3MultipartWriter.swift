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
    /// Requests in flight, and `abort()` calls waiting for them to land.
    private var outstanding = 0
    private var drainWaiters: [CheckedContinuation<Void, Never>] = []

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
                let request = S3PutObjectRequest(bucket: self.bucket, key: self.key, body: body, contentType: self.contentType)
                return try await self.tracked { try await self.client.putObject(request) }
            }
            if !self.buffer.isEmpty {
                let last = self.buffer
                self.buffer = []
                try await self.upload(last)
            }
            let (uploadId, parts) = (self.uploadId!, self.parts)
            return try await self.tracked {
                try await self.client.completeMultipartUpload(bucket: self.bucket, key: self.key, uploadId: uploadId, parts: parts)
            }
        }
        state = .finished
        return result
    }

    /// Discards everything: aborts the multipart upload if one was started.
    /// Safe to call more than once, after a failure, and from another task while
    /// a `write` or `finish` is under way (e.g. on SIGTERM): a request already in
    /// flight is let land first (a CreateMultipartUpload would otherwise leave an
    /// upload nobody aborts, an UploadPart a stored part), and the writing call
    /// then fails with "writer was aborted". Returns once the abort was answered.
    /// Errors are swallowed (an unaborted upload is only billed storage, cleaned
    /// by a lifecycle rule). A `finish()` already completing wins: the object exists.
    public func abort() async {
        guard state != .finished else { return }
        state = .failed
        buffer = []
        await drain()
        await abortUpload()
        await drain()  // an abort started by the interrupted call itself
    }

    private func upload(_ part: [UInt8]) async throws {
        if uploadId == nil {
            let (bucket, key, contentType) = (self.bucket, self.key, self.contentType)
            uploadId = try await tracked { try await self.client.createMultipartUpload(bucket: bucket, key: key, contentType: contentType) }
            try checkOpen()  // aborted meanwhile: `guarded` aborts the upload just created
        }
        guard parts.count < Self.maximumParts else {
            throw AWSError(kind: .invalidRequest, service: "s3", operation: "UploadPart", message: "more than \(Self.maximumParts) parts; use a larger part size")
        }
        let (uploadId, partNumber) = (self.uploadId!, parts.count + 1)
        let done = try await tracked {
            try await self.client.uploadPart(bucket: self.bucket, key: self.key, uploadId: uploadId, partNumber: partNumber, body: part)
        }
        parts.append(done)
        try checkOpen()
    }

    /// Runs one request, counted so that `abort()` can wait for it to land.
    private func tracked<T: Sendable>(_ request: () async throws -> T) async throws -> T {
        outstanding += 1
        defer {
            outstanding -= 1
            if outstanding == 0 {
                let waiters = drainWaiters
                drainWaiters = []
                for waiter in waiters { waiter.resume() }
            }
        }
        return try await request()
    }

    /// `abort()` calls waiting for a request in flight to land (tests gate on it).
    var abortsWaitingForRequests: Int { drainWaiters.count }

    /// Waits until no request is in flight.
    private func drain() async {
        while outstanding > 0 {
            await withCheckedContinuation { drainWaiters.append($0) }
        }
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
        _ = try? await tracked { try await self.client.abortMultipartUpload(bucket: self.bucket, key: self.key, uploadId: id) }
    }

    private func checkOpen() throws {
        switch state {
        case .open: return
        case .finished: throw AWSError(kind: .invalidRequest, service: "s3", message: "s3://\(bucket)/\(key): writer already finished")
        case .failed: throw AWSError(kind: .invalidRequest, service: "s3", message: "s3://\(bucket)/\(key): writer was aborted")
        }
    }
}
