import AWSLite
import Foundation
import Primitives
import XCTest

/// Known answers computed once with botocore (`Fixtures/s3-kat/generate.py` →
/// `cases.json`): S3 requests (keys with spaces, `+`, `=`, unicode, a `prefix=dir/`
/// listing, signed and unsigned payloads, a session token, a local path-style
/// endpoint) and non-S3 requests (a Backup ARN label, SNS, EFS).
final class SigV4KnownAnswerTests: XCTestCase {
    struct KATFile: Decodable {
        var generator: String
        var cases: [KAT]
    }

    struct KAT: Decodable {
        struct Expected: Decodable {
            var canonicalRequest: String
            var stringToSign: String
            var signature: String
            var authorization: String
        }

        var name: String
        var options: String
        var service: String
        var region: String
        var date: String
        var accessKeyId: String
        var secretAccessKey: String
        var sessionToken: String?
        var method: String
        var host: String
        var path: String
        var query: String
        var headers: [[String]]
        var body: String
        var payloadHash: String
        var expected: Expected
    }

    static func load() throws -> KATFile {
        let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
            .appendingPathComponent("s3-kat").appendingPathComponent("cases.json")
        return try JSONDecoder().decode(KATFile.self, from: Data(contentsOf: url))
    }

    func testEveryBotocoreCase() throws {
        let file = try Self.load()
        XCTAssertEqual(file.cases.count, 16)
        for kat in file.cases {
            let date = try XCTUnwrap(ISO8601DateFormatter().date(from: kat.date), kat.name)
            var request = SignableRequest(
                method: kat.method, host: kat.host, path: kat.path, query: kat.query,
                headers: kat.headers.map { (name: $0[0], value: $0[1]) })
            let options: SigningOptions = kat.options == "s3" ? .s3 : .standard
            if kat.payloadHash != SigV4.unsignedPayload {
                XCTAssertEqual(SHA256.hex(kat.body), kat.payloadHash, "\(kat.name): body hash")
            }
            let result = SigV4.sign(
                &request,
                credentials: Credentials(accessKeyId: kat.accessKeyId, secretAccessKey: kat.secretAccessKey, sessionToken: kat.sessionToken),
                region: kat.region, service: kat.service, date: date, payloadHash: kat.payloadHash, options: options)
            XCTAssertEqual(result.canonicalRequest, kat.expected.canonicalRequest, "\(kat.name): canonical request")
            XCTAssertEqual(result.stringToSign, kat.expected.stringToSign, "\(kat.name): string to sign")
            XCTAssertEqual(result.signature, kat.expected.signature, "\(kat.name): signature")
            XCTAssertEqual(request.headers.last?.name, "Authorization", kat.name)
            XCTAssertEqual(request.headers.last?.value, kat.expected.authorization, "\(kat.name): Authorization")
            XCTAssertEqual(
                request.headers.first { $0.name == "X-Amz-Security-Token" }?.value, kat.sessionToken, "\(kat.name): token header")
            XCTAssertEqual(
                request.headers.first { $0.name == "x-amz-content-sha256" }?.value,
                options == .s3 ? kat.payloadHash : nil, "\(kat.name): x-amz-content-sha256")
        }
    }

    func testBackupARNLabelIsEncodedTwice() throws {
        let kat = try XCTUnwrap(try Self.load().cases.first { $0.name == "backup-restore-metadata-arn-label" })
        XCTAssertTrue(kat.path.contains("/arn%3Aaws%3Abackup%3Aus-east-1%3A123456789012%3Arecovery-point%3A"))
        XCTAssertEqual(
            SigV4.canonicalURI(path: kat.path, options: .standard),
            "/backup-vaults/Default/recovery-points/arn%253Aaws%253Abackup%253Aus-east-1%253A123456789012%253Arecovery-point%253A1EB3B5E7-9EB0-435A-A80B-108B488B0D45/restore-metadata")
        XCTAssertEqual(SigV4.canonicalURI(path: kat.path, options: .s3), kat.path)
    }
}
