import Dispatch

/// Runs async work to completion from synchronous code by blocking the calling
/// thread. Only for callers that are not themselves running on Swift
/// concurrency's cooperative pool (e.g. a CLI's synchronous main thread or a
/// dedicated `Thread`); calling it from async code can starve the pool.
public enum Blocking {
    private final class Box<T>: @unchecked Sendable {
        // @unchecked Sendable: the task writes `result` once before `signal()`; the caller
        // reads it only after `wait()` returns, which orders the two.
        var result: Result<T, Error>?
    }

    public static func run<T>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }
}

/// A synchronous face on `S3MultipartWriter` with the shape of ManifestKit's
/// `ByteSink` (`write(UnsafeRawBufferPointer)`, `finish()`, `abort()`); AWSLite does not
/// import ManifestKit, so the worker wraps it in its own `ByteSink` (`S3ObjectSink`).
/// Writes are batched (256 KiB) before they cross into the async writer.
/// Use from one non-async thread at a time (see `Blocking`).
public final class S3BlockingWriter {
    public let writer: S3MultipartWriter
    /// `s3://bucket/key`, for messages.
    public let name: String
    /// What S3 answered to the final request, after `finish()`.
    public private(set) var result: S3PutObjectResult?
    private var batch: [UInt8] = []
    private static let batchSize = 256 * 1024

    public init(writer: S3MultipartWriter) {
        self.writer = writer
        self.name = "s3://\(writer.bucket)/\(writer.key)"
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

    /// Discards the upload.
    public func abort() {
        batch = []
        let writer = self.writer
        _ = try? Blocking.run { await writer.abort() }
    }
}

/// A synchronous face on `S3ObjectStream` with the shape of ManifestKit's
/// `ByteSource` (`read(into:) -> Int`, `name`). Use from one non-async thread.
public final class S3BlockingReader {
    public let stream: S3ObjectStream
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
        self.init(stream: stream, name: "s3://\(bucket)/\(key)")
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
