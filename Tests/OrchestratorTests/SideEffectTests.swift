import AWSLite
import Foundation
import XCTest
@testable import OrchestratorKit

/// Nothing blocks cleanup: the summary, the EMF line, the report objects and the
/// restore-testing validation result are separate steps. One that fails for ever is retried
/// on later ticks (bounded), counted in `SideEffectFailures`, and holds back nothing else.
final class SideEffectTests: XCTestCase {
    let broken = OrchestratorError(.service, "InternalError: the service is down")
    let jobId = "AB123456-78C9-0123-456D-789012E34567"

    func breakSideEffect(_ effect: SideEffect, _ world: World) async {
        switch effect {
        case .summary: await world.notifier.setFailure(broken)
        case .metrics: world.metrics.failure.withLock { $0 = broken }
        case .report: await world.differ.setWriteFailure(broken)
        case .validation: await world.backup.setValidationFailure(broken)
        }
    }

    /// Reconcile ticks an hour apart until the run is done (at most `limit`).
    func tickUntilDone(_ world: World, runId: String, limit: Int = 12) async throws -> Run {
        var run = try await world.run(runId)
        var ticks = 0
        while run.phase != .done, ticks < limit {
            world.clock.advance(3600)
            _ = try await world.handle(.reconcile)
            run = try await world.run(runId)
            ticks += 1
        }
        return run
    }

