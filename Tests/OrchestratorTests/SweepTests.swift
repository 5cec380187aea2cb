import Foundation
import XCTest
@testable import OrchestratorKit

/// Reconcile's sweep of task-definition revisions and worker tasks, and the bound on waiting
/// for a restore that can no longer be looked up.
final class SweepTests: XCTestCase {
    let expired = ["efs-backup-verifier:expires": "2025-03-01T00:00:00Z"]

    /// A finished run document (no resources) with id `runId`.
    func finishedRun(_ world: World, _ runId: String) async throws {
        var run = Run(runId: runId, origin: .backup, fileSystemId: productionFS, createdAt: world.clock.now(),
                      deadline: world.clock.now().addingTimeInterval(3600), expiresAt: world.clock.now().addingTimeInterval(7200))
        run.finish(.passed, "done", at: world.clock.now())
        run.phase = .done
        let created = try await world.orchestrator.repository.create(run)
        XCTAssertTrue(created)
    }

    func testExpiredRevisionsOfFinishedOrUnknownRunsAreDeregistered() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())  // an open run: backupJobId
        try await finishedRun(world, "finished-run")
        let family = "manifest-worker-restored"
        let ecs = world.ecs
        let finished = await ecs.addRevision(family: family, tags: expired.merging(["efs-backup-verifier:run": "finished-run"]) { $1 })
        let unknown = await ecs.addRevision(family: family, tags: expired.merging(["efs-backup-verifier:run": "no-such-run"]) { $1 })
        _ = await ecs.addRevision(family: family, tags: expired.merging(["efs-backup-verifier:run": backupJobId]) { $1 })
        _ = await ecs.addRevision(family: family, tags: ["efs-backup-verifier:run": "no-such-run", "efs-backup-verifier:expires": "2025-03-09T00:00:00Z"])
        _ = await ecs.addRevision(family: family, tags: ["efs-backup-verifier:run": "no-such-run"])
        _ = await ecs.addRevision(family: family, tags: [:])
        _ = await ecs.addRevision(family: "manifest-worker", tags: expired.merging(["efs-backup-verifier:run": "no-such-run"]) { $1 })
        _ = await ecs.addRevision(family: "manifest-worker-restored-2", tags: expired.merging(["efs-backup-verifier:run": "no-such-run"]) { $1 })

        let response = try await world.handle(.reconcile)
        XCTAssertEqual(response, #"{"action":"reconcile","advanced":"1","failed":"0","openRuns":"1","status":"ok","swept":"2"}"#)
        let deregistered = await ecs.deregistered
        XCTAssertEqual(deregistered.sorted(), [finished, unknown].sorted())
        XCTAssertEqual(world.logs.messages(level: "warn").filter { $0 == "expired task-definition revision deregistered" }.count, 2)

        let again = try await world.handle(.reconcile)
        XCTAssertTrue(again.hasSuffix(#""swept":"0"}"#), again)
    }

    func testTheRecordedRevisionOfARunStillCleaningUpIsLeftToIt() async throws {
        let world = try World()
        await world.standardSetup()
        let family = "manifest-worker-restored"
        let tags = expired.merging(["efs-backup-verifier:run": "finishing-run"]) { $1 }
        let recorded = await world.ecs.addRevision(family: family, tags: tags)
        let extra = await world.ecs.addRevision(family: family, tags: tags)
        var run = Run(runId: "finishing-run", origin: .backup, fileSystemId: productionFS, createdAt: world.clock.now(),
                      deadline: world.clock.now(), expiresAt: world.clock.now())
        run.taskDefinitionArn = recorded
        run.finish(.timedOut, "late", at: world.clock.now())
        _ = try await world.orchestrator.repository.create(run)

        let swept = try await world.orchestrator.sweepTaskDefinitions(deadline: world.deadline)
        XCTAssertEqual(swept, 1)
        let deregistered = await world.ecs.deregistered
        XCTAssertEqual(deregistered, [extra])
    }

    func testTasksOfFinishedRunsAreStoppedAndOthersLeftAlone() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())  // the open run's post task is running
        try await finishedRun(world, "finished-run")
        let ecs = world.ecs
        let mine = "efs-backup-verifier"
        await ecs.setDescribed(TaskInfo(taskArn: "arn:t/finished", lastStatus: "RUNNING",
                                        group: "ebv:\(productionFS):finished-run:restored", startedBy: mine))
        await ecs.setDescribed(TaskInfo(taskArn: "arn:t/unknown-run", lastStatus: "RUNNING",
                                        group: "ebv:\(productionFS):no-such-run:post", startedBy: mine))
        await ecs.setDescribed(TaskInfo(taskArn: "arn:t/no-group", lastStatus: "RUNNING", group: "service:web", startedBy: mine))
        await ecs.setDescribed(TaskInfo(taskArn: "arn:t/foreign", lastStatus: "RUNNING",
                                        group: "ebv:\(productionFS):finished-run:post", startedBy: "someone-else"))

        let response = try await world.handle(.reconcile)
        XCTAssertTrue(response.hasSuffix(#""swept":"1"}"#), response)
        let stopped = await ecs.stopped
        XCTAssertEqual(stopped, ["arn:t/finished"])
        XCTAssertEqual(world.logs.messages(level: "warn").filter { $0 == "task of a finished run stopped" }.count, 1)
    }

    /// The run failed while its restore was running, and AWS Backup no longer answers for the
    /// restore: past the run's deadline, after repeated failures, the run ends (alerted once).
    func testRestoreThatCannotBeLookedUpStopsBlockingAFailedRunAtItsDeadline() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        _ = try await world.handle(world.taskStopped(role: .post, exitCode: 1))
        var run = try await world.run()
        XCTAssertEqual(run.result, .taskFailed)
        XCTAssertEqual(run.phase, .finishing, "waits for the running restore")
        await world.backup.forgetRestoreJobs()

        for _ in 0..<4 { _ = try await world.handle(.reconcile) }
        run = try await world.run()
        XCTAssertEqual(run.phase, .finishing, "before the deadline it keeps waiting")
        XCTAssertEqual(run.restoreLookupFailures, 4)

        world.clock.advance(25 * 3600)
        _ = try await world.handle(.reconcile)
        run = try await world.run()
        XCTAssertEqual(run.phase, .done)
        XCTAssertEqual(run.result, .taskFailed, "the first result stands")
        XCTAssertEqual(run.restoreAbandoned, true)
        XCTAssertTrue(run.cleanup.tasksStopped)
        _ = try await world.handle(.reconcile)
        let subjects = await world.publishedSubjects()
        XCTAssertEqual(subjects, [
            "[efs-backup-verifier] TASK-FAILED fs-0123456789abcdef0 run a827233a-d405-4a86-a440-759fa94f34dd",
            "[efs-backup-verifier] ALERT state of restore job restore-1 unknown",
        ])
    }

    func testPastTheDeadlineAFewFailuresAreNotEnough() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        _ = try await world.handle(world.taskStopped(role: .post, exitCode: 1))
        await world.backup.forgetRestoreJobs()
        world.clock.advance(25 * 3600)
        for _ in 0..<(StepPlanner.restoreLookupAttempts - 1) { _ = try await world.handle(.reconcile) }
        var run = try await world.run()
        XCTAssertEqual(run.phase, .finishing)
        // The restore answers again: the count starts over.
        await world.backup.setRestoreJob(RestoreJobInfo(restoreJobId: "restore-1", status: "RUNNING"))
        _ = try await world.handle(.reconcile)
        run = try await world.run()
        XCTAssertNil(run.restoreLookupFailures)
        XCTAssertEqual(run.phase, .finishing)
    }
}
