import Foundation
import TestSupport
import XCTest

@testable import AWSLite

final class EndpointTests: XCTestCase {
    private func resolve(_ service: AWSService, _ env: [String: String], region: String = "eu-west-1") throws -> String {
        try EndpointResolver.resolve(service: service, region: region, environment: env).absoluteString
    }

    func testDefaultsPerService() throws {
        XCTAssertEqual(try resolve(.s3, [:]), "https://s3.eu-west-1.amazonaws.com")
        XCTAssertEqual(try resolve(.sns, [:]), "https://sns.eu-west-1.amazonaws.com")
        XCTAssertEqual(try resolve(.ecs, [:]), "https://ecs.eu-west-1.amazonaws.com")
        XCTAssertEqual(try resolve(.efs, [:]), "https://elasticfilesystem.eu-west-1.amazonaws.com")
        XCTAssertEqual(try resolve(.backup, [:]), "https://backup.eu-west-1.amazonaws.com")
        XCTAssertEqual(try resolve(.s3, [:], region: "cn-north-1"), "https://s3.cn-north-1.amazonaws.com.cn")
    }

    func testServiceSpecificBeatsGlobalOverride() throws {
        let env = ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000", "AWS_ENDPOINT_URL_S3": "http://localhost:9000", "AWS_ENDPOINT_URL_BACKUP": "http://127.0.0.1:7000"]
        XCTAssertEqual(try resolve(.s3, env), "http://localhost:9000")
        XCTAssertEqual(try resolve(.backup, env), "http://127.0.0.1:7000")
        XCTAssertEqual(try resolve(.efs, env), "http://127.0.0.1:5000")
        XCTAssertEqual(try resolve(.sns, ["AWS_ENDPOINT_URL_SNS": "http://h:1"]), "http://h:1")
        XCTAssertEqual(try resolve(.ecs, ["AWS_ENDPOINT_URL_ECS": "http://h:2"]), "http://h:2")
        XCTAssertEqual(try resolve(.efs, ["AWS_ENDPOINT_URL_EFS": "http://h:3"]), "http://h:3")
    }

    func testIgnoreConfiguredEndpointURLs() throws {
        let env = ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000", "AWS_ENDPOINT_URL_S3": "http://localhost:9000", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "TRUE"]
        XCTAssertEqual(try resolve(.s3, env), "https://s3.eu-west-1.amazonaws.com")
        var off = env
        off["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "false"
        XCTAssertEqual(try resolve(.s3, off), "http://localhost:9000")
    }

    func testEmptyOverrideFallsThrough() throws {
        XCTAssertEqual(try resolve(.sns, ["AWS_ENDPOINT_URL_SNS": "", "AWS_ENDPOINT_URL": "http://g:1"]), "http://g:1")
    }

    func testRejectsBadOverrideAndMissingRegion() {
        XCTAssertThrowsError(try resolve(.s3, ["AWS_ENDPOINT_URL_S3": "localhost:9000"])) { error in
            XCTAssertEqual(error as? AWSError, AWSError(kind: .configuration, service: "s3", message: "AWS_ENDPOINT_URL_S3: not an http(s) endpoint URL: localhost:9000"))
        }
        XCTAssertThrowsError(try resolve(.ecs, [:], region: "")) { error in
            XCTAssertEqual(error as? AWSError, AWSError(kind: .configuration, service: "ecs", message: "no region configured (set AWS_REGION)"))
        }
    }

    func testOverrideKeepsRealSigningRegionAndName() async throws {
        let seen = Locked<[String]>([])
        let signer = RequestSigner { _, c in seen.withLock { $0.append("\(c.service) \(c.region)") } }
        let transport = StubTransport()
        let config = AWSClientConfiguration(
            region: "ap-southeast-2", credentials: StaticCredentialProvider(ClientHarness.credentials),
            environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:1"], transport: transport, signer: signer)
        try await EFSClient(configuration: config).deleteFileSystem("fs-1")
        XCTAssertEqual(seen.current, ["elasticfilesystem ap-southeast-2"])
        XCTAssertEqual(transport.urls.current, ["http://127.0.0.1:1/2015-02-01/file-systems/fs-1"])
    }
}

/// Answers 204 to everything and records URLs.
final class StubTransport: HTTPTransport {
    let urls = Locked<[String]>([])
    func send(_ request: HTTPRequest, limits: HTTPLimits) async throws -> HTTPResponse {
        urls.withLock { $0.append(request.url.absoluteString) }
        return HTTPResponse(status: 204, headers: [:])
    }
}

final class EndpointEnvironmentTests: XCTestCase {
    func testFromEnvironment() async throws {
        let env = ["AWS_REGION": "eu-central-1", "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9"]
        let config = try AWSClientConfiguration.fromEnvironment(env, fileReader: { _ in nil })
        XCTAssertEqual(config.region, "eu-central-1")
        XCTAssertEqual(try config.endpoint(for: .s3).absoluteString, "http://127.0.0.1:9")
        XCTAssertEqual(try config.endpoint(for: .sns).absoluteString, "https://sns.eu-central-1.amazonaws.com")
        let credentials = try await config.credentials.credentials()
        XCTAssertEqual(credentials.accessKeyId, "AKID")
        XCTAssertThrowsError(try AWSClientConfiguration.fromEnvironment(["HOME": "/nonexistent"], fileReader: { _ in nil }))
    }
}
