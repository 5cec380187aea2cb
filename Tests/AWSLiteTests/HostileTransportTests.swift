import Foundation
import TestSupport
import XCTest

@testable import AWSLite

/// AWSLite against `testenv/hostile/hostile_server.py`: no answer, slow and
/// truncated bodies, resets, 5xx storms, redirects, huge bodies, deadlines.
final class HostileTransportTests: XCTestCase {
    /// An S3 client for `server` with short real backoff.
    static func s3(_ server: HostileServer, attempts: Int = 3, idle: TimeInterval = 5) throws -> S3Client {
        let config = AWSClientConfiguration(
            region: "us-east-1", credentials: StaticCredentialProvider(ClientHarness.credentials), endpoint: URL(string: server.baseURL)!,
            retry: RetryPolicy(maxAttempts: attempts, baseDelay: 0.01, maxDelay: 0.05), connectTimeout: 5, idleTimeout: idle)
        return try S3Client(configuration: config)
    }

    /// The error `body` throws (fails the test when it returns).
    static func awsError<T>(_ body: () async throws -> T, file: StaticString = #filePath, line: UInt = #line) async -> AWSError? {
        do {
            _ = try await body()
            XCTFail("expected an AWSError", file: file, line: line)
        } catch let error as AWSError {
            return error
        } catch {
            XCTFail("expected an AWSError, got \(error)", file: file, line: line)
        }
        return nil
    }

    func testNoAnswerEndsAfterTheIdleTimeoutOnEveryAttemptWithAReadableMessage() async throws {
        let server = try HostileServer.start(scenario: "silent")
        defer { server.stop() }
        let started = Date()
        let error = await Self.awsError { try await Self.s3(server, attempts: 2, idle: 0.5).headObject(bucket: "b", key: "k") }
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        XCTAssertEqual(error?.kind, .transport)
        XCTAssertEqual(error?.message, "timed out after 0.5 s without data from 127.0.0.1:\(server.port) (HEAD) (attempt 2 of 2)")
        let seen1 = try await server.log()
        XCTAssertEqual(seen1, ["HEAD /b/k", "HEAD /b/k"])
    }

    func testCancellingARequestThatGetsNoAnswerReturnsAtOnce() async throws {
        let server = try HostileServer.start(scenario: "silent")
        defer { server.stop() }
        let s3 = try Self.s3(server, attempts: 1, idle: 120)
        for round in 1...5 {
            let task = Task { try await s3.headObject(bucket: "b", key: "k\(round)") }
            while try await server.log().count < round { await Task.yield() }
            let started = Date()
            task.cancel()
            do {
                _ = try await task.value
                XCTFail("expected cancellation")
            } catch is CancellationError {
            }
            XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        }
    }

    func testAStalledBodyEndsAfterTheIdleTimeout() async throws {
        let server = try HostileServer.start(scenario: "stall-body")
        defer { server.stop() }
        let error = await Self.awsError { try await Self.s3(server, attempts: 1, idle: 0.5).getObject(bucket: "b", key: "k") }
        XCTAssertEqual(error?.message, "timed out after 0.5 s without data from 127.0.0.1:\(server.port) (GET) (attempt 1 of 1)")
    }

    func testASlowButSteadyDownloadFinishesPastTheIdleTimeout() async throws {
        let server = try HostileServer.start(scenario: "steady")
        defer { server.stop() }
        let started = Date()
        let stream = try await Self.s3(server, attempts: 1, idle: 1).getObject(bucket: "b", key: "k")
        var total = 0
        for try await chunk in stream.chunks { total += chunk.count }
        XCTAssertEqual(total, 640 * 1024)
        XCTAssertGreaterThan(Date().timeIntervalSince(started), 1.5, "the transfer must outlast the idle timeout")
    }

    func testATruncatedBodyIsRetriedAndThenReported() async throws {
        let server = try HostileServer.start(scenario: "truncated")
        defer { server.stop() }
        let error = await Self.awsError { try await Self.s3(server, attempts: 2).getObject(bucket: "b", key: "k") }
        XCTAssertEqual(error?.kind, .transport)
        XCTAssertTrue(error?.message.contains("connection closed the body ended 500 bytes early (expected 1000)") == true, error?.message ?? "")
        let seen2 = try await server.log()
        XCTAssertEqual(seen2.count, 2)
    }

    func testAResetIsRetriedAndThenReported() async throws {
        let server = try HostileServer.start(scenario: "reset")
        defer { server.stop() }
        let error = await Self.awsError { try await Self.s3(server, attempts: 3).headObject(bucket: "b", key: "k") }
        XCTAssertEqual(error?.kind, .transport)
        XCTAssertTrue(error?.message.hasSuffix("(attempt 3 of 3)") == true, error?.message ?? "")
        let seen3 = try await server.log()
        XCTAssertEqual(seen3.count, 3)
    }

