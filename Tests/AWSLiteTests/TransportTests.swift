import Foundation
import TestSupport
import XCTest

@testable import AWSLite

/// Shared set-up for client tests against `TestHTTPServer`.
enum ClientHarness {
    static let credentials = Credentials(accessKeyId: "AKIDTEST", secretAccessKey: "secret")

    /// Adds `Authorization: TEST <signing name> <region> <payload hash> <S3 options?>` so
    /// tests can see what the signer was asked to sign.
    static let recordingSigner = RequestSigner { request, context in
        request.headers.append(("Authorization", "TEST \(context.service) \(context.region) \(context.payloadHash) \(context.options == .s3 ? "s3" : "standard")"))
    }

    /// A configuration pointing at `server`, with sleeps recorded instead of taken.
    static func configuration(_ server: TestHTTPServer, sleeps: Locked<[TimeInterval]> = Locked([]), maxAttempts: Int = 5) -> AWSClientConfiguration {
        AWSClientConfiguration(
            region: "eu-west-1", credentials: StaticCredentialProvider(credentials), endpoint: URL(string: server.baseURL)!,
            retry: RetryPolicy(maxAttempts: maxAttempts, baseDelay: 0.25, maxDelay: 20, random: { 0.5 }, sleep: { s in sleeps.withLock { $0.append(s) } }),
            signer: recordingSigner, connectTimeout: 10, idleTimeout: 10, now: { Date(timeIntervalSince1970: 1_700_000_000) })
    }

    static func json(_ status: Int, _ text: String, headers: [(name: String, value: String)] = []) -> TestHTTPResponse {
        .text(status, text, headers: [("Content-Type", "application/json")] + headers)
    }

    static func xml(_ status: Int, _ text: String, headers: [(name: String, value: String)] = []) -> TestHTTPResponse {
        .text(status, text, headers: [("Content-Type", "application/xml")] + headers)
    }
}

final class TransportTests: XCTestCase {
    func testSendsSignedRequestToEndpointWithPathPrefix() async throws {
        let server = try TestHTTPServer { _ in ClientHarness.json(200, "{}") }
        defer { server.stop() }
        var config = ClientHarness.configuration(server)
        config.endpoint = URL(string: server.baseURL + "/prefix/")!
        let efs = try EFSClient(configuration: config)
        try await efs.deleteAccessPoint("fsap-1")
        let request = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(request.method, "DELETE")
        XCTAssertEqual(request.target, "/prefix/2015-02-01/access-points/fsap-1")
        XCTAssertEqual(request.header("Host"), "127.0.0.1:\(server.port)")
        XCTAssertEqual(request.header("Authorization"), "TEST elasticfilesystem eu-west-1 \(SigV4.emptyPayloadHash) standard")
    }

    func testHostHeaderOmitsDefaultPort() throws {
        var config = AWSClientConfiguration(region: "us-east-1", credentials: StaticCredentialProvider(ClientHarness.credentials))
        config.endpoint = URL(string: "https://example.com:443")!
        XCTAssertEqual(try RequestExecutor(service: .sns, configuration: config).hostHeader, "example.com")
        config.endpoint = URL(string: "http://localhost:4566")!
        XCTAssertEqual(try RequestExecutor(service: .sns, configuration: config).hostHeader, "localhost:4566")
    }

    func testConnectionRefusedIsTransportErrorNotSent() async throws {
        // Bind then stop a server to get a port nobody listens on.
        let server = try TestHTTPServer { _ in .text(200, "") }
        server.stop()
        let transport = SocketHTTPTransport()
        do {
            _ = try await transport.send(HTTPRequest(method: "GET", url: URL(string: server.baseURL + "/")!, headers: []), limits: HTTPLimits(connectTimeout: 5, idleTimeout: 5))
            XCTFail("expected a transport error")
        } catch let error as HTTPTransportError {
            XCTAssertEqual(error.stage, .notSent)
        }
    }

    func testTimeoutIsTransportError() async throws {
        let answer = Gate()  // opened only after the client gave up
        let server = try TestHTTPServer { _ in
            answer.wait()
            return .text(200, "late")
        }
        defer { server.stop() }
        defer { answer.open() }
        let transport = SocketHTTPTransport()
        do {
            _ = try await transport.send(HTTPRequest(method: "GET", url: URL(string: server.baseURL + "/")!, headers: []), limits: HTTPLimits(connectTimeout: 5, idleTimeout: 0.5))
            XCTFail("expected a timeout")
        } catch let error as HTTPTransportError {
            XCTAssertEqual(error.stage, .mayHaveBeenSent)
        }
    }

    func testPercentEncoding() {
        XCTAssertEqual(PercentEncoding.greedyLabel("dir/a b+c=d~é.txt"), "dir/a%20b%2Bc%3Dd~%C3%A9.txt")
        XCTAssertEqual(PercentEncoding.label("arn:aws:backup:eu-west-1:1:recovery-point:x/y"), "arn%3Aaws%3Abackup%3Aeu-west-1%3A1%3Arecovery-point%3Ax%2Fy")
        XCTAssertEqual(PercentEncoding.query([("uploads", nil), ("prefix", "dir/ a")]), "uploads&prefix=dir%2F%20a")
    }
}
