import Foundation

/// SigV4 header signing (canonical request → string to sign → signing key →
/// signature). Pure functions; the date is passed in.
public enum SigV4 {
    /// The hex SHA-256 of the empty payload.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    /// Adds `X-Amz-Date`, `x-amz-security-token` (session credentials),
    /// `x-amz-content-sha256` (when the options ask for it) and `Authorization`
    /// to `request`.
    ///
    /// - Parameters:
    ///   - payloadHash: hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`.
    public static func sign(
        _ request: inout SignableRequest, credentials: Credentials, region: String, service: String,
        date: Date, payloadHash: String, options: SigningOptions
    ) {
        fatalError("SigV4.sign: not implemented yet")
    }
}
