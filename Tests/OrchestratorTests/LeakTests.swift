import Foundation
import XCTest
@testable import OrchestratorKit

/// No leaks: a restore whose job id was lost is still found; a file system our restore
/// made that no run recorded is adopted by its creation token and deleted; revisions are
/// deleted, not only deregistered; on-demand verify only takes a COMPLETED recovery point.
final class LeakTests: XCTestCase {
    /// The first StartRestoreJob's answer is lost; the retry with the same idempotency token
    /// answers without an id: the job is found with ListRestoreJobs, and no second one starts.
    func testARestoreRetryAnsweredWithoutAnIdFindsTheJobByListRestoreJobs() async throws {
        let world = try World()
        await world.standardSetup()
        await world.backup.setAnswers(withoutIdOnRepeat: true, loseFirst: true, clock: world.clock)
        // Another run's restore of a different recovery point, made at the same time.
        await world.backup.setRestoreJob(RestoreJobInfo(restoreJobId: "restore-other", status: "RUNNING", creationDate: world.clock.now(),
                                                        recoveryPointArn: recoveryPointArn + "-other"))
        do {
            _ = try await world.handle(world.backupCompleted())
            XCTFail("the lost answer fails the invocation")
        } catch let error as OrchestratorError {
            XCTAssertEqual(error.kind, .service)
        }
        world.clock.advance(5)
        _ = try await world.handle(world.backupCompleted())  // Lambda's retry
        let run = try await world.run()
        XCTAssertEqual(run.restoreJobId, "restore-1")
        let distinct = await world.backup.distinctRestoreJobs()
        XCTAssertEqual(distinct, 1)
        XCTAssertTrue(world.logs.messages(level: "warn").contains("StartRestoreJob answered without a RestoreJobId; found the job by ListRestoreJobs"))
    }

    func testARestoreRetryWithoutAnIdAndNoMatchingJobIsAnError() async throws {
        let world = try World()
        await world.standardSetup()
        await world.backup.setAnswers(withoutIdOnRepeat: true, loseFirst: true, clock: world.clock)
        _ = try? await world.handle(world.backupCompleted())
        await world.backup.forgetRestoreJobs()
        do {
            _ = try await world.handle(world.backupCompleted())
            XCTFail("expected an error")
        } catch let error as OrchestratorError {
            XCTAssertTrue(error.message.hasSuffix("StartRestoreJob answered without a RestoreJobId and ListRestoreJobs found 0 restore jobs of \(recoveryPointArn) created since 2025-03-04T05:40:17Z"), error.message)
        }
        let run = try await world.run()
        XCTAssertNil(run.restoreJobId)
    }

    /// The wait for a restore was abandoned (DescribeRestoreJob kept failing); the restore
    /// then created its file system, untagged. Reconcile finds it by its creation token,
    /// tags it for the run and deletes it.
    func testAFileSystemOfAnAbandonedRestoreIsFoundByItsCreationTokenAndDeleted() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        _ = try await world.handle(world.taskStopped(role: .post, exitCode: 1))
        await world.backup.forgetRestoreJobs()
        world.clock.advance(25 * 3600)
        for _ in 0..<StepPlanner.restoreLookupAttempts { _ = try await world.handle(.reconcile) }
        var run = try await world.run()
        XCTAssertEqual(run.phase, .done)
        XCTAssertEqual(run.restoreAbandoned, true)
        XCTAssertNil(run.restoredFileSystemId)

        let token = RunNaming.token("fs", runId: backupJobId)
        XCTAssertEqual(token, "ebv-fs-" + backupJobId)
        await world.efs.addFileSystem(FileSystemInfo(fileSystemId: restoredFS, fileSystemArn: restoredArn, lifeCycleState: "available",
                                                     tags: [:], creationToken: token))
        // Someone else's file system with a look-alike token of an unknown run: alerted, kept.
        await world.efs.addFileSystem(FileSystemInfo(fileSystemId: "fs-0aaaaaaaaaaaaaaaa", lifeCycleState: "available",
                                                     tags: [:], creationToken: "ebv-fs-unknown-run"))
        _ = try await world.handle(.reconcile)
        _ = try await world.handle(.reconcile)
        run = try await world.run()
        XCTAssertEqual(run.phase, .done)
        XCTAssertEqual(run.restoredFileSystemId, restoredFS)
        XCTAssertTrue(run.cleanup.fileSystemDeleted)
        let deleted = await world.efs.deletedFileSystems
        XCTAssertEqual(deleted, [restoredFS])
        let tagged = await world.efs.tagCalls.map(\.0)
        XCTAssertEqual(tagged, [restoredFS], "tagged with the run before it is deleted")
        let subjects = await world.publishedSubjects()
        XCTAssertEqual(subjects.filter { $0.contains("orphan") }, ["[efs-backup-verifier] ALERT orphan file system fs-0aaaaaaaaaaaaaaaa"])
    }

    /// An open run's restore file system is not adopted before the run has a result.
    func testAnOpenRunsRestoreIsNotAdopted() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.efs.addFileSystem(FileSystemInfo(fileSystemId: restoredFS, fileSystemArn: restoredArn, lifeCycleState: "available",
                                                     tags: [:], creationToken: "ebv-fs-" + backupJobId))
        _ = try await world.handle(.reconcile)
        let run = try await world.run()
        XCTAssertNil(run.restoredFileSystemId)
        XCTAssertEqual(run.phase, .active)
        let deleted = await world.efs.deletedFileSystems
        XCTAssertEqual(deleted, [])
    }

    func testDeregisteredRevisionsAreDeleted() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.restoreCompletes()
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
        _ = try await world.handle(world.taskStopped(role: .post, exitCode: 0))
        _ = try await world.handle(world.taskStopped(role: .restored, exitCode: 0))
        let deregistered = await world.ecs.deregistered
        let deleted = await world.ecs.deleted
        XCTAssertEqual(deregistered, ["arn:aws:ecs:us-east-1:123456789012:task-definition/manifest-worker-restored:1"])
        XCTAssertEqual(deleted, deregistered)
    }

    func testVerifyRefusesARecoveryPointThatIsNotCompleted() async throws {
        for status in ["PARTIAL", "EXPIRED", "DELETING", "CREATING"] {
            let world = try World()
            await world.standardSetup()
            await world.backup.setRecoveryPoints("arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/" + productionFS, [
                RecoveryPointInfo(recoveryPointArn: recoveryPointArn, backupVaultName: "prod-vault", creationDate: nil, completionDate: nil,
                                  status: status),
            ])
            do {
                _ = try await world.handle(.verify(recoveryPointArn: recoveryPointArn, fileSystemId: nil))
                XCTFail("expected invalidEvent")
            } catch let error as OrchestratorError {
                XCTAssertEqual(error, OrchestratorError(.invalidEvent, "recoveryPointArn: \(recoveryPointArn) is \(status), not COMPLETED"))
            }
            let keys = await world.store.keys()
            XCTAssertEqual(keys, [], "no run")
            let restores = await world.backup.restoreRequests.count
            XCTAssertEqual(restores, 0)
        }
    }
}
