import Foundation

/// A conditional write for S3 state objects. A lost condition fails with
/// `AWSError.isPreconditionFailed` (HTTP 412).
public enum S3WriteCondition: Sendable, Equatable {
    /// `If-None-Match: *` — only create; fail if the key exists.
    case ifNoneExists
    /// `If-Match: <etag>` — only replace this exact version.
    case ifMatch(eTag: String)
}

/// A PutObject request. The body is sent with `x-amz-checksum-sha256`.
public struct S3PutObjectRequest: Sendable {
    public var bucket: String
    public var key: String
    public var body: [UInt8]
    public var contentType: String
    public var condition: S3WriteCondition?
    /// User metadata, sent as `x-amz-meta-<name>`.
    public var metadata: [String: String]

    public init(bucket: String, key: String, body: [UInt8], contentType: String = "application/octet-stream", condition: S3WriteCondition? = nil, metadata: [String: String] = [:]) {
        self.bucket = bucket
        self.key = key
        self.body = body
        self.contentType = contentType
        self.condition = condition
        self.metadata = metadata
    }
}

/// What S3 answered to a PutObject or CompleteMultipartUpload.
public struct S3PutObjectResult: Sendable, Equatable {
    public var eTag: String?
    /// Base64 SHA-256 S3 computed (for multipart objects, the composite checksum `…-N`).
    public var checksumSHA256: String?
    public var versionId: String?
}

/// Object metadata from HeadObject or the first response of GetObject.
public struct S3ObjectHead: Sendable, Equatable {
    /// Size of the whole object in bytes.
    public var contentLength: UInt64
    public var eTag: String?
    public var contentType: String?
    public var lastModified: Date?
    public var checksumSHA256: String?
    public var versionId: String?
    public var metadata: [String: String]
}

/// What HeadBucket answers (botocore `HeadBucketOutput`, the members the verifier reads).
public struct S3BucketHead: Sendable, Equatable {
    /// `x-amz-bucket-region`: the region the bucket is in.
    public var region: String?
    /// `x-amz-access-point-alias`: whether the name given was an access point alias.
    public var accessPointAlias: Bool?

    public init(region: String?, accessPointAlias: Bool?) {
        self.region = region
        self.accessPointAlias = accessPointAlias
    }
}

/// An inclusive byte range (`Range: bytes=start-end`); `end == nil` reads to the end.
public struct S3ByteRange: Sendable, Equatable {
    public var start: UInt64
    public var end: UInt64?

    public init(start: UInt64, end: UInt64? = nil) {
        self.start = start
        self.end = end
    }
}

/// One object in a ListObjectsV2 page.
public struct S3ObjectSummary: Sendable, Equatable {
    public var key: String
    public var size: UInt64
    public var eTag: String?
    public var lastModified: Date?
}

/// One ListObjectsV2 page.
public struct S3ListObjectsPage: Sendable, Equatable {
    public var objects: [S3ObjectSummary]
    public var commonPrefixes: [String]
    /// Pass to the next call; nil on the last page.
    public var nextContinuationToken: String?
}

/// One uploaded part of a multipart upload.
public struct S3CompletedPart: Sendable, Equatable {
    public var partNumber: Int
    public var eTag: String
    /// Base64 SHA-256 of the part, echoed in CompleteMultipartUpload.
    public var checksumSHA256: String
}


/// An `s3://bucket/key` location.
public struct S3Location: Sendable, Equatable, CustomStringConvertible {
    public var bucket: String
    public var key: String

    public init(bucket: String, key: String) {
        self.bucket = bucket
        self.key = key
    }

    /// Parses `s3://bucket/key` (the key may contain `/`, is taken verbatim, and must not be empty).
    public init?(url: String) {
        guard url.hasPrefix("s3://") else { return nil }
        let rest = url.dropFirst(5)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let bucket = String(rest[..<slash])
        let key = String(rest[rest.index(after: slash)...])
        guard !bucket.isEmpty, !key.isEmpty else { return nil }
        self.init(bucket: bucket, key: key)
    }

    public var description: String { "s3://\(bucket)/\(key)" }
}
