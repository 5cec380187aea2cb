import Foundation
import TestSupport
import XCTest

@testable import AWSLite

/// Hands out `KEY1`/`TOKEN1`, `KEY2`/`TOKEN2`, … (valid for a day, so a cache keeps them
/// until told otherwise), counting the calls.
private final class NumberedKeys: CredentialProvider, @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private let sessionTokens: Bool

    init(sessionTokens: Bool = true) { self.sessionTokens = sessionTokens }

    var calls: Int { lock.withLock { count } }

    func credentials() async throws -> Credentials {
        let n = lock.withLock { () -> Int in
            count += 1
            return count
        }
        return Credentials(
            accessKeyId: "KEY\(n)", secretAccessKey: "secret\(n)", sessionToken: sessionTokens ? "TOKEN\(n)" : nil,
            expiration: Date(timeIntervalSince1970: 1_700_000_000 + 86_400))
    }
}

/// A refused credential is renewed once: the provider is invalidated and the call is
/// signed again with what it answers next; a second refusal is thrown.
final class CredentialExpiryRetryTests: XCTestCase {
    private let now = Date(timeIntervalSince1970: 1_700_000_000)
    private let expiredS3 = ClientHarness.xml(
        400, "<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message><RequestId>R1</RequestId></Error>")
    private let expiredJSON = ClientHarness.json(
        400, #"{"__type":"com.amazon.coral.service#ExpiredTokenException","message":"The security token included in the request is expired"}"#)

    /// Really signed (SigV4), with no retry sleeps, credentials from `provider`.
    private func configuration(_ server: TestHTTPServer, _ provider: any CredentialProvider, sleeps: Locked<[TimeInterval]> = Locked([])) -> AWSClientConfiguration {
        var config = ClientHarness.configuration(server, sleeps: sleeps)
        config.credentials = provider
        config.signer = .sigV4
        config.now = { [now] in now }
        return config
    }

    /// The access key in a SigV4 `Authorization` header.
    private static func accessKey(_ request: TestHTTPRequest) -> String? {
        guard let authorization = request.header("Authorization"), let range = authorization.range(of: "Credential=") else { return nil }
        return String(authorization[range.upperBound...].prefix { $0 != "/" })
    }

    /// Answers `refusal` to requests signed with `KEY1`, `success` to the others.
    private func refusingFirstKey(_ refusal: TestHTTPResponse, success: TestHTTPResponse) throws -> TestHTTPServer {
        try TestHTTPServer { request in Self.accessKey(request) == "KEY1" ? refusal : success }
    }

    func testExpiredTokenFromS3RenewsTheCredentialsAndRetriesOnceSignedWithTheNewKey() async throws {
        let server = try refusingFirstKey(expiredS3, success: .text(204, ""))
        defer { server.stop() }
        let keys = NumberedKeys()
        let sleeps = Locked<[TimeInterval]>([])
        let s3 = try S3Client(configuration: configuration(server, RefreshingCredentialProvider(wrapping: keys, now: { [now] in now }), sleeps: sleeps))

        try await s3.deleteObject(bucket: "b", key: "k")

        let requests = server.requests
        XCTAssertEqual(requests.map(Self.accessKey), ["KEY1", "KEY2"])
        XCTAssertEqual(requests.map { $0.header("X-Amz-Security-Token") }, ["TOKEN1", "TOKEN2"])
        XCTAssertTrue(requests[1].header("Authorization")?.hasPrefix("AWS4-HMAC-SHA256 Credential=KEY2/20231114/eu-west-1/s3/aws4_request, ") ?? false)
        XCTAssertEqual(keys.calls, 2)
        XCTAssertEqual(sleeps.current, [], "a renewal is not a backoff retry")
    }

    func testASecondExpiredTokenIsThrownNotLooped() async throws {
        let server = try TestHTTPServer { [expiredJSON] _ in expiredJSON }
        defer { server.stop() }
        let keys = NumberedKeys()
        let ecs = try ECSClient(configuration: configuration(server, RefreshingCredentialProvider(wrapping: keys, now: { [now] in now })))

        do {
            _ = try await ecs.listTasks(cluster: "c")
            XCTFail("expected ExpiredTokenException")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "ExpiredTokenException")
            XCTAssertEqual(error.httpStatus, 400)
            XCTAssertEqual(error.isExpiredCredentials, true)
            XCTAssertEqual(error.description, "ecs.ListTasks ExpiredTokenException: The security token included in the request is expired (HTTP 400)")
        }
        XCTAssertEqual(server.requests.map(Self.accessKey), ["KEY1", "KEY2"])
        XCTAssertEqual(keys.calls, 2)
    }

