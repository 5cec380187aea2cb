import AWSLite
import Foundation
import TestSupport
import XCTest

@testable import OrchestratorKit

/// The invocation's deadline bounds every AWS call and retry wait: the
/// production services against `testenv/hostile/hostile_server.py`.
final class InvocationDeadlineTests: XCTestCase {
    func reconcile(against scenario: String, timeout: Int) async throws -> (status: Int32, stderr: [String], seconds: TimeInterval) {
        let server = try HostileServer.start(scenario: scenario)
        defer { server.stop() }
        var environment = testEnvironment
        environment["AWS_ENDPOINT_URL"] = server.baseURL
        environment["AWS_ACCESS_KEY_ID"] = "AKIDTEST"
        environment["AWS_SECRET_ACCESS_KEY"] = "secret"
        environment["AWS_REGION"] = "us-east-1"
        let err = MemorySink()
        let started = Date()
        let status = await OrchestratorMain.run(
            arguments: ["reconcile", "--timeout", String(timeout)], environment: environment, stdout: MemorySink(), stderr: err,
            makeServices: { config, environment in try await ProductionServices.make(config: config, environment: environment) })
        return (status, err.all, Date().timeIntervalSince(started))
    }

    func testACallWithoutAnAnswerEndsBeforeTheInvocationDeadline() async throws {
        let outcome = try await reconcile(against: "silent", timeout: 5)
        XCTAssertEqual(outcome.status, 1)
        XCTAssertLessThan(outcome.seconds, 5, "\(outcome.stderr)")
        XCTAssertTrue(outcome.stderr.joined().contains("the deadline passed before the answer was complete"), "\(outcome.stderr)")
    }

    func testARetryAfterLongerThanTheTimeLeftEndsTheInvocationAtOnce() async throws {
        let outcome = try await reconcile(against: "retry-after", timeout: 60)
        XCTAssertEqual(outcome.status, 1)
        XCTAssertLessThan(outcome.seconds, 60)
        XCTAssertTrue(outcome.stderr.joined().contains("no time left for another attempt before the deadline"), "\(outcome.stderr)")
    }
}
