import Foundation

/// What a signer needs besides the request itself.
public struct SigningContext: Sendable {
    public var credentials: Credentials
    public var region: String
    /// The SigV4 signing name (`s3`, `sns`, `ecs`, `elasticfilesystem`, `backup`).
    public var service: String
    public var date: Date
    /// Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`.
    public var payloadHash: String
    public var options: SigningOptions
}

/// Signs requests before they are sent. Production uses `.sigV4`; tests may
/// inject a recording or no-op signer.
public struct RequestSigner: Sendable {
    public let sign: @Sendable (_ request: inout SignableRequest, _ context: SigningContext) -> Void

    public init(_ sign: @escaping @Sendable (_ request: inout SignableRequest, _ context: SigningContext) -> Void) {
        self.sign = sign
    }

    /// AWS Signature Version 4 (`SigV4.sign`).
    public static let sigV4 = RequestSigner { request, c in
        SigV4.sign(&request, credentials: c.credentials, region: c.region, service: c.service, date: c.date, payloadHash: c.payloadHash, options: c.options)
    }

    /// Leaves requests unsigned (tests against servers that don't check).
    public static let unsigned = RequestSigner { _, _ in }
}
