import Foundation
import TestSupport
import XCTest

/// The built `manifest-worker` against `testenv/hostile/hostile_server.py`:
/// a server that never answers must not hang the process.
final class HostileWorkerProcessTests: XCTestCase {
    func environment(_ server: HostileServer) -> [String: String] {
        [
            "AWS_ENDPOINT_URL_S3": server.baseURL, "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret",
            "AWS_REGION": "us-east-1", "EBV_HTTP_IDLE_TIMEOUT": "1", "AWS_MAX_ATTEMPTS": "2",
        ]
    }

    /// Runs the worker, killing it (and failing) if it is still running after `limit` seconds.
    func runBounded(_ arguments: [String], environment: [String: String], limit: Double = 60) throws -> WorkerProcess.Result? {
        let process = try WorkerProcess.start(arguments, environment: environment)
        if let result = process.wait(limit: limit) { return result }
        process.kill()
        _ = process.wait()
        XCTFail("manifest-worker \(arguments) did not exit within \(limit) s")
        return nil
    }

    func testShowAgainstAServerThatNeverAnswersExits2WithAClearMessage() throws {
        for _ in 1...3 {
            let server = try HostileServer.start(scenario: "silent")
            defer { server.stop() }
            let started = Date()
            guard let result = try runBounded(["show", "s3://b/k"], environment: environment(server)) else { return }
            XCTAssertEqual(result.status, 2, "\(result)")
            XCTAssertEqual(
                result.stderr,
                "manifest-worker: s3://b/k: s3.GetObject: timed out after 1 s without data from 127.0.0.1:\(server.port) (GET) (attempt 2 of 2)\n")
            XCTAssertLessThan(Date().timeIntervalSince(started), 30)
        }
    }
}
