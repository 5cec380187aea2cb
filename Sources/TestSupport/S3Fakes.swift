/// Fake S3 endpoints for `TestHTTPServer`, for the tests of AWSLite's S3 client and of
/// the byte streams above it (`S3ByteStreams`): what they answer is fixed, so a test can
/// assert every request.

/// A fake S3 multipart endpoint (upload id `up/1`) that can fail a chosen part.
public final class MultipartServer: Sendable {
    public let failPart: Int?
    /// The body size of each part received, by part number.
    public let partBodies = Locked<[Int: Int]>([:])
    public init(failPart: Int? = nil) { self.failPart = failPart }

    public func handle(_ r: TestHTTPRequest) -> TestHTTPResponse {
        switch (r.method, r.query) {
        case ("POST", "uploads"):
            return xml(200, "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>up/1</UploadId></InitiateMultipartUploadResult>")
        case ("PUT", let q) where q.hasPrefix("partNumber="):
            let n = Int(q.dropFirst("partNumber=".count).prefix { $0 != "&" })!
            if n == failPart { return xml(400, "<Error><Code>InvalidDigest</Code><Message>bad digest</Message></Error>") }
            partBodies.withLock { $0[n] = r.body.count }
            return .text(200, "", headers: [("ETag", "\"etag-\(n)\""), ("x-amz-checksum-sha256", r.header("x-amz-checksum-sha256") ?? "")])
        case ("POST", "uploadId=up%2F1"):
            return xml(200, "<CompleteMultipartUploadResult><ETag>\"final-2\"</ETag><ChecksumSHA256>c-2</ChecksumSHA256></CompleteMultipartUploadResult>")
        case ("DELETE", "uploadId=up%2F1"):
            return .text(204, "")
        case ("PUT", ""):
            return .text(200, "", headers: [("ETag", "\"single\"")])
        default:
            return .text(400, "unexpected \(r.method) \(r.target)")
        }
    }
}

/// An in-memory S3 object (ETag `"v1"`) served with Range support, recording the largest body sent.
public final class RangeServer: Sendable {
    public let object: [UInt8]
    public let largestBody = Locked(0)
    public init(size: Int) {
        object = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            for i in 0..<size { buffer[i] = UInt8(truncatingIfNeeded: i &* 31 &+ i >> 8) }
            count = size
        }
    }

    public func handle(_ r: TestHTTPRequest) -> TestHTTPResponse {
        if let ifMatch = r.header("If-Match"), ifMatch != "\"v1\"" { return .text(412, "") }
        guard let range = r.header("Range") else {
            largestBody.withLock { $0 = max($0, object.count) }
            return .init(status: 200, headers: [("ETag", "\"v1\"")], body: object)
        }
        let spec = range.dropFirst("bytes=".count).split(separator: "-").map { Int($0)! }
        guard spec[0] < object.count else { return xml(416, "<Error><Code>InvalidRange</Code><Message>The requested range is not satisfiable</Message></Error>") }
        let end = min(spec[1], object.count - 1)
        let body = Array(object[spec[0]...end])
        largestBody.withLock { $0 = max($0, body.count) }
        return .init(status: 206, headers: [("ETag", "\"v1\""), ("Content-Range", "bytes \(spec[0])-\(end)/\(object.count)")], body: body)
    }
}

private func xml(_ status: Int, _ text: String) -> TestHTTPResponse {
    .text(status, text, headers: [("Content-Type", "application/xml")])
}
