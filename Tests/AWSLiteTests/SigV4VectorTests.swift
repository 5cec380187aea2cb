import AWSLite
import Foundation
import Primitives
import XCTest

/// Runs every header-signing case of the published SigV4 suite (aws-c-auth
/// `tests/aws-signing-test-suite/v4`, copied under `Fixtures/sigv4`) and checks
/// the canonical request, string to sign, signature and signed headers exactly.
final class SigV4VectorTests: XCTestCase {
    static var suiteURL: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("sigv4")
    }

    static func caseNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: suiteURL.path)
            .filter { !$0.hasPrefix(".") && $0 != "LICENSE" && $0 != "README.md" }
            .sorted()
    }

    func testSuiteHasEveryCase() throws {
        XCTAssertEqual(try Self.caseNames().count, 38)
    }

    func testEveryCase() throws {
        var checked = 0
        for name in try Self.caseNames() {
            try runCase(name)
            checked += 1
        }
        XCTAssertEqual(checked, 38)
    }

    func testVanillaSignatureIsThePublishedOne() throws {
        let v = try SigV4VectorCase.load(Self.suiteURL.appendingPathComponent("get-vanilla"))
        var request = v.request
        let result = SigV4.sign(
            &request, credentials: v.credentials, region: v.region, service: v.service,
            date: v.date, payloadHash: v.payloadHash, options: v.options)
        XCTAssertEqual(result.signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    private func runCase(_ name: String) throws {
        let dir = Self.suiteURL.appendingPathComponent(name)
        let v = try SigV4VectorCase.load(dir)
        var request = v.request
        let result = SigV4.sign(
            &request, credentials: v.credentials, region: v.region, service: v.service,
            date: v.date, payloadHash: v.payloadHash, options: v.options)
        if v.omitSessionToken, let token = v.sessionToken {
            // The token is sent but added after signing (not part of the signature).
            request.headers.append((name: "X-Amz-Security-Token", value: token))
        }
        XCTAssertEqual(result.canonicalRequest, try text(dir, "header-canonical-request.txt"), "\(name): canonical request")
        XCTAssertEqual(result.stringToSign, try text(dir, "header-string-to-sign.txt"), "\(name): string to sign")
        XCTAssertEqual(result.signature, try text(dir, "header-signature.txt"), "\(name): signature")

        // The signed request: same headers (as a set; order is the library's own).
        let expected = try SigV4VectorRequest.parse(try text(dir, "header-signed-request.txt"))
        XCTAssertEqual(request.host, expected.host, name)
        XCTAssertEqual(headerSet(request.headers), headerSet(expected.headers), "\(name): signed request headers")
    }

    private func text(_ dir: URL, _ file: String) throws -> String {
        try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
    }

    private func headerSet(_ headers: [(name: String, value: String)]) -> [String] {
        headers.map { "\($0.name.lowercased()):\($0.value)" }.sorted()
    }
}

/// One case's inputs: context.json and request.txt.
struct SigV4VectorCase {
    var request: SignableRequest
    var body: [UInt8]
    var credentials: Credentials
    var sessionToken: String?
    var omitSessionToken: Bool
    var region: String
    var service: String
    var date: Date
    var options: SigningOptions
    var payloadHash: String { SHA256.hex(body) }

    static func load(_ dir: URL) throws -> SigV4VectorCase {
        let contextData = try Data(contentsOf: dir.appendingPathComponent("context.json"))
        let context = try XCTUnwrap(try JSONSerialization.jsonObject(with: contextData) as? [String: Any])
        let creds = try XCTUnwrap(context["credentials"] as? [String: Any])
        let token = creds["token"] as? String
        let omit = context["omit_session_token"] as? Bool ?? false
        let parsed = try SigV4VectorRequest.parse(try String(contentsOf: dir.appendingPathComponent("request.txt"), encoding: .utf8))
        let timestamp = try XCTUnwrap(context["timestamp"] as? String)
        return SigV4VectorCase(
            request: parsed.request, body: parsed.body,
            credentials: Credentials(
                accessKeyId: try XCTUnwrap(creds["access_key_id"] as? String),
                secretAccessKey: try XCTUnwrap(creds["secret_access_key"] as? String),
                sessionToken: omit ? nil : token),
            sessionToken: token, omitSessionToken: omit,
            region: try XCTUnwrap(context["region"] as? String),
            service: try XCTUnwrap(context["service"] as? String),
            date: try XCTUnwrap(ISO8601DateFormatter().date(from: timestamp)),
            options: SigningOptions(
                normalizePath: try XCTUnwrap(context["normalize"] as? Bool),
                doubleEncodePath: true,
                signContentSha256Header: try XCTUnwrap(context["sign_body"] as? Bool)))
    }
}

/// A raw HTTP/1.1 request as the suite writes it: `METHOD target HTTP/1.1` (the
/// target may hold spaces), header lines (a line starting with whitespace
/// continues the previous value), a blank line, the body.
struct SigV4VectorRequest {
    var request: SignableRequest
    var body: [UInt8]
    var host: String { request.host }
    var headers: [(name: String, value: String)] { request.headers }

    static func parse(_ text: String) throws -> SigV4VectorRequest {
        var lines = text.components(separatedBy: "\n")
        let requestLine = lines.removeFirst()
        let firstSpace = try XCTUnwrap(requestLine.firstIndex(of: " "))
        let lastSpace = try XCTUnwrap(requestLine.lastIndex(of: " "))
        let method = String(requestLine[..<firstSpace])
        let target = String(requestLine[requestLine.index(after: firstSpace)..<lastSpace])
        var headers: [(name: String, value: String)] = []
        while let line = lines.first, !line.isEmpty {
            lines.removeFirst()
            if line.first == " " || line.first == "\t" {
                let last = try XCTUnwrap(headers.popLast())
                headers.append((last.name, last.value + "\n" + line))
            } else {
                let colon = try XCTUnwrap(line.firstIndex(of: ":"), "header line without colon: \(line)")
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
        }
        if !lines.isEmpty { lines.removeFirst() }
        let body = Array(lines.joined(separator: "\n").utf8)
        let host = try XCTUnwrap(headers.first { $0.name.lowercased() == "host" }).value
        headers.removeAll { $0.name.lowercased() == "host" }
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        return SigV4VectorRequest(
            request: SignableRequest(
                method: method, host: host, path: String(parts[0]),
                query: parts.count > 1 ? String(parts[1]) : "", headers: headers),
            body: body)
    }
}
