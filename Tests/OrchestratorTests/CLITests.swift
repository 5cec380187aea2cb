import Foundation
import XCTest
@testable import OrchestratorKit

final class CLITests: XCTestCase {
    struct Outcome { var status: Int32; var stdout: [String]; var stderr: [String] }

    func run(_ arguments: [String], environment: [String: String] = testEnvironment, stdin: String = "",
             world: World? = nil) async throws -> Outcome {
        let out = MemorySink()
        let err = MemorySink()
        let world = try world ?? World()
        let services = world.orchestrator.services
        let status = await OrchestratorMain.run(
            arguments: arguments, environment: environment, clock: world.clock, stdout: out, stderr: err,
            readInput: { Data(stdin.utf8) }, makeServices: { _, _ in services })
        return Outcome(status: status, stdout: out.all, stderr: err.all)
    }

    func testHelp() async throws {
        let outcome = try await run(["--help"])
        XCTAssertEqual(outcome.status, 0)
        XCTAssertEqual(outcome.stdout, [OrchestratorMain.usage])
        XCTAssertEqual(outcome.stderr, [])
        let sub = try await run(["handle", "--help"])
        XCTAssertEqual(sub.status, 0)
    }

    func testUsageErrorsExit2() async throws {
        for (arguments, message) in [([], "missing command"), (["launch"], "unknown command launch"),
                                     (["handle", "--event"], "--event: missing value"),
                                     (["reconcile", "--event", "x"], "unknown option --event"),
                                     (["handle", "--timeout", "-1"], #"--timeout: not a positive number: "-1""#)] {
            let outcome = try await run(arguments)
            XCTAssertEqual(outcome.status, 2, "\(arguments)")
            XCTAssertEqual(outcome.stderr, ["orchestrator: \(message)", OrchestratorMain.usage], "\(arguments)")
        }
    }

    func testConfigurationErrorExits2() async throws {
        var env = testEnvironment
        env["EBV_CLUSTER"] = nil
        let outcome = try await run(["reconcile"], environment: env)
        XCTAssertEqual(outcome.status, 2)
        XCTAssertEqual(outcome.stderr, ["orchestrator: EBV_CLUSTER: missing"])
    }

    func testHandleFromFileAndStdin() async throws {
        let world = try World()
        await world.standardSetup()
        let path = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/backup-job-completed.json", withExtension: nil)
            ?? Bundle.module.url(forResource: "backup-job-completed", withExtension: "json")).path
        let outcome = try await run(["handle", "--event", path], world: world)
        XCTAssertEqual(outcome.status, 0)
        XCTAssertEqual(outcome.stdout, [#"{"fileSystemId":"fs-0123456789abcdef0","phase":"active","runId":"a827233a-d405-4a86-a440-759fa94f34dd","status":"ok"}"#])
        let stdin = try await run(["handle"], stdin: #"{"action":"status","runId":"a827233a-d405-4a86-a440-759fa94f34dd"}"#, world: world)
        XCTAssertEqual(stdin.status, 0)
        XCTAssertTrue(stdin.stdout.first?.contains(#""restoreJobId" : "restore-1""#) == true, "\(stdin.stdout)")
    }

    func testHandlerFailureExits1() async throws {
        let outcome = try await run(["handle", "--event", "-"], stdin: "{not json")
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(outcome.stderr, ["orchestrator: event: not JSON"])
        XCTAssertEqual(outcome.stdout, [])
    }

    func testReconcile() async throws {
        let outcome = try await run(["reconcile", "--timeout", "60"])
        XCTAssertEqual(outcome.status, 0)
        XCTAssertEqual(outcome.stdout, [#"{"action":"reconcile","advanced":"0","failed":"0","openRuns":"0","status":"ok","swept":"0"}"#])
    }
}
