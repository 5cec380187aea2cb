import AWSLite
import Foundation
import XCTest
@testable import OrchestratorKit

final class HappyPathTests: XCTestCase {
    let postKey = "manifests/\(productionFS)/runs/\(backupJobId)/post.ndjson.gz"
    let baselineKey = "manifests/\(productionFS)/baseline/2025-03-04T04-30-00Z.ndjson.gz"
    let restoredKey = "manifests/\(productionFS)/runs/\(backupJobId)/restored.ndjson.gz"

    func testBackupCompletedCreatesRunStartsRestoreAndPostManifest() async throws {
        let world = try World()
        await world.standardSetup()
        let response = try await world.handle(world.backupCompleted())
        XCTAssertEqual(response, #"{"fileSystemId":"fs-0123456789abcdef0","phase":"active","runId":"a827233a-d405-4a86-a440-759fa94f34dd","status":"ok"}"#)

        let run = try await world.run()
        XCTAssertEqual(run.origin, .backup)
        XCTAssertEqual(run.recoveryPointArn, recoveryPointArn)
        XCTAssertEqual(run.baseline?.key, "manifests/\(productionFS)/baseline/2025-03-04T04-30-00Z.ndjson.gz",
                       "the newest baseline that completed before the backup started")
        XCTAssertEqual(run.restoreJobId, "restore-1")
        XCTAssertEqual(run.deadline, Timestamps.parse("2025-03-05T05:41:17Z"))
        XCTAssertEqual(run.expiresAt, Timestamps.parse("2025-03-05T11:41:17Z"))
        let queries = await world.manifests.queries
        XCTAssertEqual(queries.map(\.before), [Timestamps.parse("2025-03-04T05:00:31.207Z")!])

        let restores = await world.backup.restoreRequests
        XCTAssertEqual(restores, [RestoreRequest(
            recoveryPointArn: recoveryPointArn, iamRoleArn: "arn:aws:iam::123456789012:role/verifier-restore",
            idempotencyToken: "ebv-restore-\(backupJobId)",
            metadata: ["file-system-id": productionFS, "newFileSystem": "true", "Encrypted": "true",
                       "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/1234abcd", "PerformanceMode": "generalPurpose",
                       "CreationToken": "ebv-fs-\(backupJobId)"])])

        let runs = await world.ecs.runRequests
        XCTAssertEqual(runs, [RunTaskRequest(
            cluster: "verifier", taskDefinition: "manifest-worker", clientToken: "ebv-post-\(backupJobId)",
            startedBy: "efs-backup-verifier", group: "ebv:\(productionFS):\(backupJobId):post",
            subnets: ["subnet-aaa", "subnet-bbb"], securityGroups: ["sg-111"], containerName: "manifest-worker",
            command: ["generate", "/mnt/efs", "-o", "s3://verifier-bucket/\(postKey)", "--role", "post",
                      "--file-system-id", productionFS, "--recovery-point-arn", recoveryPointArn,
                      // Unchanged files' digests from the run's baseline; progress against it (issues 16, 14).
                      "--reuse-from", "s3://verifier-bucket/\(baselineKey)", "--expect", "s3://verifier-bucket/\(baselineKey)"],
            environment: ["EBV_RUN_ID": backupJobId, "EBV_ROLE": "post", "EBV_OUTPUT": "s3://verifier-bucket/\(postKey)",
                          "EBV_FILE_SYSTEM_ID": productionFS, "EBV_RECOVERY_POINT_ARN": recoveryPointArn,
                          "EBV_REUSE_FROM": "s3://verifier-bucket/\(baselineKey)", "EBV_EXPECT": "s3://verifier-bucket/\(baselineKey)"],
            tags: ["efs-backup-verifier:run": backupJobId, "efs-backup-verifier:expires": "2025-03-05T11:41:17Z"])])
        for token in runs.map(\.clientToken) {
            XCTAssertLessThanOrEqual(token.utf8.count, 64)
            XCTAssertTrue(token.utf8.allSatisfy { $0 >= 33 && $0 <= 126 })
        }
        let keys = await world.store.keys()
        XCTAssertEqual(keys, ["runs/\(productionFS)/\(backupJobId).json", "runs/open/\(productionFS)/\(backupJobId)",
                              "runs/restore-jobs/restore-1.json"])
        let index = try await world.store.get("runs/restore-jobs/restore-1.json")
        XCTAssertEqual(index.map { String(decoding: $0.body, as: UTF8.self) },
                       #"{"fileSystemId":"\#(productionFS)","runId":"\#(backupJobId)"}"#)
    }

    func testFullRunToPassedVerdictAndCleanup() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        world.clock.advance(5400)
        await world.restoreCompletes()
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))