    func assertCounted(_ effect: SideEffect, _ world: World, _ run: Run, file: StaticString = #filePath, line: UInt = #line) {
        let record = run.sideEffectFailures?[effect.rawValue]
        XCTAssertEqual(record?.failures, StepPlanner.sideEffectAttempts, effect.rawValue, file: file, line: line)
        XCTAssertEqual(record?.gaveUp, true, effect.rawValue, file: file, line: line)
        XCTAssertEqual(record?.lastError, "InternalError: the service is down", file: file, line: line)
        let logged = world.logs.records.filter { $0["message"] as? String == "side effect failed" && $0["kind"] as? String == effect.rawValue }
        XCTAssertEqual(logged.count, StepPlanner.sideEffectAttempts, effect.rawValue, file: file, line: line)
        if effect != .metrics {
            let counted = world.metrics.lines.current.filter { $0.contains(#""SideEffectFailures":1"#) && $0.contains(#""Kind":"\#(effect.rawValue)""#) }
            XCTAssertEqual(counted.count, StepPlanner.sideEffectAttempts, effect.rawValue, file: file, line: line)
        }
        let others: [SideEffect: Bool] = [.summary: run.notified, .metrics: run.metricsEmitted, .report: run.pendingReport == nil]
        for (other, done) in others where other != effect {
            XCTAssertTrue(done, "\(other.rawValue) done despite \(effect.rawValue) failing", file: file, line: line)
        }
    }

    func testABackupRunCleansUpAndFinishesWhateverSideEffectFails() async throws {
        for effect in [SideEffect.summary, .metrics, .report] {
            let world = try World()
            await breakSideEffect(effect, world)
            await world.standardSetup()
            _ = try await world.handle(world.backupCompleted())
            await world.restoreCompletes()
            _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
            _ = try await world.handle(world.taskStopped(role: .post, exitCode: 0))
            _ = try await world.handle(world.taskStopped(role: .restored, exitCode: 0))
            // Billed resources are gone in the same invocation as the verdict.
            let deleted = await world.efs.deletedFileSystems
            XCTAssertEqual(deleted, [restoredFS], effect.rawValue)
            let targets = await world.efs.mountTargets.count
            XCTAssertEqual(targets, 0, effect.rawValue)
            let accessPoints = await world.efs.deletedAccessPoints
            XCTAssertEqual(accessPoints, ["fsap-1"], effect.rawValue)
            let revisions = await world.ecs.deleted.count
            XCTAssertEqual(revisions, 1, effect.rawValue)
            var run = try await world.run()
            XCTAssertEqual(run.phase, .finishing, "\(effect.rawValue) is retried")
            XCTAssertEqual(run.result, .passed)
            run = try await tickUntilDone(world, runId: backupJobId)
            XCTAssertEqual(run.phase, .done, effect.rawValue)
            assertCounted(effect, world, run)
            let open = try await world.orchestrator.repository.openRuns()
            XCTAssertTrue(open.isEmpty, effect.rawValue)
        }
    }

    func testARestoreTestingRunRemovesOurAdditionsAndFinishesWhateverSideEffectFails() async throws {
        for effect in SideEffect.allCases {
            let world = try World()
            await breakSideEffect(effect, world)
            await world.restoreTestingSetup(jobId: jobId)
            _ = try await world.handle(world.decode("restore-job-completed-testing.json"))
            _ = try await world.handle(world.taskStopped(role: .restored, exitCode: 0, runId: "rt-" + jobId))
            let targets = await world.efs.mountTargets.count
            XCTAssertEqual(targets, 0, effect.rawValue)
            let accessPoints = await world.efs.deletedAccessPoints
            XCTAssertEqual(accessPoints, ["fsap-1"], effect.rawValue)
            let run = try await tickUntilDone(world, runId: "rt-" + jobId)
            XCTAssertEqual(run.phase, .done, effect.rawValue)
            XCTAssertEqual(run.result, .passed)
            assertCounted(effect, world, run)
            let validations = await world.backup.validations
            XCTAssertEqual(validations.map(\.status), effect == .validation ? [] : [.successful], effect.rawValue)
            XCTAssertLessThan(world.clock.now(), run.deadline.addingTimeInterval(OrchestratorConfig.restoreTestingCleanupMargin),
                              "finished before the validation window closes")
        }
    }

    /// A refusal's alert that cannot be published is counted, and the run still finishes.
    func testAnAlertThatCannotBePublishedHoldsNothingBack() async throws {
        let world = try World()
        await world.notifier.setFailure(broken)
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.restoreCompletes()
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
        await world.efs.setTags(restoredFS, [:])  // someone removed our tag: refused and alerted
        _ = try await world.handle(world.taskStopped(role: .post, exitCode: 0))
        _ = try await world.handle(world.taskStopped(role: .restored, exitCode: 0))
        let run = try await tickUntilDone(world, runId: backupJobId)
        XCTAssertEqual(run.phase, .done)
        XCTAssertNotNil(run.cleanup.refusal)
        let alerts = world.metrics.lines.current.filter { $0.contains(#""Kind":"alert""#) }
        XCTAssertEqual(alerts.count, 1)
        let deleted = await world.efs.deletedFileSystems
        XCTAssertEqual(deleted, [])
    }

    /// The restore-testing run's deadline falls inside the selection's validation window,
    /// with the cleanup margin to spare.
    func testRestoreTestingDeadlineFallsInsideTheValidationWindow() async throws {
        var environment = testEnvironment
        environment["EBV_RESTORE_TESTING_WINDOW_HOURS"] = "2"
        let world = try World(environment: environment)
        await world.restoreTestingSetup(jobId: jobId)
        await world.efs.setPollsUntilAvailable(1_000_000)  // the task never gets to run
        _ = try await world.orchestrator.handle(world.decode("restore-job-completed-testing.json"),
                                                deadline: world.clock.now().addingTimeInterval(35))
        var run = try await world.run("rt-" + jobId)
        let completed = try XCTUnwrap(Timestamps.parse("2025-03-04T07:14:53.128Z"))
        XCTAssertEqual(run.deadline, completed.addingTimeInterval(2 * 3600 - 30 * 60))
        world.clock.time.withLock { $0 = run.deadline }
        await world.efs.setPollsUntilAvailable(0)
        _ = try await world.handle(.reconcile)
        run = try await world.run("rt-" + jobId)
        XCTAssertEqual(run.result, .timedOut)
        XCTAssertEqual(run.phase, .done)
        let validations = await world.backup.validations
        XCTAssertEqual(validations.map(\.status), [.timedOut])
        XCTAssertLessThan(world.clock.now(), completed.addingTimeInterval(2 * 3600), "posted before the window closes")
        let targets = await world.efs.mountTargets.count
        XCTAssertEqual(targets, 0)
        XCTAssertThrowsError(try OrchestratorConfig(environment: testEnvironment.merging(["EBV_RESTORE_TESTING_WINDOW_HOURS": "169"]) { _, new in new }))
    }

    /// The window is read from the plan's EFS selections when it can be; else configured.
    func testRestoreTestingDeadlineFollowsTheSelectionsWindow() async throws {
        let plan = "arn:aws:backup:us-east-1:123456789012:restore-testing-plan:efs_weekly-EXAMPLE"
        let completed = try XCTUnwrap(Timestamps.parse("2025-03-04T07:14:53.128Z"))
        var environment = testEnvironment
        environment["EBV_RESTORE_TESTING_WINDOW_HOURS"] = "2"
        for (answer, hours) in [(Optional(Optional(3)), 3.0), (Optional(Optional<Int>.none), 2.0)] {
            let world = try World(environment: environment)
            await world.restoreTestingSetup(jobId: jobId)
            await world.backup.setValidationWindow(plan, answer)
            await world.efs.setPollsUntilAvailable(1_000_000)
            _ = try await world.orchestrator.handle(world.decode("restore-job-completed-testing.json"),
                                                    deadline: world.clock.now().addingTimeInterval(35))
            let run = try await world.run("rt-" + jobId)
            XCTAssertEqual(run.deadline, completed.addingTimeInterval(hours * 3600 - 30 * 60), "\(String(describing: answer))")
            if hours == 2 {
                XCTAssertTrue(world.logs.messages(level: "warn").contains("validation window not read from the plan; using EBV_RESTORE_TESTING_WINDOW_HOURS"))
            }
        }
    }
}
