import AWSLite
import Foundation
import XCTest
@testable import OrchestratorKit

/// Restores started by an AWS Backup restore-testing plan: verified two-way, reported with
/// one terminal PutRestoreValidationResult, and only what we added is removed.
final class RestoreTestingTests: XCTestCase {
    let jobId = "AB123456-78C9-0123-456D-789012E34567"
    var runId: String { "rt-" + jobId }

    func setUp(_ world: World) async {
        await world.restoreTestingSetup(jobId: jobId)
    }

    func testPassedRestoreTestIsReportedSuccessfulAndTheFileSystemIsLeftToAWS() async throws {
        let world = try World()
        await setUp(world)
        let event = try world.decode("restore-job-completed-testing.json")
        _ = try await world.handle(event)
        _ = try await world.handle(event)  // duplicate
        var run = try await world.run(runId)
        XCTAssertEqual(run.origin, .restoreTesting)
        XCTAssertEqual(run.baseline?.key, "manifests/\(productionFS)/baseline/2025-03-04T04-30-00Z.ndjson.gz")
        XCTAssertEqual(run.restoredFileSystemId, restoredFS)
        XCTAssertFalse(run.restoredFileSystemTagged, "AWS's file system is not tagged by us")
        let restores = await world.backup.restoreRequests.count
        XCTAssertEqual(restores, 0, "AWS started this restore")
        let runs = await world.ecs.runRequests
        XCTAssertEqual(runs.map(\.group), ["ebv:\(productionFS):\(runId):restored"], "no post manifest")

        _ = try await world.handle(world.taskStopped(role: .restored, exitCode: 0, runId: runId))
        _ = try await world.handle(world.taskStopped(role: .restored, exitCode: 0, runId: runId))
        run = try await world.run(runId)
        XCTAssertEqual(run.result, .passed)
        XCTAssertEqual(run.phase, .done)
        XCTAssertEqual(run.report?.mode, "two-way")
        // The restore job names no vault, so DescribeRecoveryPoint cannot be asked: the restore's start closes the window.
        let windowEnds = await world.differ.requests.map(\.windowEnd)
        XCTAssertEqual(windowEnds, [run.restoreStartedAt])
        XCTAssertNotNil(run.restoreStartedAt)
        let validations = await world.backup.validations
        XCTAssertEqual(validations.count, 1)
        XCTAssertEqual(validations.first?.jobId, jobId)
        XCTAssertEqual(validations.first?.status, .successful)
        XCTAssertEqual(validations.first?.message, "efs-backup-verifier: passed: two-way diff: 1200 files, 52428800 bytes verified, 0 error findings")
        let efsCalls = await world.efs.calls
        XCTAssertEqual(efsCalls, ["createMountTarget:subnet-aaa", "createMountTarget:subnet-bbb", "createAccessPoint",
                                  "deleteAccessPoint:fsap-1", "deleteMountTarget:fsmt-1", "deleteMountTarget:fsmt-2"],
                       "only what we added is removed; no tag, no DeleteFileSystem")
        let deregistered = await world.ecs.deregistered.count
        XCTAssertEqual(deregistered, 1)
        XCTAssertTrue(run.history.firstIndex { $0.hasSuffix("mount targets gone") }!
                      < run.history.firstIndex { $0.hasSuffix("validation SUCCESSFUL reported") }!,
                      "our additions are gone before the terminal status lets AWS delete the file system")
        let subjects = await world.publishedSubjects()
        XCTAssertEqual(subjects, ["[efs-backup-verifier] PASSED fs-0123456789abcdef0 run rt-AB123456-78C9-0123-456D-789012E34567"])
    }