        var run = try await world.run()
        XCTAssertEqual(run.restoredFileSystemId, restoredFS)
        XCTAssertEqual(run.mountTargetIds, ["fsmt-1", "fsmt-2"])
        XCTAssertTrue(run.mountTargetsAvailable)
        XCTAssertEqual(run.accessPointId, "fsap-1")
        XCTAssertEqual(run.taskDefinitionArn, "arn:aws:ecs:us-east-1:123456789012:task-definition/manifest-worker-restored:1")
        let efsCalls = await world.efs.calls
        XCTAssertEqual(efsCalls, ["tag:\(restoredFS)", "createMountTarget:subnet-aaa", "createMountTarget:subnet-bbb", "createAccessPoint"])
        let tagCalls = await world.efs.tagCalls
        XCTAssertEqual(tagCalls.first?.1, ["efs-backup-verifier:run": backupJobId, "efs-backup-verifier:expires": "2025-03-05T11:41:17Z"])
        let accessPoints = await world.efs.accessPointRequests
        XCTAssertEqual(accessPoints, [AccessPointRequest(fileSystemId: restoredFS, clientToken: "ebv-ap-\(backupJobId)", uid: 0, gid: 0,
                                                         tags: ["efs-backup-verifier:run": backupJobId, "efs-backup-verifier:expires": "2025-03-05T11:41:17Z"])])
        let registered = await world.ecs.registered
        XCTAssertEqual(registered, [TaskDefinitionRequest(
            baseFamily: "manifest-worker", family: "manifest-worker-restored", containerName: "manifest-worker", volumeName: "efs",
            fileSystemId: restoredFS, accessPointId: "fsap-1", readOnly: true,
            tags: ["efs-backup-verifier:run": backupJobId, "efs-backup-verifier:expires": "2025-03-05T11:41:17Z"])])
        let restoredRun = await world.ecs.runRequests.last
        XCTAssertEqual(restoredRun?.taskDefinition, "arn:aws:ecs:us-east-1:123456789012:task-definition/manifest-worker-restored:1")
        XCTAssertEqual(restoredRun?.clientToken, "ebv-restored-\(backupJobId)")
        XCTAssertEqual(restoredRun?.command, ["generate", "/mnt/efs", "-o", "s3://verifier-bucket/\(restoredKey)", "--role", "restored",
                                              "--file-system-id", restoredFS, "--recovery-point-arn", recoveryPointArn,
                                              "--restored-root", "auto"])
        XCTAssertEqual(restoredRun?.environment, ["EBV_RUN_ID": backupJobId, "EBV_ROLE": "restored",
                                                  "EBV_OUTPUT": "s3://verifier-bucket/\(restoredKey)", "EBV_FILE_SYSTEM_ID": restoredFS,
                                                  "EBV_RECOVERY_POINT_ARN": recoveryPointArn, "EBV_RESTORED_ROOT": "auto"])

