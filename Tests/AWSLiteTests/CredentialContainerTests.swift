import AWSLite
import Foundation
import TestSupport
import XCTest

/// The container endpoint provider against a real loopback HTTP server
/// (`AWS_CONTAINER_CREDENTIALS_FULL_URI` pointing at 127.0.0.1).
final class CredentialContainerTests: XCTestCase {
    static let answer = #"{"AccessKeyId":"ASIAKEY","SecretAccessKey":"secret/+=","Token":"tok==","Expiration":"2026-11-22T06:30:00Z","RoleArn":"arn:aws:iam::1:role/task"}"#

    func provider(_ env: [String: String], files: [String: String] = [:], timeout: TimeInterval = 2) -> ContainerCredentialProvider {
        ContainerCredentialProvider(
            environment: env, fileReader: inMemoryFiles(files), httpClient: TransportCredentialHTTPClient(),
            timeout: timeout, attempts: 3, retryDelay: .milliseconds(20))
    }

    func testFetchWithTokenFromEnvironment() async throws {
        let server = try TestHTTPServer { _ in .text(200, Self.answer, headers: [(name: "Content-Type", value: "application/json")]) }
        defer { server.stop() }
        let creds = try await provider([
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.baseURL + "/get-credentials?a=1",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer env-token",
        ]).credentials()
        XCTAssertEqual(
            creds,
            Credentials(accessKeyId: "ASIAKEY", secretAccessKey: "secret/+=", sessionToken: "tok==",
                        expiration: Date(timeIntervalSince1970: 1_795_329_000)))
        let requests = server.requests
        XCTAssertEqual(requests.count, 1)
        XCTAssertEqual(requests[0].method, "GET")
        XCTAssertEqual(requests[0].target, "/get-credentials?a=1")
        XCTAssertEqual(requests[0].header("Accept"), "application/json")
        XCTAssertEqual(requests[0].header("Authorization"), "Bearer env-token")
    }

    func testTokenFileIsPreferredAndReadOnEveryFetch() async throws {
        let server = try TestHTTPServer { _ in .text(200, Self.answer) }
        defer { server.stop() }
        let env = [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.baseURL + "/c",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "env-token",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/var/run/token",
        ]
        let tokens = CredTokenFile("file-token-1")
        let p = ContainerCredentialProvider(
            environment: env, fileReader: { path in path == "/var/run/token" ? tokens.value : nil },
            httpClient: TransportCredentialHTTPClient(), retryDelay: .milliseconds(20))
        _ = try await p.credentials()
        tokens.value = "file-token-2"
        _ = try await p.credentials()
        XCTAssertEqual(server.requests.map { $0.header("Authorization") }, ["file-token-1", "file-token-2"])
    }

    func testNoTokenMeansNoAuthorizationHeader() async throws {
        let server = try TestHTTPServer { _ in .text(200, Self.answer) }
        defer { server.stop() }
        _ = try await provider(["AWS_CONTAINER_CREDENTIALS_FULL_URI": server.baseURL + "/c"]).credentials()
        XCTAssertNil(server.requests.first?.header("Authorization"))
    }