    func testRenewalRetriesEvenANonIdempotentCallBecauseAWSDidNotActOnIt() async throws {
        let server = try refusingFirstKey(expiredJSON, success: ClientHarness.json(200, #"{"taskDefinition":{"family":"f","revision":4}}"#))
        defer { server.stop() }
        let ecs = try ECSClient(configuration: configuration(server, RefreshingCredentialProvider(wrapping: NumberedKeys(), now: { [now] in now })))
        let registered = try await ecs.registerTaskDefinition(ECSRegisterTaskDefinitionRequest(family: "f", containerDefinitions: []))
        XCTAssertEqual(registered.revision, 4)
        XCTAssertEqual(server.requests.map(Self.accessKey), ["KEY1", "KEY2"])
        XCTAssertEqual(server.requests[0].body, server.requests[1].body)
    }

    func testRequestExpiredIsRenewedToo() async throws {
        let refusal = ClientHarness.xml(400, "<ErrorResponse><Error><Type>Sender</Type><Code>RequestExpired</Code><Message>Request has expired.</Message></Error></ErrorResponse>")
        let server = try refusingFirstKey(refusal, success: ClientHarness.xml(200, "<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>"))
        defer { server.stop() }
        let sns = try SNSClient(configuration: configuration(server, RefreshingCredentialProvider(wrapping: NumberedKeys(), now: { [now] in now })))
        let id = try await sns.publish(SNSPublishRequest(topicArn: "arn:aws:sns:eu-west-1:123456789012:t", message: "m"))
        XCTAssertEqual(id, "m-1")
        XCTAssertEqual(server.requests.map(Self.accessKey), ["KEY1", "KEY2"])
    }

    func testInvalidClientTokenIdIsRenewedOnlyWhenASessionTokenWasSent() async throws {
        let refusal = ClientHarness.xml(403, "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error></ErrorResponse>")
        let ok = ClientHarness.xml(200, "<PublishResponse><PublishResult><MessageId>m-2</MessageId></PublishResult></PublishResponse>")
        let request = SNSPublishRequest(topicArn: "arn:aws:sns:eu-west-1:123456789012:t", message: "m")

        let withSession = try refusingFirstKey(refusal, success: ok)
        defer { withSession.stop() }
        let renewed = try SNSClient(configuration: configuration(withSession, RefreshingCredentialProvider(wrapping: NumberedKeys(), now: { [now] in now })))
        let id = try await renewed.publish(request)
        XCTAssertEqual(id, "m-2")
        XCTAssertEqual(withSession.requests.map(Self.accessKey), ["KEY1", "KEY2"])

        let longTerm = try refusingFirstKey(refusal, success: ok)
        defer { longTerm.stop() }
        let keys = NumberedKeys(sessionTokens: false)
        let refused = try SNSClient(configuration: configuration(longTerm, RefreshingCredentialProvider(wrapping: keys, now: { [now] in now })))
        do {
            _ = try await refused.publish(request)
            XCTFail("expected InvalidClientTokenId")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "InvalidClientTokenId")
            XCTAssertEqual(error.httpStatus, 403)
        }
        XCTAssertEqual(longTerm.requests.map(Self.accessKey), ["KEY1"])
        XCTAssertEqual(keys.calls, 1)
    }

    func testFixedCredentialsAreNotRetried() async throws {
        let server = try TestHTTPServer { [expiredS3] _ in expiredS3 }
        defer { server.stop() }
        let fixed = StaticCredentialProvider(Credentials(accessKeyId: "KEY1", secretAccessKey: "s", sessionToken: "TOKEN1"))
        let s3 = try S3Client(configuration: configuration(server, fixed))
        do {
            try await s3.deleteObject(bucket: "b", key: "k")
            XCTFail("expected ExpiredToken")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "ExpiredToken")
            XCTAssertEqual(error.requestId, "R1")
        }
        XCTAssertEqual(server.requests.count, 1)
    }

    func testConcurrentRefusalsFetchNewCredentialsOnce() async throws {
        // No refusal leaves the server before all six first attempts (signed with KEY1)
        // arrived, so none can be signed after a renewal, however the tasks are scheduled.
        let firstAttempts = Locked(0)
        let allSigned = Gate()
        let server = try TestHTTPServer { [expiredS3] request in
            guard Self.accessKey(request) == "KEY1" else { return .text(204, "") }
            if firstAttempts.withLock({ $0 += 1; return $0 }) == 6 { allSigned.open() }
            allSigned.wait()
            return expiredS3
        }
        defer { server.stop() }
        defer { allSigned.open() }
        let keys = NumberedKeys()
        let provider = RefreshingCredentialProvider(wrapping: keys, now: { [now] in now })
        _ = try await provider.credentials()  // KEY1 cached: every first attempt uses it
        let s3 = try S3Client(configuration: configuration(server, provider))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<6 {
                group.addTask { try await s3.deleteObject(bucket: "b", key: "k\(index)") }
            }
            try await group.waitForAll()
        }
        let used = server.requests.map(Self.accessKey)
        XCTAssertEqual(used.filter { $0 == "KEY1" }.count, 6)
        XCTAssertEqual(used.filter { $0 == "KEY2" }.count, 6)
        XCTAssertEqual(keys.calls, 2)
    }

    func testRefreshingProviderDropsOnlyTheRejectedCredentials() async throws {
        let keys = NumberedKeys()
        let provider = RefreshingCredentialProvider(wrapping: keys, now: { [now] in now })
        let first = try await provider.credentials()
        let renewable = await provider.invalidate(rejected: first)
        XCTAssertTrue(renewable)
        let second = try await provider.credentials()
        XCTAssertEqual(second.accessKeyId, "KEY2")
        _ = await provider.invalidate(rejected: first)  // stale refusal: KEY2 stays
        let still = try await provider.credentials()
        XCTAssertEqual(still.accessKeyId, "KEY2")
        XCTAssertEqual(keys.calls, 2)
        let fixed = await StaticCredentialProvider(first).invalidate(rejected: first)
        XCTAssertFalse(fixed)
    }
}
