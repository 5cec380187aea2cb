import AWSLite
import Foundation
import Primitives
import XCTest

/// Server-side verification (used by test stand-ins) agrees with the signer and
/// refuses tampering.
final class SigV4VerifyTests: XCTestCase {
    let creds = Credentials(accessKeyId: "AKIDTEST", secretAccessKey: "secret", sessionToken: "tok")
    let date = Date(timeIntervalSince1970: 1_795_300_000)

    /// Signs as a client would, then turns it into what a server receives (Host among the headers).
    func received(path: String = "/backup-vaults/Default/recovery-points/arn%3Aaws%3Abackup%3Ax/restore-metadata") -> SignableRequest {
        var request = SignableRequest(
            method: "GET", host: "127.0.0.1:5000", path: path, query: "a=1&b=x%2Fy",
            headers: [(name: "Content-Type", value: "application/json"), (name: "User-Agent", value: "ebv/1")])
        SigV4.sign(&request, credentials: creds, region: "us-east-1", service: "backup", date: date, payloadHash: SigV4.emptyPayloadHash, options: .standard)
        request.headers.insert((name: "Host", value: "127.0.0.1:5000"), at: 0)
        return request
    }

    func testAcceptsWhatTheSignerProduces() throws {
        let parsed = try SigV4.verify(received(), secretAccessKey: "secret", payloadHash: SigV4.emptyPayloadHash, options: .standard)
        XCTAssertEqual(parsed.accessKeyId, "AKIDTEST")
        XCTAssertEqual(parsed.dateStamp, "20261121")
        XCTAssertEqual(parsed.region, "us-east-1")
        XCTAssertEqual(parsed.service, "backup")
        XCTAssertEqual(parsed.signedHeaders, ["content-type", "host", "x-amz-date", "x-amz-security-token"])
    }

    func testRefusesWrongSecretTamperingAndMissingParts() {
        XCTAssertThrowsError(try SigV4.verify(received(), secretAccessKey: "wrong", payloadHash: SigV4.emptyPayloadHash, options: .standard)) {
            guard case .signatureMismatch = $0 as? SigV4.VerificationFailure else { return XCTFail("\($0)") }
        }
        var tampered = received()
        tampered.query = "a=2&b=x%2Fy"
        XCTAssertThrowsError(try SigV4.verify(tampered, secretAccessKey: "secret", payloadHash: SigV4.emptyPayloadHash, options: .standard)) {
            guard case .signatureMismatch = $0 as? SigV4.VerificationFailure else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try SigV4.verify(received(), secretAccessKey: "secret", payloadHash: SHA256.hex("x"), options: .standard))
        var noToken = received()
        noToken.headers.removeAll { $0.name == "X-Amz-Security-Token" }
        XCTAssertThrowsError(try SigV4.verify(noToken, secretAccessKey: "secret", payloadHash: SigV4.emptyPayloadHash, options: .standard)) {
            XCTAssertEqual($0 as? SigV4.VerificationFailure, .missingSignedHeader("x-amz-security-token"))
        }
        var noAuth = received()
        noAuth.headers.removeAll { $0.name == "Authorization" }
        XCTAssertThrowsError(try SigV4.verify(noAuth, secretAccessKey: "secret", payloadHash: SigV4.emptyPayloadHash, options: .standard)) {
            XCTAssertEqual($0 as? SigV4.VerificationFailure, .missingAuthorization)
        }
    }

    func testParseAuthorization() {
        XCTAssertEqual(
            SigV4.parseAuthorization("AWS4-HMAC-SHA256 Credential=AK/20150830/us-east-1/service/aws4_request, SignedHeaders=Host;x-amz-date, Signature=abc"),
            SigV4.ParsedAuthorization(
                accessKeyId: "AK", dateStamp: "20150830", region: "us-east-1", service: "service", signedHeaders: ["host", "x-amz-date"], signature: "abc"))
        XCTAssertNil(SigV4.parseAuthorization("AWS AK:sig"))
        XCTAssertNil(SigV4.parseAuthorization("AWS4-HMAC-SHA256 Credential=AK/20150830/us-east-1/service, SignedHeaders=host, Signature=abc"))
    }
}
