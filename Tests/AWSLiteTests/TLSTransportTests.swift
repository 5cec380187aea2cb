import Foundation
import TestSupport
import XCTest

@testable import AWSLite

/// https through OpenSSL against the hostile server serving TLS with a certificate for
/// `localhost` signed by a CA made at test time with the `openssl` command.
final class TLSTransportTests: XCTestCase {
    /// A CA, a server certificate for DNS:localhost signed by it, and an unrelated CA.
    struct Certificates {
        let directory: URL
        var ca: String { directory.appendingPathComponent("ca.pem").path }
        var otherCA: String { directory.appendingPathComponent("other-ca.pem").path }
        var certificate: String { directory.appendingPathComponent("server.pem").path }
        var key: String { directory.appendingPathComponent("server.key").path }
        /// Signed by `ca` for DNS:elsewhere.test only.
        var elsewhereCertificate: String { directory.appendingPathComponent("elsewhere.pem").path }
        var elsewhereKey: String { directory.appendingPathComponent("elsewhere.key").path }
    }

    struct CertificateError: Error, CustomStringConvertible {
        let description: String
        init(_ text: String) { description = text }
    }

    static func openssl(_ arguments: [String], in directory: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let text = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CertificateError("openssl \(arguments.joined(separator: " ")): \(String(decoding: text, as: UTF8.self))")
        }
    }

    static func makeCertificates() throws -> Certificates {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try openssl(["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=ebv test CA"], in: directory)
        try openssl(["req", "-x509"] + ec + ["-keyout", "other-ca.key", "-out", "other-ca.pem", "-days", "1", "-subj", "/CN=ebv other CA"], in: directory)
        try openssl(["req"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"], in: directory)
        try Data("subjectAltName=DNS:localhost\n".utf8).write(to: directory.appendingPathComponent("san.ext"))
        try openssl(
            ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "1",
             "-extfile", "san.ext"], in: directory)
        try openssl(["req"] + ec + ["-keyout", "elsewhere.key", "-out", "elsewhere.csr", "-subj", "/CN=elsewhere.test"], in: directory)
        try Data("subjectAltName=DNS:elsewhere.test\n".utf8).write(to: directory.appendingPathComponent("elsewhere.ext"))
        try openssl(
            ["x509", "-req", "-in", "elsewhere.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "elsewhere.pem", "-days", "1",
             "-extfile", "elsewhere.ext"], in: directory)
        return Certificates(directory: directory)
    }

    func head(_ url: String, caBundle: String?) async throws -> HTTPResponse {
        try await SocketHTTPTransport(caBundle: caBundle).send(
            HTTPRequest(method: "HEAD", url: URL(string: url + "/b/k")!, headers: []), limits: HTTPLimits(connectTimeout: 5, idleTimeout: 5))
    }

    func refusal(_ url: String, caBundle: String?) async -> HTTPTransportError? {
        do {
            _ = try await head(url, caBundle: caBundle)
            XCTFail("expected the certificate to be refused")
        } catch let error as HTTPTransportError {
            return error
        } catch {
            XCTFail("unexpected \(error)")
        }
        return nil
    }

    func testTheRightCAAndHostNamePassAWrongHostNameOrAnUnknownCAFail() async throws {
        let certificates = try Self.makeCertificates()
        defer { try? FileManager.default.removeItem(at: certificates.directory) }
        let server = try HostileServer.start(scenario: "ok", tls: (certificates.certificate, certificates.key))
        defer { server.stop() }
        let byName = "https://localhost:\(server.port)"

        let response = try await head(byName, caBundle: certificates.ca)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("ETag"), "\"done-1\"")

        let wrongHost = await refusal("https://127.0.0.1:\(server.port)", caBundle: certificates.ca)
        XCTAssertEqual(wrongHost?.stage, .notSent)
        XCTAssertEqual(wrongHost?.retryable, false)
        XCTAssertEqual(wrongHost?.message, "the TLS certificate of 127.0.0.1 was refused: IP address mismatch")

        let unknownCA = await refusal(byName, caBundle: certificates.otherCA)
        XCTAssertEqual(unknownCA?.retryable, false)
        XCTAssertEqual(unknownCA?.message, "the TLS certificate of localhost was refused: unable to get local issuer certificate")

        let systemTrust = await refusal(byName, caBundle: nil)
        XCTAssertEqual(systemTrust?.message, "the TLS certificate of localhost was refused: unable to get local issuer certificate")
    }

    func testACertificateForAnotherHostNameIsRefused() async throws {
        let certificates = try Self.makeCertificates()
        defer { try? FileManager.default.removeItem(at: certificates.directory) }
        let server = try HostileServer.start(scenario: "ok", tls: (certificates.elsewhereCertificate, certificates.elsewhereKey))
        defer { server.stop() }
        let error = await refusal("https://localhost:\(server.port)", caBundle: certificates.ca)
        XCTAssertEqual(error?.retryable, false)
        XCTAssertEqual(error?.message, "the TLS certificate of localhost was refused: hostname mismatch")
    }
}
