/// An HTTP request as it will go on the wire, in the form SigV4 signs.
///
/// `path` and `query` are exactly the bytes sent (already percent-encoded);
/// the signer derives the canonical forms from them. Headers keep their order
/// and may repeat.
public struct SignableRequest: Sendable, Equatable {
    public var method: String
    /// The Host header value (`host` or `host:port`).
    public var host: String
    /// The wire path, e.g. `/bucket/a%20b` (always starts with `/`).
    public var path: String
    /// The wire query string without `?` (empty when none).
    public var query: String
    public var headers: [(name: String, value: String)]

    public init(method: String, host: String, path: String, query: String = "", headers: [(name: String, value: String)] = []) {
        self.method = method
        self.host = host
        self.path = path
        self.query = query
        self.headers = headers
    }

    public static func == (a: SignableRequest, b: SignableRequest) -> Bool {
        a.method == b.method && a.host == b.host && a.path == b.path && a.query == b.query
            && a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
    }
}

/// How a service wants its requests canonicalised.
public struct SigningOptions: Sendable, Equatable {
    /// Non-S3 services: normalise the path (remove `.`/`..`, collapse `//`).
    public var normalizePath: Bool
    /// Non-S3 services: URI-encode each path segment a second time.
    public var doubleEncodePath: Bool
    /// S3: add and sign `x-amz-content-sha256` with the payload hash.
    public var signContentSha256Header: Bool

    public init(normalizePath: Bool, doubleEncodePath: Bool, signContentSha256Header: Bool) {
        self.normalizePath = normalizePath
        self.doubleEncodePath = doubleEncodePath
        self.signContentSha256Header = signContentSha256Header
    }

    /// Every service but S3.
    public static let standard = SigningOptions(normalizePath: true, doubleEncodePath: true, signContentSha256Header: false)
    /// S3: single encoding, no normalisation, `x-amz-content-sha256` signed.
    public static let s3 = SigningOptions(normalizePath: false, doubleEncodePath: false, signContentSha256Header: true)
}
