import AWSLite
import Foundation
import XCTest
@testable import OrchestratorKit

final class FailurePathTests: XCTestCase {
    func testFailedBackupIsAlertedOnce() async throws {
        let world = try World()
        await world.standardSetup()
        let event = try world.decode("backup-job-failed.json")
        let response = try await world.handle(event)
        XCTAssertEqual(response, #"{"fileSystemId":"fs-0123456789abcdef0","phase":"done","result":"backup-failed","runId":"b1c2d3e4-0000-4a86-a440-759fa94f34dd","status":"ok"}"#)
        _ = try await world.handle(event)
        let published = await world.notifier.published
        XCTAssertEqual(published.map(\.subject), ["[efs-backup-verifier] BACKUP-FAILED fs-0123456789abcdef0 run b1c2d3e4-0000-4a86-a440-759fa94f34dd"])
        XCTAssertTrue(published[0].message.contains("Reason: backup job b1c2d3e4-0000-4a86-a440-759fa94f34dd FAILED: Insufficient privileges to perform this action.\n"))
        let restores = await world.backup.restoreRequests.count
        XCTAssertEqual(restores, 0)
        let emf = try XCTUnwrap(world.metrics.lines.current.first)
        XCTAssertTrue(emf.contains(#""Result":"backup-failed""#), emf)
        XCTAssertTrue(emf.contains(#""RunPassed":0"#), emf)
    }

    func testOtherBackupStatesAreAlertedAndRunningIsIgnored() async throws {
        for state in ["ABORTED", "EXPIRED", "PARTIAL"] {
            let world = try World()
            guard case .backupJob(var event) = try world.decode("backup-job-failed.json") else { return XCTFail() }
            event.state = state
            _ = try await world.handle(.backupJob(event))
            let run = try await world.run(event.backupJobId)
            XCTAssertEqual(run.result, .backupFailed, state)
        }
        let world = try World()
        guard case .backupJob(var running) = try world.decode("backup-job-failed.json") else { return XCTFail() }
        running.state = "RUNNING"
        let response = try await world.handle(.backupJob(running))
        XCTAssertEqual(response, #"{"reason":"backup state RUNNING","status":"ignored"}"#)
    }

    func testFailedRestoreAlertsStopsThePostTaskAndCleansUp() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        guard case .restoreJob(var event) = try world.restoreEvent(jobId: "restore-1", status: "FAILED") else { return XCTFail() }
        event.statusMessage = "Access denied to KMS key"
        await world.backup.setRestoreJob(RestoreJobInfo(restoreJobId: "restore-1", status: "FAILED", statusMessage: "Access denied to KMS key"))
        _ = try await world.handle(.restoreJob(event))
        let run = try await world.run()
        XCTAssertEqual(run.result, .restoreFailed)
        XCTAssertEqual(run.resultMessage, "restore job restore-1 FAILED: Access denied to KMS key")
        XCTAssertEqual(run.phase, .done)
        let stopped = await world.ecs.stopped
        XCTAssertEqual(stopped, ["arn:aws:ecs:us-east-1:123456789012:task/cluster/post-1"], "the running post task is stopped")
        let subjects = await world.publishedSubjects()
        XCTAssertEqual(subjects, ["[efs-backup-verifier] RESTORE-FAILED fs-0123456789abcdef0 run a827233a-d405-4a86-a440-759fa94f34dd"])
        let deleted = await world.efs.deletedFileSystems
        XCTAssertEqual(deleted, [])
    }

    func testWorkerExitCodeNonZeroFailsTheRunAndCleansUp() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.restoreCompletes()
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
        guard case .task(var failed) = try await world.taskStopped(role: .restored, exitCode: 2) else { return XCTFail() }
        failed.stoppedReason = "Essential container in task exited"
        _ = try await world.handle(.task(failed))
        let run = try await world.run()
        XCTAssertEqual(run.result, .taskFailed)
        XCTAssertEqual(run.resultMessage, "restored manifest task exit code 2: Essential container in task exited")
        XCTAssertEqual(run.phase, .done)
        let stopped = await world.ecs.stopped
        XCTAssertEqual(stopped, ["arn:aws:ecs:us-east-1:123456789012:task/cluster/post-1"])
        let ecsCalls = await world.ecs.calls
        XCTAssertEqual(ecsCalls, ["run:post", "register", "run:restored", "stop", "deregister", "delete"])
        let efsCalls = await world.efs.calls
        XCTAssertEqual(Array(efsCalls.suffix(4)), ["deleteAccessPoint:fsap-1", "deleteMountTarget:fsmt-1", "deleteMountTarget:fsmt-2",
                                                   "deleteFileSystem:\(restoredFS)"])
        let diffs = await world.differ.requests.count
        XCTAssertEqual(diffs, 0)
        let subjects = await world.publishedSubjects()
        XCTAssertEqual(subjects, ["[efs-backup-verifier] TASK-FAILED fs-0123456789abcdef0 run a827233a-d405-4a86-a440-759fa94f34dd"])
    }

    func testContainerReasonIsKeptBesideTheTaskReason() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        guard case .task(var killed) = try await world.taskStopped(role: .post, exitCode: 137) else { return XCTFail() }
        killed.stoppedReason = "Essential container in task exited"
        killed.containerReason = "OutOfMemoryError: Container killed due to memory usage"
        _ = try await world.handle(.task(killed))
        let run = try await world.run()
        XCTAssertEqual(run.tasks[.post]?.stoppedReason,
                       "Essential container in task exited (OutOfMemoryError: Container killed due to memory usage)")
        XCTAssertEqual(run.resultMessage,
                       "post manifest task exit code 137: Essential container in task exited (OutOfMemoryError: Container killed due to memory usage)")
    }

    func testTaskThatFailedToStartHasNoExitCode() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        // Every start fails (EBV_TASK_START_ATTEMPTS = 3): the third failure ends the run.
        for start in 1...3 {
            _ = try await world.handle(world.taskStopped(role: .post, exitCode: nil, version: start))
        }
        let run = try await world.run()
        XCTAssertEqual(run.result, .taskFailed)
        XCTAssertEqual(run.resultMessage, "post manifest task no exit code: CannotPullContainerError (start 3 of 3)")
        XCTAssertEqual(run.phase, .finishing, "waits for the running restore before deleting what it creates")
    }

    func testRunTimeoutFailsAndCleansUp() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.restoreCompletes()
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
        world.clock.advance(25 * 3600)
        let response = try await world.handle(.reconcile)
        XCTAssertEqual(response, #"{"action":"reconcile","advanced":"1","failed":"0","openRuns":"1","status":"ok","swept":"0"}"#)
        let run = try await world.run()
        XCTAssertEqual(run.result, .timedOut)
        XCTAssertEqual(run.resultMessage, "run still open at its deadline 2025-03-05T05:41:17Z")
        XCTAssertEqual(run.phase, .done)
        let stopped = await world.ecs.stopped.count
        XCTAssertEqual(stopped, 2)
        let deleted = await world.efs.deletedFileSystems
        XCTAssertEqual(deleted, [restoredFS])
    }

    func testNoBaselineIsADistinctAlertedVerdictWithoutARestore() async throws {
        let world = try World()
        await world.standardSetup()
        await world.manifests.setBaselines([ManifestRef(key: "manifests/\(productionFS)/baseline/late.ndjson.gz",
                                                        completedAt: Timestamps.parse("2025-03-04T06:00:00Z")!)])
        _ = try await world.handle(world.backupCompleted())
        let run = try await world.run()
        XCTAssertEqual(run.result, .noBaseline)
        XCTAssertEqual(run.resultMessage, "no valid baseline manifest completed before the backup started")
        XCTAssertEqual(run.phase, .done)
        let restores = await world.backup.restoreRequests.count
        XCTAssertEqual(restores, 0)
        let subjects = await world.publishedSubjects()
        XCTAssertEqual(subjects, ["[efs-backup-verifier] NO-BASELINE fs-0123456789abcdef0 run a827233a-d405-4a86-a440-759fa94f34dd"])
    }

    func testTwoWayWhenThePostManifestIsMissing() async throws {
        let world = try World()
        await world.standardSetup()
        await world.differ.setPassed(false)
        _ = try await world.handle(world.backupCompleted())
        await world.restoreCompletes()
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
        _ = try await world.handle(world.taskStopped(role: .post, exitCode: 0))  // exit 0, but no object in S3
        _ = try await world.handle(world.taskStopped(role: .restored, exitCode: 0))
        let diffs = await world.differ.requests
        XCTAssertEqual(diffs.count, 1)
        XCTAssertNil(diffs.first?.postKey)
        let run = try await world.run()
        XCTAssertEqual(run.report?.mode, "two-way")
        XCTAssertEqual(run.result, .failed)
        XCTAssertTrue(world.logs.messages(level: "warn").contains("post manifest missing; two-way diff"))
        let subjects = await world.publishedSubjects()
        XCTAssertEqual(subjects, ["[efs-backup-verifier] FAILED fs-0123456789abcdef0 run a827233a-d405-4a86-a440-759fa94f34dd"])
    }

    func testTwoWayWithoutPostTaskWhenDisabled() async throws {
        var env = testEnvironment
        env["EBV_POST_MANIFEST"] = "false"
        let world = try World(environment: env)
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        let runs = await world.ecs.runRequests.count
        XCTAssertEqual(runs, 0)
        await world.restoreCompletes()
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
        _ = try await world.handle(world.taskStopped(role: .restored, exitCode: 0))
        let run = try await world.run()
        XCTAssertEqual(run.result, .passed)
        XCTAssertEqual(run.report?.mode, "two-way")
    }

    func testInvalidManifestEndsInAnAlertedError() async throws {
        let world = try World()
        await world.standardSetup()
        await world.differ.setFailure(OrchestratorError(.service, "restored.ndjson.gz:812: entriesSha256 mismatch"))
        _ = try await world.handle(world.backupCompleted())
        await world.restoreCompletes()
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
        _ = try await world.handle(world.taskStopped(role: .post, exitCode: 0))
        _ = try await world.handle(world.taskStopped(role: .restored, exitCode: 0))
        let run = try await world.run()
        XCTAssertEqual(run.result, .error)
        XCTAssertEqual(run.resultMessage, "diff failed: restored.ndjson.gz:812: entriesSha256 mismatch")
        XCTAssertEqual(run.phase, .done)
    }

    func testManualVerifyAndStatus() async throws {
        let world = try World()
        await world.standardSetup()
        await world.backup.setRecoveryPoints("arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/" + productionFS, [
            RecoveryPointInfo(recoveryPointArn: recoveryPointArn, backupVaultName: "prod-vault",
                              creationDate: Timestamps.parse("2025-03-04T05:00:31Z"), completionDate: Timestamps.parse("2025-03-04T05:41:05Z"),
                              status: "COMPLETED"),
        ])
        let runId = RunNaming.verifyRunId(recoveryPointArn: recoveryPointArn)
        XCTAssertEqual(runId.count, "verify-".count + 24)
        let response = try await world.handle(.verify(recoveryPointArn: recoveryPointArn, fileSystemId: nil))
        XCTAssertEqual(response, #"{"fileSystemId":"fs-0123456789abcdef0","phase":"active","runId":"\#(runId)","status":"ok"}"#)
        _ = try await world.handle(.verify(recoveryPointArn: recoveryPointArn, fileSystemId: nil))
        let restores = await world.backup.distinctRestoreJobs()
        XCTAssertEqual(restores, 1)
        let runs = await world.ecs.runRequests.count
        XCTAssertEqual(runs, 0, "no post manifest for an old recovery point: two-way")
        let status = try await world.handle(.status(runId: runId, fileSystemId: nil))
        let run = try Run.decoded(from: Data(status.utf8))
        XCTAssertEqual(run.origin, .manual)
        XCTAssertEqual(run.restoreJobId, "restore-1")
        do {
            _ = try await world.handle(.verify(recoveryPointArn: "arn:aws:backup:us-east-1:123456789012:recovery-point:nope", fileSystemId: nil))
            XCTFail("expected notFound")
        } catch let error as OrchestratorError {
            XCTAssertEqual(error, OrchestratorError(.notFound, "recovery point arn:aws:backup:us-east-1:123456789012:recovery-point:nope not found for fs-0123456789abcdef0"))
        }
        do {
            _ = try await world.handle(.status(runId: "nope", fileSystemId: nil))
            XCTFail("expected notFound")
        } catch let error as OrchestratorError {
            XCTAssertEqual(error, OrchestratorError(.notFound, "run nope not found"))
        }
    }

    func testVerifyRunTakesTheRecoveryPointCompletionFromDescribeRecoveryPoint() async throws {
        let world = try World()
        await world.standardSetup()
        // ListRecoveryPointsByResource gives no CompletionDate (botocore's RecoveryPointByResource).
        await world.backup.setRecoveryPoints("arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/" + productionFS, [
            RecoveryPointInfo(recoveryPointArn: recoveryPointArn, backupVaultName: "prod-vault",
                              creationDate: Timestamps.parse("2025-03-04T05:00:31Z"), completionDate: nil, status: "COMPLETED"),
        ])
        let completed = try XCTUnwrap(Timestamps.parse("2025-03-04T05:41:05.921Z"))
        await world.backup.setDescribedRecoveryPoint(RecoveryPointInfo(
            recoveryPointArn: recoveryPointArn, backupVaultName: "prod-vault", creationDate: Timestamps.parse("2025-03-04T05:00:31Z"),
            completionDate: completed, status: "COMPLETED"))
        let runId = RunNaming.verifyRunId(recoveryPointArn: recoveryPointArn)
        _ = try await world.handle(.verify(recoveryPointArn: recoveryPointArn, fileSystemId: nil))
        let run = try await world.run(runId)
        XCTAssertEqual(run.recoveryPointCompletedAt, completed)
        XCTAssertNil(run.backupCompletedAt)
        XCTAssertEqual(Orchestrator.windowEnd(run), completed)
        XCTAssertNotEqual(run.restoreStartedAt, completed)
        let calls = await world.backup.describeRecoveryPointCalls
        XCTAssertEqual(calls.map { "\($0.vaultName) \($0.recoveryPointArn)" }, ["prod-vault \(recoveryPointArn)"])
    }
}
