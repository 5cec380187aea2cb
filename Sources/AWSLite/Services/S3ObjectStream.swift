/// The body of an S3 object (or a range of it), fetched chunk by chunk with
/// ranged GETs, so that at most one chunk is held in memory. Every chunk after
/// the first is pinned to the first response's ETag with `If-Match`: if the
/// object is replaced mid-read the stream fails with `isPreconditionFailed`.
///
/// ```swift
/// let stream = try await s3.getObject(bucket: "b", key: "k")
/// while let chunk = try await stream.next() { consume(chunk) }
/// ```
public actor S3ObjectStream {
    /// The object's metadata; `head.contentLength` is the whole object's size.
    public nonisolated let head: S3ObjectHead
    /// Bytes this stream will deliver in total (the range's length).
    public nonisolated let length: UInt64

    private let client: S3Client
    private let bucket: String
    private let key: String
    private let chunkSize: Int
    private var pending: [UInt8]?
    /// Next offset to fetch, and one past the last offset wanted.
    private var offset: UInt64
    private let end: UInt64

    private init(client: S3Client, bucket: String, key: String, chunkSize: Int, head: S3ObjectHead, first: [UInt8], offset: UInt64, end: UInt64) {
        self.client = client
        self.bucket = bucket
        self.key = key
        self.chunkSize = chunkSize
        self.head = head
        self.pending = first.isEmpty ? nil : first
        self.offset = offset
        self.end = end
        self.length = end - (offset - UInt64(first.count))
    }

    static func open(client: S3Client, bucket: String, key: String, range: S3ByteRange?, chunkSize: Int) async throws -> S3ObjectStream {
        let start = range?.start ?? 0
        var last = start + UInt64(chunkSize) - 1
        if let wanted = range?.end { last = min(last, wanted) }
        let response: HTTPResponse
        do {
            response = try await client.fetch(bucket: bucket, key: key, range: "bytes=\(start)-\(last)", ifMatch: nil)
        } catch let error as AWSError where error.httpStatus == 416 && start == 0 {
            // An empty object has no byte 0: read it whole.
            let whole = try await client.fetch(bucket: bucket, key: key, range: nil, ifMatch: nil)
            let head = S3Client.head(from: whole, contentLength: UInt64(whole.body.count))
            return S3ObjectStream(client: client, bucket: bucket, key: key, chunkSize: chunkSize, head: head, first: whole.body, offset: UInt64(whole.body.count), end: UInt64(whole.body.count))
        }
        if response.status == 206, let total = parseTotal(response.header("Content-Range")) {
            let head = S3Client.head(from: response, contentLength: total)
            let end = min(total, (range?.end).map { $0 + 1 } ?? total)
            return S3ObjectStream(client: client, bucket: bucket, key: key, chunkSize: chunkSize, head: head, first: response.body, offset: start + UInt64(response.body.count), end: end)
        }
        // 200: the server sent the whole object.
        let total = UInt64(response.body.count)
        let head = S3Client.head(from: response, contentLength: total)
        let lower = Int(min(start, total))
        let upper = Int(min(total, (range?.end).map { $0 + 1 } ?? total))
        let slice = lower < upper ? Array(response.body[lower..<upper]) : []
        return S3ObjectStream(client: client, bucket: bucket, key: key, chunkSize: chunkSize, head: head, first: slice, offset: UInt64(upper), end: UInt64(upper))
    }

    /// `bytes 0-99/1234` → 1234.
    static func parseTotal(_ contentRange: String?) -> UInt64? {
        guard let contentRange, let slash = contentRange.lastIndex(of: "/") else { return nil }
        return UInt64(contentRange[contentRange.index(after: slash)...].trimmingCharacters(in: .whitespaces))
    }

    /// The chunks as an async sequence: `for try await chunk in stream.chunks { … }`.
    /// Each chunk is fetched only when the loop asks for it.
    public nonisolated var chunks: AsyncThrowingStream<[UInt8], Error> {
        AsyncThrowingStream(unfolding: { try await self.next() })
    }

    /// The next chunk (at most `chunkSize` bytes), or nil at the end.
    public func next() async throws -> [UInt8]? {
        if let chunk = pending {
            pending = nil
            return chunk
        }
        guard offset < end else { return nil }
        let last = min(end, offset + UInt64(chunkSize)) - 1
        let response = try await client.fetch(bucket: bucket, key: key, range: "bytes=\(offset)-\(last)", ifMatch: head.eTag)
        guard response.status == 206, !response.body.isEmpty, UInt64(response.body.count) <= last - offset + 1 else {
            throw AWSError(
                kind: .invalidResponse, service: "s3", operation: "GetObject",
                message: "s3://\(bucket)/\(key): expected bytes \(offset)-\(last), got HTTP \(response.status) with \(response.body.count) bytes",
                httpStatus: response.status)
        }
        offset += UInt64(response.body.count)
        return response.body
    }
}

extension S3Client {
    /// One GetObject request.
    func fetch(bucket: String, key: String, range: String?, ifMatch: String?) async throws -> HTTPResponse {
        var headers: [(name: String, value: String)] = []
        if let ifMatch { headers.append(("If-Match", ifMatch)) }
        if let range { headers.append(("Range", range)) }
        var request = OperationRequest(operation: "GetObject", method: "GET", path: Self.objectPath(bucket: bucket, key: key), headers: headers, idempotent: true)
        request.maxResponseBytes = Self.rangeLength(range) ?? HTTPLimits.documentBodyLimit
        return try await executor.send(request)
    }

    /// The length of `bytes=<first>-<last>`; nil for any other form.
    static func rangeLength(_ range: String?) -> Int? {
        guard let range, range.hasPrefix("bytes=") else { return nil }
        let bounds = range.dropFirst("bytes=".count).split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2, let first = UInt64(bounds[0]), let last = UInt64(bounds[1]), last >= first else { return nil }
        let (length, overflow) = (last - first).addingReportingOverflow(1)
        guard !overflow, let exact = Int(exactly: length) else { return nil }
        return exact
    }
}