    func testTheRequestAfterAResetGetsAFreshConnectionAndSucceedsAtOnce() async throws {
        let server = try HostileServer.start(scenario: "reset-once")
        defer { server.stop() }
        let started = Date()
        let head = try await Self.s3(server, attempts: 2, idle: 30).headObject(bucket: "b", key: "k")
        XCTAssertEqual(head.eTag, "\"done-1\"")
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        let seen4 = try await server.log()
        XCTAssertEqual(seen4, ["HEAD /b/k", "HEAD /b/k"])
    }

    func testA5xxStormIsRetriedAWSMaxAttemptsTimes() async throws {
        let server = try HostileServer.start(scenario: "storm")
        defer { server.stop() }
        var policy = try RetryPolicy.fromEnvironment(["AWS_MAX_ATTEMPTS": "4"])
        let sleeps = Locked<[TimeInterval]>([])
        policy.sleep = { seconds in sleeps.withLock { $0.append(seconds) } }
        var config = AWSClientConfiguration(
            region: "us-east-1", credentials: StaticCredentialProvider(ClientHarness.credentials), endpoint: URL(string: server.baseURL)!, retry: policy)
        config.idleTimeout = 5
        let error = await Self.awsError { try await S3Client(configuration: config).listObjectsV2(bucket: "b") }
        XCTAssertEqual(error?.code, "SlowDown")
        XCTAssertEqual(error?.httpStatus, 503)
        let seen5 = try await server.log()
        XCTAssertEqual(seen5.count, 4)
        XCTAssertEqual(sleeps.current.count, 3)
    }

    /// Writes 5 MiB + 1 byte (two parts) and finishes.
    static func writeTwoParts(_ s3: S3Client) async throws -> S3PutObjectResult {
        let writer = s3.multipartWriter(bucket: "b", key: "m.gz", partSize: S3MultipartWriter.minimumPartSize)
        try await writer.write([UInt8](repeating: 7, count: S3MultipartWriter.minimumPartSize + 1))
        return try await writer.finish()
    }

    func testA200WithAnEmptyBodyToCompleteIsRetriedThenTheUploadIsAborted() async throws {
        for (scenario, what) in [("complete-empty", "an empty body"), ("complete-notxml", "a body that is not XML")] {
            let server = try HostileServer.start(scenario: scenario)
            defer { server.stop() }
            let error = await Self.awsError { try await Self.writeTwoParts(Self.s3(server)) }
            XCTAssertEqual(error?.kind, .invalidResponse, scenario)
            XCTAssertEqual(error?.message, "HTTP 200 with \(what): the upload was not confirmed", scenario)
            let log = try await server.log()
            XCTAssertEqual(log.filter { $0.hasPrefix("POST /b/m.gz?uploadId=upload-1") }.count, 3, scenario)
            XCTAssertEqual(log.last, "DELETE /b/m.gz?uploadId=upload-1", scenario)
        }
    }

    func testARetriedCompleteAnsweredNoSuchUploadChecksTheObject() async throws {
        let server = try HostileServer.start(scenario: "complete-lost")
        defer { server.stop() }
        let result = try await Self.writeTwoParts(Self.s3(server))
        XCTAssertEqual(result.eTag, "\"done-1\"")
        let log = try await server.log()
        XCTAssertEqual(log.filter { $0.hasPrefix("POST /b/m.gz?uploadId=") }.count, 2)
        XCTAssertEqual(log.last, "HEAD /b/m.gz")
        XCTAssertFalse(log.contains { $0.hasPrefix("DELETE") })
    }

    func testCreateMultipartUploadIsRetriedAndALostUploadIsAborted() async throws {
        let server = try HostileServer.start(scenario: "create-lost")
        defer { server.stop() }
        _ = try await Self.writeTwoParts(Self.s3(server))
        let log = try await server.log()
        XCTAssertEqual(log.filter { $0 == "POST /b/m.gz?uploads" }.count, 2)
        XCTAssertTrue(log.contains("DELETE /b/m.gz?uploadId=upload-1"), "\(log)")
        XCTAssertFalse(log.contains("DELETE /b/m.gz?uploadId=upload-2"), "\(log)")
        XCTAssertTrue(log.contains { $0.hasPrefix("POST /b/m.gz?uploadId=upload-2") }, "\(log)")
    }

    func testCreateMultipartUploadIsRetriedAfterA500() async throws {
        let server = try HostileServer.start(scenario: "create-500")
        defer { server.stop() }
        _ = try await Self.writeTwoParts(Self.s3(server))
        let log = try await server.log()
        XCTAssertEqual(log.filter { $0 == "POST /b/m.gz?uploads" }.count, 2)
        XCTAssertFalse(log.contains { $0.hasPrefix("DELETE") }, "nothing to abort: the 500 created nothing")
    }

    func testA301IsNotFollowedAndNamesTheBucketRegion() async throws {
        let server = try HostileServer.start(scenario: "redirect-301")
        defer { server.stop() }
        let s3 = try Self.s3(server)
        let head = await Self.awsError { try await s3.headObject(bucket: "b", key: "k") }
        XCTAssertEqual(head?.code, "PermanentRedirect")
        XCTAssertEqual(
            head?.message,
            "redirected (HTTP 301), not followed. The bucket is in region eu-central-1: set AWS_REGION=eu-central-1 (or AWS_ENDPOINT_URL_S3 to that region's endpoint)")
        let get = await Self.awsError { try await s3.getObject(bucket: "b", key: "k") }
        XCTAssertTrue(get?.message.hasPrefix("redirected (HTTP 301), not followed. The bucket is in region eu-central-1: set AWS_REGION=eu-central-1") == true)
        let seen6 = try await server.log()
        XCTAssertEqual(seen6.count, 2, "no retries")
    }

