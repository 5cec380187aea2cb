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

final class PlannerTests: XCTestCase {
    func makeRun(_ origin: RunOrigin = .backup) -> Run {
        let start = Date(timeIntervalSince1970: 0)
        var run = Run(runId: "r", origin: origin, fileSystemId: "fs-1", createdAt: start, deadline: start.addingTimeInterval(100),
                      expiresAt: start.addingTimeInterval(200))
        run.baselineSearched = true
        run.baseline = ManifestRef(key: "b", completedAt: start)
        return run
    }

    func testOrderOfActiveSteps() {
        let planner = StepPlanner(postManifest: true)
        let now = Date(timeIntervalSince1970: 10)
        var r = makeRun()
        r.baselineSearched = false
        XCTAssertEqual(planner.next(r, now: now), .findBaseline)
        r = makeRun()
        XCTAssertEqual(planner.next(r, now: now), .startRestore)
        r.restoreJobId = "j"
        XCTAssertEqual(planner.next(r, now: now), .runPostTask)
        r.tasks["post"] = TaskRecord(clientToken: "t", manifestKey: "k")
        XCTAssertNil(planner.next(r, now: now), "waiting for the restore")
        r.restoreStatus = "COMPLETED"
        r.restoredFileSystemId = "fs-2"
        XCTAssertEqual(planner.next(r, now: now), .tagRestoredFileSystem)
        r.restoredFileSystemTagged = true
        XCTAssertEqual(planner.next(r, now: now), .createMountTargets)
        r.mountTargetIds = ["m"]
        XCTAssertEqual(planner.next(r, now: now), .awaitMountTargets)
        r.mountTargetsAvailable = true
        XCTAssertEqual(planner.next(r, now: now), .createAccessPoint)
        r.accessPointId = "a"
        XCTAssertEqual(planner.next(r, now: now), .registerTaskDefinition)
        r.taskDefinitionArn = "td"
        XCTAssertEqual(planner.next(r, now: now), .runRestoredTask)
        r.tasks["restored"] = TaskRecord(clientToken: "t2", manifestKey: "k2")
        XCTAssertNil(planner.next(r, now: now))
        r.tasks["restored"]?.lastStatus = "STOPPED"
        r.tasks["restored"]?.exitCode = 0
        XCTAssertNil(planner.next(r, now: now), "post still running")
        r.tasks["post"]?.lastStatus = "STOPPED"
        r.tasks["post"]?.exitCode = 0
        XCTAssertEqual(planner.next(r, now: now), .verdict)
        XCTAssertEqual(planner.next(r, now: Date(timeIntervalSince1970: 100)), .timeout)
    }

    func testOrderOfFinishingSteps() {
        let planner = StepPlanner(postManifest: true)
        let now = Date(timeIntervalSince1970: 10)
        var r = makeRun()
        r.restoreJobId = "j"
        r.restoreStatus = "COMPLETED"
        r.restoredFileSystemId = "fs-2"
        r.restoredFileSystemTagged = true
        r.mountTargetIds = ["m"]
        r.accessPointId = "a"
        r.taskDefinitionArn = "td"
        r.finish(.passed, "ok", at: now)
        var steps: [Step] = []
        while let step = planner.next(r, now: now), step != .complete {
            steps.append(step)
            switch step {
            case .notify: r.notified = true
            case .emitMetrics: r.metricsEmitted = true
            case .stopTasks: r.cleanup.tasksStopped = true
            case .deregisterTaskDefinition: r.cleanup.taskDefinitionDeregistered = true
            case .deleteAccessPoint: r.cleanup.accessPointDeleted = true
            case .deleteMountTargets: r.cleanup.mountTargetsDeleted = true
            case .awaitMountTargetsGone: r.cleanup.mountTargetsGone = true
            case .deleteFileSystem: r.cleanup.fileSystemDeleted = true
            default: return XCTFail("unexpected \(step)")
            }
        }
        XCTAssertEqual(steps, [.notify, .emitMetrics, .stopTasks, .deregisterTaskDefinition, .deleteAccessPoint,
                               .deleteMountTargets, .awaitMountTargetsGone, .deleteFileSystem])
    }
}

final class ServiceSetupTests: XCTestCase {
    func testServiceSetupFailureIsAConfigurationError() async throws {
        struct NoRegion: Error, CustomStringConvertible { var description: String { "no AWS region: set AWS_REGION" } }
        let err = MemorySink()
        let world = try World()
        let status = await OrchestratorMain.run(
            arguments: ["reconcile"], environment: testEnvironment, clock: world.clock, stdout: MemorySink(), stderr: err,
            readInput: { Data() }, makeServices: { _, _ in throw NoRegion() })
        XCTAssertEqual(status, 2)
        XCTAssertEqual(err.all, ["orchestrator: no AWS region: set AWS_REGION"])
    }
}