    func testRecoveryPointCompletionClosesTheWindow() async throws {
        let world = try World()
        await setUp(world)
        var job = try await world.backup.describeRestoreJob(id: jobId)
        job.backupVaultName = "prod-vault"
        await world.backup.setRestoreJob(job)
        let completed = try XCTUnwrap(Timestamps.parse("2025-03-04T05:41:05.921Z"))
        await world.backup.setDescribedRecoveryPoint(RecoveryPointInfo(
            recoveryPointArn: recoveryPointArn, backupVaultName: "prod-vault", creationDate: Timestamps.parse("2025-03-04T05:00:31.207Z"),
            completionDate: completed, status: "COMPLETED"))
        _ = try await world.handle(world.decode("restore-job-completed-testing.json"))
        _ = try await world.handle(world.taskStopped(role: .restored, exitCode: 0, runId: runId))
        let run = try await world.run(runId)
        XCTAssertEqual(run.result, .passed)
        XCTAssertEqual(run.backupVaultName, "prod-vault")
        XCTAssertEqual(run.recoveryPointCompletedAt, completed)
        let windowEnds = await world.differ.requests.map(\.windowEnd)
        XCTAssertEqual(windowEnds, [completed], "the recovery point's completion, not the restore's start (2025-03-04T07:02:01.742Z)")
        let calls = await world.backup.describeRecoveryPointCalls
        XCTAssertEqual(calls.map { "\($0.vaultName) \($0.recoveryPointArn)" }, ["prod-vault \(recoveryPointArn)"])
        XCTAssertEqual(world.logs.messages(level: "warn").filter { $0.contains("recovery point") }, [])
    }

    func testDescribeRecoveryPointFailureFallsBackToTheRestoreStartAndSaysWhy() async throws {
        let world = try World()
        await setUp(world)
        var job = try await world.backup.describeRestoreJob(id: jobId)
        job.backupVaultName = "prod-vault"
        await world.backup.setRestoreJob(job)
        _ = try await world.handle(world.decode("restore-job-completed-testing.json"))
        _ = try await world.handle(world.taskStopped(role: .restored, exitCode: 0, runId: runId))
        let run = try await world.run(runId)
        XCTAssertEqual(run.result, .passed)
        XCTAssertNil(run.recoveryPointCompletedAt)
        let windowEnds = await world.differ.requests.map(\.windowEnd)
        XCTAssertEqual(windowEnds, [Timestamps.parse("2025-03-04T07:02:01.742Z")])
        XCTAssertEqual(world.logs.messages(level: "warn").filter { $0.contains("DescribeRecoveryPoint") },
                       ["DescribeRecoveryPoint failed; the diff's window ends at the restore job's start"])
    }

    func testFailedVerificationIsReportedFailed() async throws {
        let world = try World()
        await setUp(world)
        await world.differ.setPassed(false)
        _ = try await world.handle(world.decode("restore-job-completed-testing.json"))
        _ = try await world.handle(world.taskStopped(role: .restored, exitCode: 0, runId: runId))
        let validations = await world.backup.validations
        XCTAssertEqual(validations.map(\.status), [.failed])
        XCTAssertEqual(validations.first?.message, "efs-backup-verifier: failed: two-way diff: 1200 files, 52428800 bytes verified, 3 error findings")
    }

    func testNoBaselineIsReportedFailedWithoutMountingAnything() async throws {
        let world = try World()
        await setUp(world)
        await world.manifests.setBaselines([])
        _ = try await world.handle(world.decode("restore-job-completed-testing.json"))
        let run = try await world.run(runId)
        XCTAssertEqual(run.result, .noBaseline)
        let validations = await world.backup.validations
        XCTAssertEqual(validations.map(\.status), [.failed])
        XCTAssertEqual(validations.first?.message, "efs-backup-verifier: no-baseline: no valid baseline manifest completed before the backup started")
        let efsCalls = await world.efs.calls
        XCTAssertEqual(efsCalls, [])
    }

    func testTimedOutRestoreTestIsReportedTimedOut() async throws {
        let world = try World()
        await setUp(world)
        await world.efs.setPollsUntilAvailable(1_000_000)
        _ = try await world.orchestrator.handle(world.decode("restore-job-completed-testing.json"),
                                                deadline: world.clock.now().addingTimeInterval(35))
        world.clock.advance(25 * 3600)
        await world.efs.setPollsUntilAvailable(0)
        _ = try await world.handle(.reconcile)
        let validations = await world.backup.validations
        XCTAssertEqual(validations.map(\.status), [.timedOut])
        let deleted = await world.efs.deletedFileSystems
        XCTAssertEqual(deleted, [])
    }

    func testUnmatchedRestoreWithoutPlanIsIgnored() async throws {
        let world = try World()
        await setUp(world)
        let response = try await world.handle(world.restoreEvent(jobId: "someone-elses-restore", status: "COMPLETED"))
        XCTAssertEqual(response, #"{"reason":"restore job not started by this system","status":"ignored"}"#)
    }
}
