import Foundation
import TestSupport
import XCTest

@testable import AWSLite

final class RetryTests: XCTestCase {
    /// A server that answers the first `failures` requests with `failure`, then `success`.
    private func flaky(_ failures: Int, _ failure: TestHTTPResponse, then success: TestHTTPResponse) throws -> TestHTTPServer {
        let count = Locked(0)
        return try TestHTTPServer { _ in
            let n = count.withLock { c -> Int in
                c += 1
                return c
            }
            return n <= failures ? failure : success
        }
    }

    private let describeOK = ClientHarness.json(200, #"{"RestoreJobId":"r-1","Status":"RUNNING"}"#)

    func testRetries503ThenSucceedsWithFullJitterBackoff() async throws {
        let server = try flaky(3, ClientHarness.json(503, #"{"message":"busy"}"#), then: describeOK)
        defer { server.stop() }
        let sleeps = Locked<[TimeInterval]>([])
        let backup = try BackupClient(configuration: ClientHarness.configuration(server, sleeps: sleeps))
        let job = try await backup.describeRestoreJob("r-1")
        XCTAssertEqual(job.status, "RUNNING")
        XCTAssertEqual(server.requests.count, 4)
        // random() = 0.5: 0.5 · 0.25 · 2^(n-1)
        XCTAssertEqual(sleeps.current, [0.125, 0.25, 0.5])
    }

    func testHonoursRetryAfterOn429() async throws {
        let server = try flaky(1, .text(429, "", headers: [("Retry-After", "7")]), then: describeOK)
        defer { server.stop() }
        let sleeps = Locked<[TimeInterval]>([])
        let backup = try BackupClient(configuration: ClientHarness.configuration(server, sleeps: sleeps))
        _ = try await backup.describeRestoreJob("r-1")
        XCTAssertEqual(server.requests.count, 2)
        XCTAssertEqual(sleeps.current, [7])
    }

    func testRetriesThrottlingCodeEvenForNonIdempotentCall() async throws {
        let throttled = ClientHarness.json(400, #"{"__type":"com.amazonaws.ecs#ThrottlingException","message":"Rate exceeded"}"#)
        let server = try flaky(2, throttled, then: ClientHarness.json(200, #"{"taskDefinition":{"family":"f","revision":3}}"#))
        defer { server.stop() }
        let ecs = try ECSClient(configuration: ClientHarness.configuration(server))
        let def = try await ecs.registerTaskDefinition(ECSRegisterTaskDefinitionRequest(family: "f", containerDefinitions: []))
        XCTAssertEqual(def.revision, 3)
        XCTAssertEqual(server.requests.count, 3)
    }

    func testRetriesSlowDownFromS3() async throws {
        let slowDown = ClientHarness.xml(503, "<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>")
        let server = try flaky(1, slowDown, then: .text(204, ""))
        defer { server.stop() }
        let s3 = try S3Client(configuration: ClientHarness.configuration(server))
        try await s3.deleteObject(bucket: "b", key: "k")
        XCTAssertEqual(server.requests.count, 2)
    }

    func testRetriesDroppedConnectionForIdempotentCall() async throws {
        let server = try flaky(2, .dropConnection, then: describeOK)
        defer { server.stop() }
        let backup = try BackupClient(configuration: ClientHarness.configuration(server))
        _ = try await backup.describeRestoreJob("r-1")
        XCTAssertEqual(server.requests.count, 3)
    }

    func testDoesNotRetryDroppedConnectionForNonIdempotentCall() async throws {
        let server = try flaky(1, .dropConnection, then: ClientHarness.xml(200, "<PublishResponse><PublishResult><MessageId>m</MessageId></PublishResult></PublishResponse>"))
        defer { server.stop() }
        let sns = try SNSClient(configuration: ClientHarness.configuration(server))
        do {
            _ = try await sns.publish(SNSPublishRequest(topicArn: "arn:aws:sns:eu-west-1:1:t", message: "hi"))
            XCTFail("expected a transport error")
        } catch let error as AWSError {
            XCTAssertEqual(error.kind, .transport)
            XCTAssertEqual(error.operation, "Publish")
        }
        XCTAssertEqual(server.requests.count, 1)
    }

    func testDoesNotRetry5xxForNonIdempotentCall() async throws {
        let server = try flaky(1, ClientHarness.json(500, #"{"__type":"ServerException","message":"boom"}"#), then: ClientHarness.json(200, "{}"))
        defer { server.stop() }
        let ecs = try ECSClient(configuration: ClientHarness.configuration(server))
        do {
            _ = try await ecs.runTask(ECSRunTaskRequest(taskDefinition: "f:1"))
            XCTFail("expected ServerException")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "ServerException")
            XCTAssertEqual(error.httpStatus, 500)
        }
        XCTAssertEqual(server.requests.count, 1)
    }

    func testRetries5xxForRunTaskWithClientToken() async throws {
        let server = try flaky(1, ClientHarness.json(500, #"{"__type":"ServerException","message":"boom"}"#), then: ClientHarness.json(200, #"{"tasks":[],"failures":[]}"#))
        defer { server.stop() }
        let ecs = try ECSClient(configuration: ClientHarness.configuration(server))
        _ = try await ecs.runTask(ECSRunTaskRequest(taskDefinition: "f:1", clientToken: "tok"))
        XCTAssertEqual(server.requests.count, 2)
    }

    func testDoesNotRetry400() async throws {
        let server = try flaky(5, ClientHarness.json(400, #"{"__type":"InvalidParameterValueException","message":"bad"}"#), then: describeOK)
        defer { server.stop() }
        let backup = try BackupClient(configuration: ClientHarness.configuration(server))
        do {
            _ = try await backup.describeRestoreJob("r-1")
            XCTFail("expected an error")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "InvalidParameterValueException")
        }
        XCTAssertEqual(server.requests.count, 1)
    }

    func testAttemptsAreBounded() async throws {
        let server = try flaky(100, ClientHarness.json(503, #"{"message":"busy"}"#), then: describeOK)
        defer { server.stop() }
        let sleeps = Locked<[TimeInterval]>([])
        let backup = try BackupClient(configuration: ClientHarness.configuration(server, sleeps: sleeps, maxAttempts: 5))
        do {
            _ = try await backup.describeRestoreJob("r-1")
            XCTFail("expected an error")
        } catch let error as AWSError {
            XCTAssertEqual(error.httpStatus, 503)
            XCTAssertEqual(error.message, "busy")
        }
        XCTAssertEqual(server.requests.count, 5)
        XCTAssertEqual(sleeps.current, [0.125, 0.25, 0.5, 1.0])
    }

    func testBackoffIsCappedAndRetryAfterParsed() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: 1, maxDelay: 4, maxRetryAfter: 30, random: { 0.999 }, sleep: { _ in })
        XCTAssertEqual(policy.delay(beforeRetry: 10, retryAfter: nil), 0.999 * 4, accuracy: 1e-9)
        XCTAssertEqual(policy.delay(beforeRetry: 1, retryAfter: 120), 30)
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        XCTAssertEqual(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:05 GMT", now: now), 5)
        XCTAssertEqual(RetryPolicy.parseRetryAfter("3", now: now), 3)
        XCTAssertNil(RetryPolicy.parseRetryAfter("soon", now: now))
    }
}

final class RetryClassifierTests: XCTestCase {
    private func service(_ code: String?, _ status: Int) -> AWSError {
        AWSError(kind: .service, service: "x", code: code, message: "m", httpStatus: status)
    }

    func testClassification() {
        for code in ["Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded", "SlowDown", "ProvisionedThroughputExceededException"] {
            XCTAssertTrue(RetryClassifier.isRetryable(service(code, 400), idempotent: false), code)
        }
        XCTAssertTrue(RetryClassifier.isRetryable(service(nil, 429), idempotent: false))
        XCTAssertTrue(RetryClassifier.isRetryable(service("InternalError", 500), idempotent: true))
        XCTAssertFalse(RetryClassifier.isRetryable(service("InternalError", 500), idempotent: false))
        XCTAssertFalse(RetryClassifier.isRetryable(service(nil, 501), idempotent: true))
        XCTAssertFalse(RetryClassifier.isRetryable(service("LimitExceededException", 400), idempotent: true))
        XCTAssertFalse(RetryClassifier.isRetryable(service("PreconditionFailed", 412), idempotent: true))
        XCTAssertFalse(RetryClassifier.isRetryable(AWSError(kind: .credentials, message: "m"), idempotent: true))
        XCTAssertTrue(RetryClassifier.isRetryable(HTTPTransportError(stage: .notSent, message: ""), idempotent: false))
        XCTAssertFalse(RetryClassifier.isRetryable(HTTPTransportError(stage: .mayHaveBeenSent, message: ""), idempotent: false))
        XCTAssertTrue(RetryClassifier.isRetryable(HTTPTransportError(stage: .mayHaveBeenSent, message: ""), idempotent: true))
    }

    func testCredentialFailureIsNotSentOrRetried() async throws {
        struct NoCredentials: CredentialProvider {
            struct Missing: Error {}
            func credentials() async throws -> Credentials { throw Missing() }
        }
        let transport = StubTransport()
        let config = AWSClientConfiguration(region: "eu-west-1", credentials: NoCredentials(), endpoint: URL(string: "http://127.0.0.1:1")!, transport: transport, signer: .unsigned)
        do {
            try await EFSClient(configuration: config).deleteFileSystem("fs-1")
            XCTFail("expected a credentials error")
        } catch let error as AWSError {
            XCTAssertEqual(error.kind, .credentials)
            XCTAssertEqual(error.operation, "DeleteFileSystem")
        }
        XCTAssertEqual(transport.urls.current, [])
    }
}
