import Foundation
import Primitives

/// Amazon S3 (rest-xml), path-style addressing (`/<bucket>/<key>`) on every
/// endpoint, signed with the S3 SigV4 variant.
///
/// Only what the verifier needs: PutObject (SHA-256 checksummed, optionally
/// conditional), multipart upload (see `S3MultipartWriter`), streamed GetObject
/// (see `S3ObjectStream`), HeadObject, HeadBucket, ListObjectsV2 and DeleteObject.
public struct S3Client: Sendable {
    let executor: RequestExecutor

    /// - Throws: `AWSError(.configuration)` when no endpoint can be resolved.
    public init(configuration: AWSClientConfiguration) throws {
        executor = try RequestExecutor(service: .s3, configuration: configuration)
    }

    /// The endpoint requests go to.
    public var endpoint: URL { executor.endpoint }

    static func objectPath(bucket: String, key: String) -> String {
        "/" + PercentEncoding.label(bucket) + "/" + PercentEncoding.greedyLabel(key)
    }

    /// PutObject with `x-amz-checksum-sha256` (base64) and
    /// `x-amz-sdk-checksum-algorithm: SHA256`. Conditional writes that lose fail
    /// with an error whose `isPreconditionFailed` is true; they are not retried
    /// once the request may have reached S3 (a retry could see its own write).
    public func putObject(_ request: S3PutObjectRequest) async throws -> S3PutObjectResult {
        let digest = PayloadDigest(of: request.body)
        var headers: [(name: String, value: String)] = [
            ("Content-Type", request.contentType),
            ("x-amz-checksum-sha256", digest.base64),
            ("x-amz-sdk-checksum-algorithm", "SHA256"),
        ]
        headers += Self.conditionHeaders(request.condition)
        for name in request.metadata.keys.sorted() { headers.append(("x-amz-meta-" + name.lowercased(), request.metadata[name]!)) }
        let response = try await executor.send(
            OperationRequest(
                operation: "PutObject", method: "PUT", path: Self.objectPath(bucket: request.bucket, key: request.key), headers: headers,
                body: request.body, idempotent: request.condition == nil, bodyDigest: digest))
        return S3PutObjectResult(
            eTag: response.header("ETag"), checksumSHA256: response.header("x-amz-checksum-sha256"), versionId: response.header("x-amz-version-id"))
    }

    static func conditionHeaders(_ condition: S3WriteCondition?) -> [(name: String, value: String)] {
        switch condition {
        case .none: return []
        case .ifNoneExists: return [("If-None-Match", "*")]
        case .ifMatch(let eTag): return [("If-Match", eTag)]
        }
    }

    /// HeadObject. A missing object fails with `isNotFound` (code `NotFound`, HTTP 404).
    /// With `checksumMode`, S3 also answers the object's stored checksum.
    public func headObject(bucket: String, key: String, checksumMode: Bool = false) async throws -> S3ObjectHead {
        let response = try await executor.send(
            OperationRequest(
                operation: "HeadObject", method: "HEAD", path: Self.objectPath(bucket: bucket, key: key),
                headers: checksumMode ? [("x-amz-checksum-mode", "ENABLED")] : [], idempotent: true))
        return Self.head(from: response, contentLength: UInt64(response.header("Content-Length") ?? "") ?? 0)
    }

    /// HeadBucket (botocore `s3` model: `HEAD /{Bucket}`, `ExpectedBucketOwner` as
    /// `x-amz-expected-bucket-owner`): whether the bucket exists and the caller may use it
    /// (IAM action `s3:ListBucket` on the bucket). S3 answers without a body, so a failure
    /// is known by its status alone: 404 (`isNotFound`, code `NotFound`), 403 (`Forbidden`),
    /// 301 for a bucket in another region (the message names the region, from
    /// `x-amz-bucket-region`; see `ErrorDecoder.redirectMessage`).
    public func headBucket(_ bucket: String, expectedBucketOwner: String? = nil) async throws -> S3BucketHead {
        let response = try await executor.send(
            OperationRequest(
                operation: "HeadBucket", method: "HEAD", path: "/" + PercentEncoding.label(bucket),
                headers: expectedBucketOwner.map { [("x-amz-expected-bucket-owner", $0)] } ?? [], idempotent: true))
        return S3BucketHead(region: response.header("x-amz-bucket-region"),
                            accessPointAlias: response.header("x-amz-access-point-alias").map { $0 == "true" })
    }

