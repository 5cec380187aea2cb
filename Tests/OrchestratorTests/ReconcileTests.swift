import Foundation
import XCTest
@testable import OrchestratorKit

/// Missed events are recovered by the reconcile tick from DescribeRestoreJob / DescribeTasks.
final class ReconcileTests: XCTestCase {
    func testMissedRestoreAndTaskEventsAreRecovered() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        _ = try await world.handle(world.decode("scheduled-event.json"))
        var run = try await world.run()
        XCTAssertEqual(run.restoreStatus, "RUNNING", "polled, still running")
        XCTAssertNil(run.restoredFileSystemId)

        await world.restoreCompletes()  // the COMPLETED event is lost
        _ = try await world.handle(.reconcile)
        run = try await world.run()
        XCTAssertEqual(run.restoreStatus, "COMPLETED")
        XCTAssertEqual(run.restoredFileSystemId, restoredFS)
        let restoredArn = try XCTUnwrap(run.tasks[.restored]?.taskArn)
        let postArn = try XCTUnwrap(run.tasks[.post]?.taskArn)

        // Both STOPPED events are lost too.
        await world.manifests.addExisting("manifests/\(productionFS)/runs/\(backupJobId)/post.ndjson.gz")
        await world.ecs.setDescribed(TaskInfo(taskArn: postArn, lastStatus: "STOPPED", exitCode: 0))
        await world.ecs.setDescribed(TaskInfo(taskArn: restoredArn, lastStatus: "STOPPED", exitCode: 0))
        let response = try await world.handle(.reconcile)
        XCTAssertEqual(response, #"{"action":"reconcile","advanced":"1","failed":"0","openRuns":"1","status":"ok","swept":"0"}"#)
        run = try await world.run()
        XCTAssertEqual(run.result, .passed)
        XCTAssertEqual(run.phase, .done)
        let deleted = await world.efs.deletedFileSystems
        XCTAssertEqual(deleted, [restoredFS])
        let again = try await world.handle(.reconcile)
        XCTAssertEqual(again, #"{"action":"reconcile","advanced":"0","failed":"0","openRuns":"0","status":"ok","swept":"0"}"#)
    }

    func testTaskForgottenByECSCountsAsStoppedWithoutExitCode() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        let started = try await world.run()
        let postArn = try XCTUnwrap(started.tasks[.post]?.taskArn)
        await world.ecs.forget(postArn)
        _ = try await world.handle(.reconcile)
        let run = try await world.run()
        XCTAssertEqual(run.result, .taskFailed)
        XCTAssertEqual(run.resultMessage, "post manifest task no exit code: task no longer known to ECS")
    }

    func testRestoreFinishingAfterAFailedRunIsStillCleanedUp() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        _ = try await world.handle(world.taskStopped(role: .post, exitCode: 3))
        var run = try await world.run()
        XCTAssertEqual(run.phase, .finishing)
        await world.restoreCompletes()
        _ = try await world.handle(.reconcile)
        run = try await world.run()
        XCTAssertEqual(run.phase, .done)
        XCTAssertTrue(run.restoredFileSystemTagged)
        let deleted = await world.efs.deletedFileSystems
        XCTAssertEqual(deleted, [restoredFS], "the file system the late restore created is deleted too")
    }

    func testExpiredOrphanFileSystemIsNeverDeletedBlindAndAlertedOnce() async throws {
        let world = try World()
        await world.efs.addFileSystem(FileSystemInfo(
            fileSystemId: "fs-0aaaaaaaaaaaaaaaa", lifeCycleState: "available",
            tags: ["efs-backup-verifier:run": "ghost-run", "efs-backup-verifier:expires": "2025-03-01T00:00:00Z"]))
        let response = try await world.handle(.reconcile)
        XCTAssertEqual(response, #"{"action":"reconcile","advanced":"0","failed":"0","openRuns":"0","status":"ok","swept":"0"}"#)
        _ = try await world.handle(.reconcile)
        let deleted = await world.efs.deletedFileSystems
        XCTAssertEqual(deleted, [])
        let subjects = await world.publishedSubjects()
        XCTAssertEqual(subjects, ["[efs-backup-verifier] ALERT orphan file system fs-0aaaaaaaaaaaaaaaa"])
    }

    func testExpiredFileSystemOfAnOpenRunIsCleanedThroughTheRun() async throws {
        var env = testEnvironment
        env["EBV_RUN_TIMEOUT_HOURS"] = "100"
        env["EBV_RESOURCE_GRACE_HOURS"] = "1"
        let world = try World(environment: env)
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.restoreCompletes()
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
        world.clock.advance(102 * 3600)  // past expiry (101 h), but we pretend the run's deadline check was missed:
        _ = try await world.orchestrator.sweepExpired(deadline: world.deadline)
        let run = try await world.run()
        XCTAssertEqual(run.result, .timedOut)
        XCTAssertEqual(run.resultMessage, "temporary file system \(restoredFS) expired at 2025-03-08T10:41:17Z")
        let deleted = await world.efs.deletedFileSystems
        XCTAssertEqual(deleted, [restoredFS])
    }

    func testRunTimesOutEvenWhenAWSCannotDescribeItsRestore() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.backup.forgetRestoreJobs()
        world.clock.advance(25 * 3600)
        _ = try await world.handle(.reconcile)
        let run = try await world.run()
        XCTAssertEqual(run.result, .timedOut)
        XCTAssertTrue(world.logs.messages(level: "warn").contains("could not fetch the run's state from AWS"))
    }

    func testReconcileContinuesPastAFailingRun() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.store.rawPut("runs/open/\(productionFS)/broken", Data())
        await world.store.rawPut("runs/\(productionFS)/broken.json", Data("not a run".utf8))
        let response = try await world.handle(.reconcile)
        XCTAssertEqual(response, #"{"action":"reconcile","advanced":"1","failed":"1","openRuns":"2","status":"ok","swept":"0"}"#)
        XCTAssertTrue(world.logs.messages(level: "error").contains("reconcile of run failed"))
    }
}