        await world.manifests.addExisting(postKey)
        _ = try await world.handle(world.taskStopped(role: .post, exitCode: 0))
        run = try await world.run()
        XCTAssertEqual(run.phase, .active, "waits for the restored manifest")
        world.clock.advance(1200)
        let diffDeadline = world.deadline.addingTimeInterval(-world.config.invocationMargin)
        let response = try await world.handle(world.taskStopped(role: .restored, exitCode: 0))
        XCTAssertEqual(response, #"{"fileSystemId":"fs-0123456789abcdef0","phase":"done","result":"passed","runId":"a827233a-d405-4a86-a440-759fa94f34dd","status":"ok"}"#)

        run = try await world.run()
        XCTAssertEqual(run.result, .passed)
        XCTAssertEqual(run.phase, .done)
        let diffs = await world.differ.requests
        XCTAssertEqual(diffs, [DiffRequest(
            baselineKey: "manifests/\(productionFS)/baseline/2025-03-04T04-30-00Z.ndjson.gz", postKey: postKey,
            restoredKey: restoredKey, reportPrefix: "runs/\(productionFS)/\(backupJobId)/", severities: [:],
            windowEnd: Timestamps.parse("2025-03-04T05:41:05.921Z"), deadline: diffDeadline)], "the window ends when the backup job completed")

        let published = await world.notifier.published
        XCTAssertEqual(published.map(\.subject), ["[efs-backup-verifier] PASSED fs-0123456789abcdef0 run a827233a-d405-4a86-a440-759fa94f34dd"])
        XCTAssertEqual(published.first?.message, """
            Result: passed
            File system: fs-0123456789abcdef0
            Run: a827233a-d405-4a86-a440-759fa94f34dd (backup)
            Recovery point: \(recoveryPointArn)
            Backup job: a827233a-d405-4a86-a440-759fa94f34dd
            Restore job: restore-1
            Reason: three-way diff: 1200 files, 52428800 bytes verified, 0 error findings

            1200 files verified, no errors

            Report: s3://verifier-bucket/runs/fs-0123456789abcdef0/a827233a-d405-4a86-a440-759fa94f34dd/report.json
            Findings: s3://verifier-bucket/runs/fs-0123456789abcdef0/a827233a-d405-4a86-a440-759fa94f34dd/findings.ndjson.gz
            Summary: s3://verifier-bucket/runs/fs-0123456789abcdef0/a827233a-d405-4a86-a440-759fa94f34dd/summary.txt
            Report page: https://us-east-1.console.aws.amazon.com/s3/object/verifier-bucket?region=us-east-1&prefix=runs/fs-0123456789abcdef0/a827233a-d405-4a86-a440-759fa94f34dd/report.html
            Run document: s3://verifier-bucket/runs/fs-0123456789abcdef0/a827233a-d405-4a86-a440-759fa94f34dd.json

            """)

        let metrics = world.metrics.lines.current
        XCTAssertEqual(metrics.count, 1)
        let emf = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(metrics[0].utf8)) as? [String: Any])
        XCTAssertEqual(emf["FilesVerified"] as? Int, 1200)
        XCTAssertEqual(emf["BytesVerified"] as? Int, 52_428_800)
        XCTAssertEqual(emf["FindingsError"] as? Int, 0)
        XCTAssertEqual(emf["FindingsInfo"] as? Int, 3)
        XCTAssertEqual(emf["RunPassed"] as? Int, 1)
        XCTAssertEqual(emf["Result"] as? String, "passed")
        XCTAssertEqual(emf["RestoreDuration"] as? Int, 5616, "restore started 05:41:17, completed 07:14:53.128")
        XCTAssertEqual(emf["TimeToVerdict"] as? Int, 6611, "backup completed 05:41:05.921, verdict at 07:31:17")
        let aws = try XCTUnwrap(emf["_aws"] as? [String: Any])
        XCTAssertEqual(aws["Timestamp"] as? Int, 1_741_073_477_000)
        let directive = try XCTUnwrap((aws["CloudWatchMetrics"] as? [[String: Any]])?.first)
        XCTAssertEqual(directive["Namespace"] as? String, "EFSBackupVerifier")
        XCTAssertEqual(directive["Dimensions"] as? [[String]], [["FileSystemId"], ["FileSystemId", "Result"]])

        let ecsCalls = await world.ecs.calls
        XCTAssertEqual(ecsCalls, ["run:post", "register", "run:restored", "deregister", "delete"], "both tasks had stopped: nothing to stop")
        let efsAfter = await world.efs.calls
        XCTAssertEqual(Array(efsAfter.suffix(4)), ["deleteAccessPoint:fsap-1", "deleteMountTarget:fsmt-1", "deleteMountTarget:fsmt-2",
                                                   "deleteFileSystem:\(restoredFS)"])
        let deleted = await world.efs.deletedFileSystems
        XCTAssertEqual(deleted, [restoredFS])
        let keys = await world.store.keys()
        XCTAssertEqual(keys, ["runs/\(productionFS)/\(backupJobId).json", "runs/restore-jobs/restore-1.json"], "the open marker is gone")
    }

    func testMountTargetsPolledWithinTheInvocationThenLeftForTheNextTick() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.restoreCompletes()
        await world.efs.setPollsUntilAvailable(1_000)
        // 60 s left, a 30 s margin and a 10 s poll interval: two polls fit.
        _ = try await world.orchestrator.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"),
                                                deadline: world.clock.now().addingTimeInterval(60))
        var run = try await world.run()
        XCTAssertFalse(run.mountTargetsAvailable)
        XCTAssertNil(run.accessPointId)
        XCTAssertEqual(world.clock.sleeps.current, [10, 10])
        await world.efs.setPollsUntilAvailable(0)
        _ = try await world.handle(.reconcile)
        run = try await world.run()
        XCTAssertTrue(run.mountTargetsAvailable)
        XCTAssertNotNil(run.tasks[.restored]?.taskArn)
    }
}
