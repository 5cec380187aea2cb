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

    /// A bucket in another region: the HeadBucket before the walk gets S3's bodiless 301
    /// with `x-amz-bucket-region`, and the message names the region to set.
    func testAnOutputBucketInAnotherRegionFailsBeforeTheWalkNamingTheRegion() async throws {
        let server = try HostileServer.start(scenario: "redirect-301")
        defer { server.stop() }
        let tree = FileManager.default.temporaryDirectory.appendingPathComponent("ebv-hostile-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: tree) }
        var env = environment(server)
        env["EBV_TEST_PAUSE_AT"] = "walking"
        guard let result = try runBounded(["generate", tree, "-o", "s3://elsewhere/m.ndjson.gz"], environment: env) else { return }
        XCTAssertEqual(result.status, 2, "\(result)")
        XCTAssertEqual(result.stdout, "")
        XCTAssertEqual(
            result.stderr,
            "manifest-worker: s3://elsewhere/m.ndjson.gz: s3.HeadBucket PermanentRedirect: redirected (HTTP 301), not followed. "
                + "The bucket is in region eu-central-1: set AWS_REGION=eu-central-1 (or AWS_ENDPOINT_URL_S3 to that region's endpoint) (HTTP 301)\n")
        let log = try await server.log()
        XCTAssertEqual(log, ["HEAD /elsewhere"])
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