    func testTokensWithCRorLFAreRefusedBeforeAnyRequest() async throws {
        let server = try TestHTTPServer { _ in .text(200, Self.answer) }
        defer { server.stop() }
        let uri = server.baseURL + "/c"
        await assertThrowsAWSError(
            try await provider(["AWS_CONTAINER_CREDENTIALS_FULL_URI": uri, "AWS_CONTAINER_AUTHORIZATION_TOKEN": "abc\r\nX-Evil: 1"]).credentials(),
            AWSError(kind: .credentials, message: "AWS_CONTAINER_AUTHORIZATION_TOKEN: the token contains CR or LF, which is not a legal header value"))
        await assertThrowsAWSError(
            try await provider(["AWS_CONTAINER_CREDENTIALS_FULL_URI": uri, "AWS_CONTAINER_AUTHORIZATION_TOKEN": "abc\n"]).credentials(),
            AWSError(kind: .credentials, message: "AWS_CONTAINER_AUTHORIZATION_TOKEN: the token contains CR or LF, which is not a legal header value"))
        await assertThrowsAWSError(
            try await provider(
                ["AWS_CONTAINER_CREDENTIALS_FULL_URI": uri, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/t"], files: ["/t": "token\n"]
            ).credentials(),
            AWSError(kind: .credentials, message: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (/t): the token contains CR or LF, which is not a legal header value"))
        await assertThrowsAWSError(
            try await provider(["AWS_CONTAINER_CREDENTIALS_FULL_URI": uri, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/missing"]).credentials(),
            AWSError(kind: .credentials, message: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (/missing): file not found"))
        XCTAssertEqual(server.requests.count, 0)
    }

    func testRetriesUntilTheThirdAttempt() async throws {
        let counter = CredCounter()
        let server = try TestHTTPServer { _ in
            switch counter.next() {
            case 1: return .text(500, "busy")
            case 2: return .dropConnection
            default: return .text(200, Self.answer)
            }
        }
        defer { server.stop() }
        let creds = try await provider(["AWS_CONTAINER_CREDENTIALS_FULL_URI": server.baseURL + "/c"]).credentials()
        XCTAssertEqual(creds.accessKeyId, "ASIAKEY")
        XCTAssertEqual(server.requests.count, 3)
    }

    func testGivesUpAfterThreeAttempts() async throws {
        let server = try TestHTTPServer { _ in .text(404, "no such role") }
        defer { server.stop() }
        let uri = server.baseURL + "/c"
        await assertThrowsAWSError(
            try await provider(["AWS_CONTAINER_CREDENTIALS_FULL_URI": uri]).credentials(),
            AWSError(kind: .credentials, message: "container credentials from \(uri) failed after 3 attempts: HTTP 404: no such role"))
        XCTAssertEqual(server.requests.count, 3)
    }

    func testMalformedAnswersAreRetriedThenReported() async throws {
        let server = try TestHTTPServer { _ in .text(200, #"{"AccessKeyId":"A"}"#) }
        defer { server.stop() }
        let uri = server.baseURL + "/c"
        await assertThrowsAWSError(
            try await provider(["AWS_CONTAINER_CREDENTIALS_FULL_URI": uri]).credentials(),
            AWSError(kind: .credentials, message: "container credentials from \(uri) failed after 3 attempts: container credentials: AccessKeyId or SecretAccessKey missing"))
        XCTAssertEqual(server.requests.count, 3)
    }

    func testTimeoutCountsAsAFailedAttempt() async throws {
        let counter = CredCounter()
        let firstAnswer = Gate()  // opened only after the provider moved on
        let server = try TestHTTPServer { _ in
            if counter.next() == 1 { firstAnswer.wait() }
            return .text(200, Self.answer)
        }
        defer { server.stop() }
        defer { firstAnswer.open() }
        let started = Date()
        let creds = try await provider(["AWS_CONTAINER_CREDENTIALS_FULL_URI": server.baseURL + "/c"], timeout: 0.3).credentials()
        XCTAssertEqual(creds.accessKeyId, "ASIAKEY")
        XCTAssertLessThan(Date().timeIntervalSince(started), 1.4)
        XCTAssertEqual(server.requests.count, 2)
    }

    func testDefaultsAreTwoSecondsAndThreeAttempts() async throws {
        let http = CredRecordingHTTPClient(answers: [.success((503, Data()))])
        let p = ContainerCredentialProvider(
            environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/id"], fileReader: inMemoryFiles([:]),
            httpClient: http, retryDelay: .milliseconds(1))
        XCTAssertEqual(p.timeout, 2)
        XCTAssertEqual(p.attempts, 3)
        await assertThrowsAWSError(
            try await p.credentials(),
            AWSError(kind: .credentials, message: "container credentials from http://169.254.170.2/v2/credentials/id failed after 3 attempts: HTTP 503: "))
        XCTAssertEqual(http.callCount, 3)
        XCTAssertEqual(http.lastTimeout, 2)
        XCTAssertEqual(http.lastHeaders.map(\.name), ["Accept"])
    }

    func testEndpointSelection() throws {
        XCTAssertNil(try ContainerCredentialProvider.endpoint(environment: [:]))
        XCTAssertEqual(
            try ContainerCredentialProvider.endpoint(environment: [
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/x", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1/y",
            ])?.absoluteString,
            "http://169.254.170.2/v2/credentials/x")
        XCTAssertEqual(
            try ContainerCredentialProvider.endpoint(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials"])?.absoluteString,
            "http://169.254.170.23/v1/credentials")
        XCTAssertThrowsError(try ContainerCredentialProvider.endpoint(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.169.254/latest"])) {
            XCTAssertEqual(
                ($0 as? AWSError)?.message,
                "AWS_CONTAINER_CREDENTIALS_FULL_URI host '169.254.169.254' is not allowed over http (use https, a loopback address, localhost, 169.254.170.2, 169.254.170.23 or fd00:ec2::23)")
        }
        XCTAssertThrowsError(try ContainerCredentialProvider.endpoint(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "file:///etc/passwd"])) {
            XCTAssertEqual(($0 as? AWSError)?.message, "AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http(s) URL: file:///etc/passwd")
        }
    }

    func testFullURIHostRules() {
        let allowed = [
            "https://creds.example.com/x", "https://10.1.2.3/x", "http://127.0.0.1:8080/x", "http://127.200.1.9/x", "http://localhost/x",
            "http://[::1]:9000/x", "http://[0:0:0:0:0:0:0:1]/x", "http://169.254.170.2/x", "http://169.254.170.23/x", "http://[fd00:ec2::23]/x",
            "HTTP://LOCALHOST/x",
        ]
        let refused = [
            "http://creds.example.com/x", "http://10.0.0.1/x", "http://169.254.169.254/x", "http://[::2]/x", "http://128.0.0.1/x",
            "http://127.0.0.1.nip.io/x", "http://[fd00:ec2::24]/x", "http://localhost.evil.com/x",
        ]
        for text in allowed { XCTAssertTrue(ContainerCredentialProvider.isAllowedFullURI(URL(string: text)!), text) }
        for text in refused { XCTAssertFalse(ContainerCredentialProvider.isAllowedFullURI(URL(string: text)!), text) }
    }

    func testParse() throws {
        let creds = try ContainerCredentialProvider.parse(Data(#"{"AccessKeyId":"A","SecretAccessKey":"S"}"#.utf8))
        XCTAssertEqual(creds, Credentials(accessKeyId: "A", secretAccessKey: "S"))
        XCTAssertThrowsError(try ContainerCredentialProvider.parse(Data(#"{"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"tomorrow"}"#.utf8))) {
            XCTAssertEqual($0 as? AWSError, AWSError(kind: .invalidResponse, message: "container credentials: Expiration is not ISO-8601: tomorrow"))
        }
        XCTAssertThrowsError(try ContainerCredentialProvider.parse(Data("[1]".utf8))) {
            XCTAssertEqual(($0 as? AWSError)?.message, "container credentials: the answer is not a JSON object")
        }
    }
}

/// A thread-safe counter for server handlers.
final class CredCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
    var current: Int { lock.withLock { value } }
}

/// A token file whose contents a test can change.
final class CredTokenFile: @unchecked Sendable {
    private let lock = NSLock()
    private var text: String
    init(_ text: String) { self.text = text }
    var value: String {
        get { lock.withLock { text } }
        set { lock.withLock { text = newValue } }
    }
}
