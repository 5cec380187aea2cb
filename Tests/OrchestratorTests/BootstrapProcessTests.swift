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
}
