import Foundation

/// SigV4 header signing (canonical request → string to sign → signing key →
/// signature). Pure functions; the date is passed in. Each stage is public so
/// tests (and a test stand-in verifying signatures) can check the intermediates.
public enum SigV4 {
    /// The hex SHA-256 of the empty payload.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    /// The intermediates and result of one signing.
    public struct Result: Sendable, Equatable {
        public var canonicalRequest: String
        public var stringToSign: String
        public var signedHeaders: String
        public var signature: String
        /// The `Authorization` header value that was added.
        public var authorization: String
    }

    /// Signs `request` in place: removes any `Authorization`, `X-Amz-Date` and
    /// `X-Amz-Security-Token` headers (and `x-amz-content-sha256` with the S3
    /// options), then adds `X-Amz-Date`, `X-Amz-Security-Token` (session
    /// credentials), `x-amz-content-sha256` (when the options ask for it) and
    /// `Authorization`.
    ///
    /// Every header of the request is signed except ``unsignedHeaderNames``; `host`
    /// comes from `request.host` unless the request has its own `Host` header (no
    /// `Host` header is added: the HTTP stack sends it from the URL).
    ///
    /// ```swift
    /// var request = SignableRequest(method: "GET", host: "bucket.s3.us-east-1.amazonaws.com", path: "/a%20b.json")
    /// SigV4.sign(&request, credentials: creds, region: "us-east-1", service: "s3",
    ///            date: now, payloadHash: SigV4.emptyPayloadHash, options: .s3)
    /// ```
    ///
    /// - Parameters:
    ///   - region: the signing region (the real region, even with an endpoint override).
    ///   - service: the signing name (`s3`, `sns`, `ecs`, `elasticfilesystem`, `backup`).
    ///   - date: the request time; becomes `X-Amz-Date` and the scope's date.
    ///   - payloadHash: hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`.
    /// - Returns: the intermediates (canonical request, string to sign, signature).
    @discardableResult
    public static func sign(
        _ request: inout SignableRequest, credentials: Credentials, region: String, service: String,
        date: Date, payloadHash: String, options: SigningOptions
    ) -> Result {
        var replaced: Set<String> = ["authorization", "x-amz-date", "x-amz-security-token"]
        if options.signContentSha256Header { replaced.insert("x-amz-content-sha256") }
        request.headers.removeAll { replaced.contains($0.name.lowercased()) }

        let amzDate = amzDate(date)
        request.headers.append((name: "X-Amz-Date", value: amzDate))
        if let token = credentials.sessionToken {
            request.headers.append((name: "X-Amz-Security-Token", value: token))
        }
        if options.signContentSha256Header {
            request.headers.append((name: "x-amz-content-sha256", value: payloadHash))
        }

        let canonical = canonicalRequest(for: request, payloadHash: payloadHash, options: options)
        let scope = credentialScope(dateStamp: String(amzDate.prefix(8)), region: region, service: service)
        let toSign = stringToSign(amzDate: amzDate, credentialScope: scope, canonicalRequest: canonical.canonicalRequest)
        let key = signingKey(secretAccessKey: credentials.secretAccessKey, dateStamp: String(amzDate.prefix(8)), region: region, service: service)
        let sig = signature(signingKey: key, stringToSign: toSign)
        let authorization = authorizationHeader(
            accessKeyId: credentials.accessKeyId, credentialScope: scope, signedHeaders: canonical.signedHeaders, signature: sig)
        request.headers.append((name: "Authorization", value: authorization))
        return Result(
            canonicalRequest: canonical.canonicalRequest, stringToSign: toSign,
            signedHeaders: canonical.signedHeaders, signature: sig, authorization: authorization)
    }
}