    func testA307ToAnotherHostIsNotFollowed() async throws {
        let server = try HostileServer.start(scenario: "redirect-307")
        defer { server.stop() }
        let error = await Self.awsError {
            try await Self.s3(server).putObject(S3PutObjectRequest(bucket: "b", key: "k", body: Array("data".utf8), contentType: "text/plain"))
        }
        XCTAssertEqual(error?.httpStatus, 307)
        XCTAssertEqual(error?.code, "TemporaryRedirect")
        XCTAssertTrue(error?.message.contains("Location: http://localhost:\(server.port)/_stolen/b/k") == true, error?.message ?? "")
        let seen7 = try await server.log()
        XCTAssertEqual(seen7, ["PUT /b/k"])
    }

    func testAHugeBodyToASmallRequestIsRefused() async throws {
        for scenario in ["huge", "huge-chunked"] {
            let server = try HostileServer.start(scenario: scenario)
            defer { server.stop() }
            let error = await Self.awsError { try await Self.s3(server).listObjectsV2(bucket: "b") }
            XCTAssertEqual(error?.kind, .transport, scenario)
            XCTAssertTrue(
                error?.message.contains("the answer is larger than \(HTTPLimits.documentBodyLimit) bytes, the limit for this request") == true,
                error?.message ?? "")
            let seen8 = try await server.log()
            XCTAssertEqual(seen8.count, 1, "not retried")
        }
    }

    func testARetryAfterLongerThanTheTimeLeftEndsTheCallBeforeTheDeadline() async throws {
        let server = try HostileServer.start(scenario: "retry-after")
        defer { server.stop() }
        let s3 = try Self.s3(server)
        let started = Date()
        let error = await Self.awsError {
            try await AWSDeadline.$current.withValue(Date().addingTimeInterval(10)) { try await s3.headObject(bucket: "b", key: "k") }
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        XCTAssertEqual(error?.httpStatus, 503)
        XCTAssertTrue(error?.message.contains("; no time left for another attempt before the deadline") == true, error?.message ?? "")
        let seen9 = try await server.log()
        XCTAssertEqual(seen9.count, 1)
    }

    func testTheDeadlineCutsARequestThatGetsNoAnswer() async throws {
        let server = try HostileServer.start(scenario: "silent")
        defer { server.stop() }
        let s3 = try Self.s3(server, idle: 60)
        let started = Date()
        let error = await Self.awsError {
            try await AWSDeadline.$current.withValue(Date().addingTimeInterval(1)) { try await s3.headObject(bucket: "b", key: "k") }
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        XCTAssertEqual(error?.message, "HEAD 127.0.0.1:\(server.port): the deadline passed before the answer was complete (attempt 1 of 3)")
    }

    func testExpiredContainerCredentialsWarnOnceAndAreNotFetchedOnEveryRequest() async throws {
        let server = try HostileServer.start(scenario: "expired-credentials")
        defer { server.stop() }
        let warnings = Locked<[String]>([])
        let container = ContainerCredentialProvider(
            environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": server.baseURL + "/creds"], fileReader: { _ in nil },
            httpClient: TransportCredentialHTTPClient())
        let provider = RefreshingCredentialProvider(wrapping: container, warn: { text in warnings.withLock { $0.append(text) } })
        let config = AWSClientConfiguration(
            region: "us-east-1", credentials: provider, endpoint: URL(string: server.baseURL)!, signer: .unsigned, idleTimeout: 5)
        let s3 = try S3Client(configuration: config)
        for _ in 1...3 { _ = try await s3.headObject(bucket: "b", key: "k") }
        let seen10 = try await server.log()
        XCTAssertEqual(seen10.filter { $0 == "GET /creds" }.count, 1)
        XCTAssertEqual(warnings.current, ["warning: the AWS credentials just fetched expired at 2020-01-01T00:00:00Z; using them anyway, asking again in 5 s"])
    }
}

final class HostileConnectTests: XCTestCase {
    func testAConnectionThatIsNeverAcceptedEndsAfterTheConnectTimeout() async throws {
        let server = try HostileServer.start(scenario: "no-accept")
        defer { server.stop() }
        let config = AWSClientConfiguration(
            region: "us-east-1", credentials: StaticCredentialProvider(ClientHarness.credentials), endpoint: URL(string: server.baseURL)!,
            retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.05), connectTimeout: 0.5, idleTimeout: 60)
        let started = Date()
        let error = await HostileTransportTests.awsError { try await S3Client(configuration: config).headObject(bucket: "b", key: "k") }
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        XCTAssertEqual(error?.message, "timed out after 0.5 s connecting to 127.0.0.1 (attempt 2 of 2)")
    }
}
