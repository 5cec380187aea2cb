import Foundation

/// Server-side checking of a SigV4 `Authorization` header (for test stand-ins
/// that must refuse badly signed requests).
extension SigV4 {
    /// The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` value.
    public struct ParsedAuthorization: Sendable, Equatable {
        public var accessKeyId: String
        public var dateStamp: String
        public var region: String
        public var service: String
        /// Lower-case names, in the order given.
        public var signedHeaders: [String]
        public var signature: String

        public init(accessKeyId: String, dateStamp: String, region: String, service: String, signedHeaders: [String], signature: String) {
            self.accessKeyId = accessKeyId
            self.dateStamp = dateStamp
            self.region = region
            self.service = service
            self.signedHeaders = signedHeaders
            self.signature = signature
        }
    }

    /// Parses an `Authorization` value; nil when it is not a SigV4 header.
    public static func parseAuthorization(_ value: String) -> ParsedAuthorization? {
        guard value.hasPrefix(algorithm + " ") else { return nil }
        var fields: [String: String] = [:]
        for part in value.dropFirst(algorithm.count + 1).split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { return nil }
            fields[String(pair[0])] = String(pair[1])
        }
        guard let credential = fields["Credential"], let signed = fields["SignedHeaders"], let signature = fields["Signature"] else {
            return nil
        }
        let scope = credential.split(separator: "/", omittingEmptySubsequences: false)
        guard scope.count == 5, scope[4] == "aws4_request", !scope[0].isEmpty else { return nil }
        return ParsedAuthorization(
            accessKeyId: String(scope[0]), dateStamp: String(scope[1]), region: String(scope[2]), service: String(scope[3]),
            signedHeaders: signed.split(separator: ";").map { $0.lowercased() }, signature: signature)
    }

    /// Why ``verify(_:secretAccessKey:payloadHash:options:)`` refused a request.
    public enum VerificationFailure: Error, Sendable, Equatable {
        case missingAuthorization
        case malformedAuthorization
        case missingDate
        /// A header listed in SignedHeaders is absent (`host` must be signed and present).
        case missingSignedHeader(String)
        /// The scope's date is not `X-Amz-Date`'s day.
        case scopeDateMismatch
        case signatureMismatch(expected: String, got: String)
    }

    /// Recomputes the signature of a received request (its `Host` header among
    /// `headers`) from the headers it lists as signed, and compares.
    ///
    /// - Parameters:
    ///   - secretAccessKey: the secret of the access key named in the header.
    ///   - payloadHash: the hex SHA-256 of the received body (or the request's
    ///     `x-amz-content-sha256` value for S3).
    /// - Returns: the parsed header, for checks of key, region and service.
    @discardableResult
    public static func verify(
        _ request: SignableRequest, secretAccessKey: String, payloadHash: String, options: SigningOptions
    ) throws(VerificationFailure) -> ParsedAuthorization {
        guard let value = request.headers.first(where: { $0.name.lowercased() == "authorization" })?.value else {
            throw .missingAuthorization
        }
        guard let parsed = parseAuthorization(value) else { throw .malformedAuthorization }
        guard let amzDate = request.headers.first(where: { $0.name.lowercased() == "x-amz-date" })?.value else { throw .missingDate }
        guard amzDate.hasPrefix(parsed.dateStamp), parsed.dateStamp.count == 8 else { throw .scopeDateMismatch }
        let names = Set(parsed.signedHeaders)
        guard names.contains("host") else { throw .missingSignedHeader("host") }
        let signedHeaders = request.headers.filter { names.contains($0.name.lowercased()) }
        for name in parsed.signedHeaders where !signedHeaders.contains(where: { $0.name.lowercased() == name }) {
            throw .missingSignedHeader(name)
        }
        let headers = canonicalHeaders(signedHeaders)
        let canonical = canonicalRequest(
            method: request.method.uppercased(), canonicalURI: canonicalURI(path: request.path, options: options),
            canonicalQuery: canonicalQueryString(request.query), canonicalHeaders: headers.canonical,
            signedHeaders: headers.signedHeaders, payloadHash: payloadHash)
        let scope = credentialScope(dateStamp: parsed.dateStamp, region: parsed.region, service: parsed.service)
        let key = signingKey(secretAccessKey: secretAccessKey, dateStamp: parsed.dateStamp, region: parsed.region, service: parsed.service)
        let expected = signature(signingKey: key, stringToSign: stringToSign(amzDate: amzDate, credentialScope: scope, canonicalRequest: canonical))
        guard expected == parsed.signature else { throw .signatureMismatch(expected: expected, got: parsed.signature) }
        return parsed
    }
}