    static func head(from response: HTTPResponse, contentLength: UInt64) -> S3ObjectHead {
        var metadata: [String: String] = [:]
        for (name, value) in response.headers where name.hasPrefix("x-amz-meta-") {
            metadata[String(name.dropFirst("x-amz-meta-".count))] = value
        }
        return S3ObjectHead(
            contentLength: contentLength, eTag: response.header("ETag"), contentType: response.header("Content-Type"),
            lastModified: Timestamps.parseHTTPDate(response.header("Last-Modified")), checksumSHA256: response.header("x-amz-checksum-sha256"),
            versionId: response.header("x-amz-version-id"), metadata: metadata)
    }

    /// GetObject as a stream of chunks: the object (or `range` of it) is fetched
    /// with successive ranged GETs of at most `chunkSize` bytes, each pinned to
    /// the first response's ETag (`If-Match`), so memory stays bounded by one
    /// chunk and each chunk is retried on its own. The first chunk is fetched
    /// before this returns, so a missing object fails here (`isNotFound`).
    public func getObject(bucket: String, key: String, range: S3ByteRange? = nil, chunkSize: Int = 8 * 1024 * 1024) async throws -> S3ObjectStream {
        try await S3ObjectStream.open(client: self, bucket: bucket, key: key, range: range, chunkSize: max(1, chunkSize))
    }

    /// One ListObjectsV2 page (`list-type=2`), at most `maxKeys` keys (S3 caps at 1000).
    public func listObjectsV2(bucket: String, prefix: String? = nil, continuationToken: String? = nil, maxKeys: Int? = nil) async throws -> S3ListObjectsPage {
        var query: [(String, String?)] = [("list-type", "2")]
        if let continuationToken { query.append(("continuation-token", continuationToken)) }
        if let maxKeys { query.append(("max-keys", String(maxKeys))) }
        if let prefix { query.append(("prefix", prefix)) }
        let response = try await executor.send(
            OperationRequest(operation: "ListObjectsV2", method: "GET", path: "/" + PercentEncoding.label(bucket), query: query, idempotent: true))
        guard let tree = XMLTree.parse(response.body), tree.name == "ListBucketResult" else {
            throw AWSError(kind: .invalidResponse, service: "s3", operation: "ListObjectsV2", message: "not a ListBucketResult document", httpStatus: response.status)
        }
        let objects = tree.children("Contents").map { c in
            S3ObjectSummary(key: c.value("Key") ?? "", size: UInt64(c.value("Size") ?? "") ?? 0, eTag: c.value("ETag"), lastModified: c.value("LastModified").flatMap(Timestamps.parse))
        }
        let prefixes = tree.children("CommonPrefixes").compactMap { $0.value("Prefix") }
        let truncated = tree.value("IsTruncated") == "true"
        return S3ListObjectsPage(objects: objects, commonPrefixes: prefixes, nextContinuationToken: truncated ? tree.value("NextContinuationToken") : nil)
    }

    /// Every object under `prefix`, following continuation tokens.
    public func listAllObjects(bucket: String, prefix: String? = nil) async throws -> [S3ObjectSummary] {
        var all: [S3ObjectSummary] = []
        var token: String?
        repeat {
            let page = try await listObjectsV2(bucket: bucket, prefix: prefix, continuationToken: token)
            all += page.objects
            token = page.nextContinuationToken
        } while token != nil
        return all
    }

    /// DeleteObject (204 also when the key did not exist).
    public func deleteObject(bucket: String, key: String) async throws {
        _ = try await executor.send(
            OperationRequest(operation: "DeleteObject", method: "DELETE", path: Self.objectPath(bucket: bucket, key: key), idempotent: true))
    }
}
