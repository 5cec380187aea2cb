import Foundation
import TestSupport
import XCTest
@testable import OrchestratorKit

/// The built `orchestrator` executable as Lambda runs it (`bootstrap`): with a bad
/// configuration it posts `/runtime/init/error` and exits with status 2.
final class BootstrapProcessTests: XCTestCase {
    func executable() throws -> URL {
        let url = Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("orchestrator")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw XCTSkip("orchestrator executable not built next to the test bundle (\(url.path))")
        }
        return url
    }

    func testInitErrorFromTheRealBinary() throws {
        let server = try TestHTTPServer { _ in TestHTTPResponse(status: 202) }
        defer { server.stop() }
        let process = Process()
        process.executableURL = try executable()
        var env = testEnvironment
        env["EBV_BUCKET"] = nil
        env["AWS_LAMBDA_RUNTIME_API"] = "127.0.0.1:\(server.port)"
        env["PATH"] = "/usr/bin:/bin"
        process.environment = env
        let stdout = Pipe()
        process.standardOutput = stdout
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 2)
        XCTAssertEqual(server.requests.map { "\($0.method) \($0.target)" }, ["POST /2018-06-01/runtime/init/error"])
        XCTAssertEqual(server.requests.first?.header("Lambda-Runtime-Function-Error-Type"), "Runtime.InvalidConfiguration")
        XCTAssertEqual(server.requests.first?.bodyText,
                       #"{"errorMessage":"EBV_BUCKET: missing","errorType":"Runtime.InvalidConfiguration","stackTrace":[]}"#)
        let log = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(log.hasPrefix(#"{"errorType":"Runtime.InvalidConfiguration","level":"error","message":"init failed","reason":"EBV_BUCKET: missing","timestamp":""#), log)
    }

    func testVersionNamesTheBuildsCommit() throws {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = ["--version"]
        process.environment = ["PATH": "/usr/bin:/bin"]
        let stdout = Pipe()
        process.standardOutput = stdout
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let text = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        // The commit of the checkout the test runs in (the BuildInfo plugin), or none outside git.
        let source = try Self.checkoutSource()
        XCTAssertEqual(text, "orchestrator \(OrchestratorMain.version) (\(source))\n")
    }

    /// `commit <12 hex>, <YYYY-MM-DD>` of the package's git checkout, or `unknown commit`.
    static func checkoutSource() throws -> String {
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        func git(_ arguments: [String]) throws -> String? {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
            process.arguments = ["-C", package.path] + arguments
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            return process.terminationStatus == 0 && !text.isEmpty ? text : nil
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/git"),
              let top = try git(["rev-parse", "--show-toplevel"]),
              URL(fileURLWithPath: top).resolvingSymlinksInPath().path == package.resolvingSymlinksInPath().path,
              let commit = try git(["rev-parse", "--short=12", "HEAD"]),
              let day = try git(["log", "-1", "--format=%cs", "HEAD"])
        else { return "unknown commit" }
        return "commit \(commit), \(day)"
    }
}
