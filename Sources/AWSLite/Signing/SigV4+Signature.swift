import Foundation
import Primitives

/// Stages 2–4 of SigV4: string to sign, signing key, signature, and the
/// `Authorization` header.
extension SigV4 {
    /// The algorithm name in the string to sign and the `Authorization` header.
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// `X-Amz-Date` form of `date` in UTC: `20150830T123600Z` (fractions of a second dropped).
    public static func amzDate(_ date: Date) -> String {
        let c = CivilTime(secondsSince1970: Timestamps.seconds(date))
        return pad(c.year, 4) + pad(c.month, 2) + pad(c.day, 2) + "T" + pad(c.hour, 2) + pad(c.minute, 2) + pad(c.second, 2) + "Z"
    }

    /// The date stamp of the credential scope: `20150830`.
    public static func dateStamp(_ date: Date) -> String { String(amzDate(date).prefix(8)) }

    /// The credential scope: `20150830/us-east-1/service/aws4_request`.
    public static func credentialScope(dateStamp: String, region: String, service: String) -> String {
        "\(dateStamp)/\(region)/\(service)/aws4_request"
    }

    /// The string to sign: algorithm, `X-Amz-Date`, scope and the hex SHA-256 of the
    /// canonical request, one per line.
    public static func stringToSign(amzDate: String, credentialScope: String, canonicalRequest: String) -> String {
        [algorithm, amzDate, credentialScope, SHA256.hex(canonicalRequest)].joined(separator: "\n")
    }

    /// The signing key: HMAC chain `AWS4`+secret → date stamp → region → service → `aws4_request`.
    public static func signingKey(secretAccessKey: String, dateStamp: String, region: String, service: String) -> [UInt8] {
        var key = Array(("AWS4" + secretAccessKey).utf8)
        for part in [dateStamp, region, service, "aws4_request"] {
            key = HMACSHA256.code(key: key, data: Array(part.utf8))
        }
        return key
    }

    /// The signature: hex HMAC-SHA256 of the string to sign under the signing key.
    public static func signature(signingKey: [UInt8], stringToSign: String) -> String {
        Hex.encode(HMACSHA256.code(key: signingKey, data: Array(stringToSign.utf8)))
    }

    /// The `Authorization` header value:
    /// `AWS4-HMAC-SHA256 Credential=AKID/scope, SignedHeaders=a;b, Signature=hex`.
    public static func authorizationHeader(accessKeyId: String, credentialScope: String, signedHeaders: String, signature: String) -> String {
        "\(algorithm) Credential=\(accessKeyId)/\(credentialScope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
