import AWSLite
import Foundation
import XCTest

/// A ``CredentialHTTPClient`` that must not be called.
struct CredUnusedHTTPClient: CredentialHTTPClient {
    func get(_ url: URL, headers: [(name: String, value: String)], timeout: TimeInterval) async throws -> (status: Int, body: Data) {
        XCTFail("unexpected GET \(url)")
        throw AWSError(kind: .transport, message: "unexpected")
    }
}

final class CredentialChainTests: XCTestCase {
    let files = inMemoryFiles([
        "/h/.aws/credentials": "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = FILESECRET\n[dev]\naws_access_key_id = DEVKEY\naws_secret_access_key = DEVSECRET\naws_session_token = DEVTOKEN\n",
        "/h/.aws/config": "[profile cfg]\naws_access_key_id = CFGKEY\naws_secret_access_key = CFGSECRET\n[profile role]\nrole_arn = arn:aws:iam::1:role/r\n[profile half]\naws_access_key_id = ONLYKEY\n",
    ])

    func chain(_ env: [String: String], http: any CredentialHTTPClient = CredUnusedHTTPClient()) -> CredentialProviderChain {
        CredentialProviderChain.standard(environment: env, fileReader: files, httpClient: http)
    }

    func testEnvironmentComesFirst() async throws {
        let env = [
            "HOME": "/h", "AWS_ACCESS_KEY_ID": "ENVKEY", "AWS_SECRET_ACCESS_KEY": "ENVSECRET", "AWS_SESSION_TOKEN": "ENVTOKEN",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/x",
        ]
        let creds = try await chain(env).credentials()
        XCTAssertEqual(creds, Credentials(accessKeyId: "ENVKEY", secretAccessKey: "ENVSECRET", sessionToken: "ENVTOKEN"))
    }

    func testEmptySessionTokenIsNone() async throws {
        let env = ["AWS_ACCESS_KEY_ID": "K", "AWS_SECRET_ACCESS_KEY": "S", "AWS_SESSION_TOKEN": ""]
        let creds = try await EnvironmentCredentialProvider(environment: env).credentials()
        XCTAssertNil(creds.sessionToken)
    }

    func testPartialEnvironmentIsAnError() async {
        await assertThrowsAWSError(try await chain(["HOME": "/h", "AWS_ACCESS_KEY_ID": "K"]).credentials(),
                           AWSError(kind: .credentials, message: "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"))
        await assertThrowsAWSError(try await chain(["HOME": "/h", "AWS_SECRET_ACCESS_KEY": "S"]).credentials(),
                           AWSError(kind: .credentials, message: "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"))
    }

    func testSharedFilesComeBeforeTheContainer() async throws {
        let env = ["HOME": "/h", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/x"]
        let creds = try await chain(env).credentials()
        XCTAssertEqual(creds, Credentials(accessKeyId: "FILEKEY", secretAccessKey: "FILESECRET"))
    }

    func testProfileFromAWSProfile() async throws {
        let dev = try await chain(["HOME": "/h", "AWS_PROFILE": "dev"]).credentials()
        XCTAssertEqual(dev, Credentials(accessKeyId: "DEVKEY", secretAccessKey: "DEVSECRET", sessionToken: "DEVTOKEN"))
        let cfg = try await chain(["HOME": "/h", "AWS_PROFILE": "cfg"]).credentials()
        XCTAssertEqual(cfg, Credentials(accessKeyId: "CFGKEY", secretAccessKey: "CFGSECRET"))
    }

    func testProfileProblems() async {
        await assertThrowsAWSError(
            try await chain(["HOME": "/h", "AWS_PROFILE": "missing"]).credentials(),
            AWSError(kind: .configuration, message: "profile 'missing' (AWS_PROFILE) not found in /h/.aws/credentials or /h/.aws/config"))
        await assertThrowsAWSError(
            try await chain(["HOME": "/h", "AWS_PROFILE": "half"]).credentials(),
            AWSError(kind: .credentials, message: "profile 'half' in /h/.aws/config has aws_access_key_id but no aws_secret_access_key"))
        await assertThrowsAWSError(
            try await chain(["HOME": "/h", "AWS_PROFILE": "role"]).credentials(),
            AWSError(
                kind: .credentials,
                message: "profile 'role' uses role_arn, which is not supported; export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN instead"))
    }

    func testNothingConfiguredNamesEverySource() async {
        await assertThrowsAWSError(
            try await chain(["HOME": "/nowhere"]).credentials(),
            AWSError(
                kind: .credentials, code: "CredentialsNotFound",
                message: "no AWS credentials found (tried: environment (AWS_ACCESS_KEY_ID), shared files (profile default), container endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/FULL_URI))"))
    }

    func testContainerWhenNothingElse() async throws {
        let http = CredRecordingHTTPClient(answers: [.success((200, Data(#"{"AccessKeyId":"CK","SecretAccessKey":"CS","Token":"CT","Expiration":"2026-11-22T06:00:00Z"}"#.utf8)))])
        let creds = try await chain(["HOME": "/nowhere", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc"], http: http).credentials()
        XCTAssertEqual(creds.accessKeyId, "CK")
        XCTAssertEqual(creds.sessionToken, "CT")
        XCTAssertEqual(creds.expiration, Timestamps.parse("2026-11-22T06:00:00Z"))
        XCTAssertEqual(http.urls, ["http://169.254.170.2/v2/credentials/abc"])
    }

    func testStaticProvider() async throws {
        let c = Credentials(accessKeyId: "A", secretAccessKey: "B")
        let value = try await StaticCredentialProvider(c).credentials()
        XCTAssertEqual(value, c)
    }
}

/// Asserts that `body` throws exactly `expected`.
func assertThrowsAWSError<T>(_ body: @autoclosure () async throws -> T, _ expected: AWSError, file: StaticString = #filePath, line: UInt = #line) async {
    do {
        _ = try await body()
        XCTFail("expected \(expected)", file: file, line: line)
    } catch {
        XCTAssertEqual(error as? AWSError, expected, file: file, line: line)
    }
}

/// A scripted ``CredentialHTTPClient``: answers in order (the last repeats) and records calls.
final class CredRecordingHTTPClient: CredentialHTTPClient, @unchecked Sendable {
    private let lock = NSLock()
    private var answers: [Result<(Int, Data), any Error>]
    private var calls: [(url: String, headers: [(name: String, value: String)], timeout: TimeInterval)] = []

    init(answers: [Result<(Int, Data), any Error>]) { self.answers = answers }

    var urls: [String] { lock.withLock { calls.map(\.url) } }
    var callCount: Int { lock.withLock { calls.count } }
    var lastHeaders: [(name: String, value: String)] { lock.withLock { calls.last?.headers ?? [] } }
    var lastTimeout: TimeInterval? { lock.withLock { calls.last?.timeout } }

    func get(_ url: URL, headers: [(name: String, value: String)], timeout: TimeInterval) async throws -> (status: Int, body: Data) {
        let answer: Result<(Int, Data), any Error> = lock.withLock {
            calls.append((url.absoluteString, headers, timeout))
            return answers.count > 1 ? answers.removeFirst() : answers[0]
        }
        let (status, body) = try answer.get()
        return (status, body)
    }
}
