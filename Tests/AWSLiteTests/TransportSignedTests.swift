import Foundation
import TestSupport
import XCTest

@testable import AWSLite

/// Every client end to end with the real SigV4 signer against a server that
/// verifies each request's signature (and answers 403 SignatureDoesNotMatch otherwise).
final class TransportSignedTests: XCTestCase {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

    /// Verifies the signature, the scope (region, service) and, for S3, the payload hash header.
    private func verifyingServer(service: String, answer: @escaping @Sendable (TestHTTPRequest) -> TestHTTPResponse) throws -> (TestHTTPServer, Locked<[String]>) {
        let failures = Locked<[String]>([])
        let server = try TestHTTPServer { r in
            let request = SignableRequest(method: r.method, host: r.header("Host") ?? "", path: r.path, query: r.query, headers: r.headers)
            let bodyHash = PayloadDigest(of: r.body).hex
            let s3 = service == "s3"
            do {
                if s3, r.header("x-amz-content-sha256") != bodyHash { throw SigV4.VerificationFailure.malformedAuthorization }
                let parsed = try SigV4.verify(request, secretAccessKey: Self.secret, payloadHash: bodyHash, options: s3 ? .s3 : .standard)
                guard parsed.region == "eu-west-1", parsed.service == service, parsed.accessKeyId == "AKIDEXAMPLE",
                    parsed.signedHeaders.contains("x-amz-security-token")
                else { throw SigV4.VerificationFailure.malformedAuthorization }
            } catch {
                failures.withLock { $0.append("\(r.method) \(r.target): \(error)") }
                return .text(403, "<Error><Code>SignatureDoesNotMatch</Code><Message>bad signature</Message></Error>")
            }
            return answer(r)
        }
        return (server, failures)
    }

    private func configuration(_ server: TestHTTPServer, secret: String = TransportSignedTests.secret) -> AWSClientConfiguration {
        AWSClientConfiguration(
            region: "eu-west-1", credentials: StaticCredentialProvider(Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: secret, sessionToken: "session/token+=")),
            environment: ["AWS_ENDPOINT_URL": server.baseURL], retry: .none)
    }

    func testS3RequestsAreCorrectlySigned() async throws {
        let (server, failures) = try verifyingServer(service: "s3") { r in
            switch r.method {
            case "GET" where r.query.hasPrefix("list-type"): return ClientHarness.xml(200, "<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>")
            case "GET": return .init(status: 206, headers: [("Content-Range", "bytes 0-2/3"), ("ETag", "\"e\"")], body: [1, 2, 3])
            case "POST" where r.query == "uploads": return ClientHarness.xml(200, "<InitiateMultipartUploadResult><UploadId>u+1</UploadId></InitiateMultipartUploadResult>")
            case "PUT" where r.query.hasPrefix("partNumber"): return .text(200, "", headers: [("ETag", "\"p\"")])
            case "POST": return ClientHarness.xml(200, "<CompleteMultipartUploadResult><ETag>\"f\"</ETag></CompleteMultipartUploadResult>")
            default: return .text(200, "", headers: [("ETag", "\"e\""), ("Content-Length", "0")])
            }
        }
        defer { server.stop() }
        let s3 = try S3Client(configuration: configuration(server))
        let key = "dir/a b+c=d/ünï.json"
        _ = try await s3.putObject(S3PutObjectRequest(bucket: "bkt", key: key, body: Array("{}".utf8), condition: .ifNoneExists, metadata: ["run": "r 1"]))
        _ = try await s3.headObject(bucket: "bkt", key: key)
        let stream = try await s3.getObject(bucket: "bkt", key: key)
        _ = try await stream.next()
        _ = try await s3.listObjectsV2(bucket: "bkt", prefix: "dir/a b+", continuationToken: "x/y=")
        let writer = s3.multipartWriter(bucket: "bkt", key: key, partSize: S3MultipartWriter.minimumPartSize)
        try await writer.write([UInt8](repeating: 0, count: S3MultipartWriter.minimumPartSize + 1))
        _ = try await writer.finish()
        try await s3.deleteObject(bucket: "bkt", key: key)
        XCTAssertEqual(failures.current, [])
        XCTAssertEqual(server.requests.map(\.method), ["PUT", "HEAD", "GET", "GET", "POST", "PUT", "PUT", "POST", "DELETE"])
    }

    func testJSONAndQueryServicesAreCorrectlySigned() async throws {
        let (snsServer, snsFailures) = try verifyingServer(service: "sns") { _ in
            ClientHarness.xml(200, "<PublishResponse><PublishResult><MessageId>m</MessageId></PublishResult></PublishResponse>")
        }
        defer { snsServer.stop() }
        _ = try await SNSClient(configuration: configuration(snsServer)).publish(SNSPublishRequest(topicArn: "arn:aws:sns:eu-west-1:1:t", message: "a b&c=d+é", subject: "s"))
        XCTAssertEqual(snsFailures.current, [])

        let (ecsServer, ecsFailures) = try verifyingServer(service: "ecs") { _ in ClientHarness.json(200, #"{"taskArns":[]}"#) }
        defer { ecsServer.stop() }
        _ = try await ECSClient(configuration: configuration(ecsServer)).listTasks(cluster: "c", startedBy: "x")
        XCTAssertEqual(ecsFailures.current, [])

        let (efsServer, efsFailures) = try verifyingServer(service: "elasticfilesystem") { _ in ClientHarness.json(200, #"{"MountTargets":[]}"#) }
        defer { efsServer.stop() }
        let efs = try EFSClient(configuration: configuration(efsServer))
        _ = try await efs.describeMountTargets(fileSystemId: "fs-1")
        try await efs.deleteAccessPoint("fsap-1")
        XCTAssertEqual(efsFailures.current, [])

        let (backupServer, backupFailures) = try verifyingServer(service: "backup") { _ in ClientHarness.json(200, #"{"RestoreMetadata":{}}"#) }
        defer { backupServer.stop() }
        let backup = try BackupClient(configuration: configuration(backupServer))
        _ = try await backup.getRecoveryPointRestoreMetadata(backupVaultName: "v", recoveryPointArn: "arn:aws:backup:eu-west-1:1:recovery-point:a/b")
        _ = try await backup.listRecoveryPointsByResource(resourceArn: "arn:aws:elasticfilesystem:eu-west-1:1:file-system/fs-1", nextToken: "n/+=")
        XCTAssertEqual(backupFailures.current, [])
    }

    func testWrongSecretIsRefused() async throws {
        let (server, failures) = try verifyingServer(service: "elasticfilesystem") { _ in .text(204, "") }
        defer { server.stop() }
        let efs = try EFSClient(configuration: configuration(server, secret: "not-the-secret"))
        do {
            try await efs.deleteFileSystem("fs-1")
            XCTFail("expected 403")
        } catch let error as AWSError {
            XCTAssertEqual(error.httpStatus, 403)
        }
        XCTAssertEqual(failures.current.count, 1)
    }
}
