import Foundation
import XCTest
@testable import OrchestratorKit

/// AWS's published sample events (Fixtures/aws, verbatim) through the decoder and the
/// handler, and the shapes they teach.
final class EventSamplesTests: XCTestCase {
    /// Every published sample and what it decodes to.
    static let samples: [(file: String, kind: String)] = [
        ("backup-job-failed", "backup FAILED"), ("backup-job-completed", "backup COMPLETED"),
        ("backup-job-running", "backup RUNNING"), ("backup-job-aborted", "backup ABORTED"),
        ("backup-job-expired", "backup EXPIRED"), ("backup-job-pending", "backup PENDING"),
        ("backup-job-created", "backup CREATED"),
        ("restore-job-failed", "restore FAILED"), ("restore-job-running", "restore RUNNING"),
        ("restore-job-completed", "restore COMPLETED"), ("restore-job-pending", "restore PENDING"),
        ("restore-job-created", "restore CREATED"),
        ("copy-job-failed", "ignored Copy Job State Change"), ("copy-job-running", "ignored Copy Job State Change"),
        ("copy-job-completed", "ignored Copy Job State Change"), ("copy-job-created", "ignored Copy Job State Change"),
        ("recovery-point-completed", "ignored Recovery Point State Change"),
        ("backup-vault-created", "ignored Backup Vault State Change"), ("backup-vault-modified", "ignored Backup Vault State Change"),
        ("backup-vault-deleted", "ignored Backup Vault State Change"),
        ("backup-plan-created", "ignored Backup Plan State Change"), ("backup-plan-modified", "ignored Backup Plan State Change"),
        ("backup-plan-deleted", "ignored Backup Plan State Change"),
        ("region-setting-modified", "ignored Region Setting State Change"),
        ("ecs-task-running-fargate", "task RUNNING"), ("ecs-task-running-ec2", "task RUNNING"), ("ecs-task-running-2020", "task RUNNING"),
        ("scheduled-event-eventbridge", "reconcile"),
    ]

    static func kind(_ event: OrchestratorEvent) -> String {
        switch event {
        case .backupJob(let backup): return "backup \(backup.state)"
        case .restoreJob(let restore): return "restore \(restore.status)"
        case .task(let task): return "task \(task.lastStatus)"
        case .reconcile: return "reconcile"
        case .ignored(_, let detailType): return "ignored \(detailType)"
        case .verify: return "verify"
        case .status: return "status"
        case .baseline: return "baseline"
        }
    }

    func testEveryPublishedSampleDecodes() throws {
        let world = try World()
        for sample in Self.samples {
            let event = try world.decode("aws/\(sample.file).json")
            XCTAssertEqual(Self.kind(event), sample.kind, sample.file)
        }
        let files = try FileManager.default.contentsOfDirectory(
            atPath: XCTUnwrap(Bundle.module.url(forResource: "Fixtures/aws", withExtension: nil)).path)
        XCTAssertEqual(Set(files.filter { $0.hasSuffix(".json") }), Set(Self.samples.map { $0.file + ".json" }), "every sample is listed")
    }

    func testEveryPublishedSampleIsHandledWithoutError() async throws {
        let world = try World()
        await world.standardSetup()
        for sample in Self.samples {
            let response = try await world.handle(world.decode("aws/\(sample.file).json"))
            let status = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(response.utf8)) as? [String: Any])["status"] as? String
            XCTAssertEqual(status, sample.kind == "reconcile" ? "ok" : "ignored", "\(sample.file): \(response)")
        }
        let describes = await world.backup.backupJobs.count
        XCTAssertEqual(describes, 1, "nothing was created")
        let keys = await world.store.keys()
        XCTAssertEqual(keys, [], "no sample is about a configured EFS file system")
    }

    func testPublishedSamplesTeachTheShapes() throws {
        let world = try World()
        guard case .backupJob(let created) = try world.decode("aws/backup-job-created.json") else { return XCTFail("kind") }
        XCTAssertEqual(created.backupJobId, "7e8845b5-ca30-415f-a842-e0152bf4d0ca")
        XCTAssertNil(created.resourceArn, "CREATED carries no resourceArn")
        XCTAssertNil(created.resourceType)
        guard case .restoreJob(let failed) = try world.decode("aws/restore-job-failed.json") else { return XCTFail("kind") }
        XCTAssertNil(failed.sourceResourceArn)
        XCTAssertNil(failed.recoveryPointArn)
        XCTAssertEqual(failed.statusMessage?.hasPrefix("AWS Backup does not permit"), true)
        guard case .restoreJob(let createdRestore) = try world.decode("aws/restore-job-created.json") else { return XCTFail("kind") }
        XCTAssertEqual(createdRestore.status, "CREATED", "the CREATED example uses state")
        guard case .task(let task) = try world.decode("aws/ecs-task-running-fargate.json") else { return XCTFail("kind") }
        XCTAssertEqual(task.version, 3)
        XCTAssertNil(task.exitCode)
        XCTAssertEqual(task.containerReason, #"no container named "manifest-worker" in the task"#)
    }

    // MARK: - Restore events matched by restore job id

    /// AWS's published restore event of `status`, as it would be for our EFS restore `jobId`
    /// (only `restoreJobId` and `resourceType` changed: still no source ARN).
    func publishedRestore(_ file: String, jobId: String) throws -> OrchestratorEvent {
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Fixture.data("aws/\(file).json")) as? [String: Any])
        var detail = try XCTUnwrap(object["detail"] as? [String: Any])
        XCTAssertNil(detail["sourceResourceArn"])
        detail["restoreJobId"] = jobId
        detail["resourceType"] = "EFS"
        object["detail"] = detail
        return try EventDecoder(workerContainer: "manifest-worker").decode(JSONSerialization.data(withJSONObject: object))
    }

    func testRestoreFailedInThePublishedShapeEndsTheRunAtOnce() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        _ = try await world.handle(publishedRestore("restore-job-failed", jobId: "restore-1"))
        let run = try await world.run()
        XCTAssertEqual(run.restoreStatus, "FAILED")
        XCTAssertEqual(run.result, .restoreFailed)
        XCTAssertEqual(run.resultMessage, "restore job restore-1 FAILED: AWS Backup does not permit attaching a new instance profile to an EC2 instance. Please restore using the backed up instance profile.")
        let subjects = await world.publishedSubjects()
        XCTAssertEqual(subjects.count, 1, "alerted at once, not at the next reconcile")
    }

    func testRestoreProgressInThePublishedShapeIsRecorded() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        for (file, status) in [("restore-job-created", "CREATED"), ("restore-job-pending", "PENDING"), ("restore-job-running", "RUNNING")] {
            let response = try await world.handle(publishedRestore(file, jobId: "restore-1"))
            XCTAssertTrue(response.contains(#""status":"ok""#), response)
            let run = try await world.run()
            XCTAssertEqual(run.restoreStatus, RestoreStatus(rawValue: status))
        }
    }

    func testRestoreEventOfAnotherResourceTypeIsIgnored() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        guard case .restoreJob(var event) = try publishedRestore("restore-job-failed", jobId: "restore-1") else { return XCTFail("kind") }
        event.resourceType = "FSx"
        let response = try await world.handle(.restoreJob(event))
        XCTAssertEqual(response, #"{"reason":"resource type FSx","status":"ignored"}"#)
        let run = try await world.run()
        XCTAssertNotEqual(run.restoreStatus, "FAILED")
    }

    // MARK: - Backup jobs

    func testBackupCreatedWithoutResourceArnIsIgnoredNotRejected() async throws {
        let world = try World()
        let response = try await world.handle(world.decode("aws/backup-job-created.json"))
        XCTAssertEqual(response, #"{"reason":"backup state CREATED","status":"ignored"}"#)
    }

    func testCompletedBackupOfAnotherServiceWithALookAlikeIdIsIgnored() async throws {
        let world = try World()
        await world.standardSetup()
        guard case .backupJob(var event) = try world.backupCompleted() else { return XCTFail("kind") }
        event.resourceType = "FSx"
        event.resourceArn = "arn:aws:fsx:us-east-1:123456789012:file-system/" + productionFS
        let response = try await world.handle(.backupJob(event))
        XCTAssertEqual(response, #"{"reason":"resource type FSx","status":"ignored"}"#)
        let keys = await world.store.keys()
        XCTAssertEqual(keys, [], "DescribeBackupJob never reached, no run")
    }

    func testCompletedBackupNeedsItsResourceArn() throws {
        let world = try World()
        let text = #"{"source":"aws.backup","detail-type":"Backup Job State Change","detail":{"backupJobId":"j","state":"COMPLETED"}}"#
        XCTAssertThrowsError(try EventDecoder(workerContainer: world.config.workerContainer).decode(Data(text.utf8))) { error in
            XCTAssertEqual(error as? OrchestratorError, OrchestratorError(.invalidEvent, "detail.resourceArn: missing"))
        }
    }

    func testSizesAndProgressAsNumbersOrStrings() throws {
        let decoder = EventDecoder(workerContainer: "manifest-worker")
        for (size, percent) in [(#""52428800""#, "100"), ("52428800", #""99.5""#), (#""0""#, #""0""#)] {
            let text = #"{"source":"aws.backup","detail-type":"Backup Job State Change","detail":{"backupJobId":"j","state":"RUNNING","backupSizeInBytes":\#(size),"bytesTransferred":\#(size),"percentDone":\#(percent)}}"#
            XCTAssertNoThrow(try decoder.decode(Data(text.utf8)), text)
            let restore = #"{"source":"aws.backup","detail-type":"Restore Job State Change","detail":{"restoreJobId":"r","status":"RUNNING","backupSizeInBytes":\#(size),"percentDone":\#(percent)}}"#
            XCTAssertNoThrow(try decoder.decode(Data(restore.utf8)), restore)
        }
        for bad in [#""lots""#, "true", "[]", "{}"] {
            let text = #"{"source":"aws.backup","detail-type":"Restore Job State Change","detail":{"restoreJobId":"r","status":"RUNNING","backupSizeInBytes":\#(bad)}}"#
            XCTAssertThrowsError(try decoder.decode(Data(text.utf8))) { error in
                XCTAssertEqual(error as? OrchestratorError,
                               OrchestratorError(.invalidEvent, "detail.backupSizeInBytes: expected a number or a numeric string"), bad)
            }
        }
    }

    // MARK: - Integers

    func taskEvent(exitCode: String = "0", version: String = "5", containerName: String = "manifest-worker") -> Data {
        Data(#"{"source":"aws.ecs","detail-type":"ECS Task State Change","detail":{"taskArn":"t","lastStatus":"STOPPED","version":\#(version),"containers":[{"name":"\#(containerName)","exitCode":\#(exitCode)}]}}"#.utf8)
    }

    func testIntegersAreConvertedExactlyAndRangeChecked() throws {
        let decoder = EventDecoder(workerContainer: "manifest-worker")
        for (exit, version, expected) in [("1e30", "5", "detail.containers[0].exitCode: not an integer in -2147483648...2147483647: 1e+30"),
                                          ("1.5", "5", "detail.containers[0].exitCode: not an integer in -2147483648...2147483647: 1.5"),
                                          ("4294967296", "5", "detail.containers[0].exitCode: not an integer in -2147483648...2147483647: 4294967296"),
                                          ("0", "1e30", "detail.version: not an integer in 0...9223372036854775807: 1e+30"),
                                          ("0", "-1", "detail.version: not an integer in 0...9223372036854775807: -1"),
                                          ("0", "2.5", "detail.version: not an integer in 0...9223372036854775807: 2.5"),
                                          ("0", "18446744073709551615", "detail.version: not an integer in 0...9223372036854775807: 18446744073709551615")] {
            XCTAssertThrowsError(try decoder.decode(taskEvent(exitCode: exit, version: version))) { error in
                XCTAssertEqual((error as? OrchestratorError)?.kind, .invalidEvent)
                XCTAssertEqual((error as? OrchestratorError)?.message, expected)
                XCTAssertEqual((error as? OrchestratorError)?.lambdaErrorType, "Orchestrator.InvalidEvent")
            }
        }
        guard case .task(let task) = try decoder.decode(taskEvent(exitCode: "137.0", version: "9223372036854775807")) else { return XCTFail() }
        XCTAssertEqual(task.exitCode, 137)
        XCTAssertEqual(task.version, Int.max)
        guard case .task(let negative) = try decoder.decode(taskEvent(exitCode: "-1")) else { return XCTFail() }
        XCTAssertEqual(negative.exitCode, -1)
    }

    func testOnlyTheWorkerContainersExitCodeCounts() async throws {
        let decoder = EventDecoder(workerContainer: "manifest-worker")
        guard case .task(let other) = try decoder.decode(taskEvent(exitCode: "0", containerName: "sidecar")) else { return XCTFail() }
        XCTAssertNil(other.exitCode, "never another container's code")
        XCTAssertEqual(other.containerReason, #"no container named "manifest-worker" in the task"#)

        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        guard case .task(var task) = try await world.taskStopped(role: .post, exitCode: 0) else { return XCTFail() }
        task.exitCode = other.exitCode
        task.containerReason = other.containerReason
        _ = try await world.handle(.task(task))
        let run = try await world.run()
        XCTAssertEqual(run.result, .taskFailed)
        XCTAssertEqual(run.resultMessage,
                       #"post manifest task no exit code: Essential container in task exited (no container named "manifest-worker" in the task)"#)
    }

    // MARK: - Schedules

    func testSchedulerDeliveriesRunTheReconcile() async throws {
        let world = try World()
        XCTAssertEqual(try world.decode("scheduler-default-input.json"), .reconcile)
        XCTAssertEqual(try world.decode("aws/scheduled-event-eventbridge.json"), .reconcile)
        let decoder = EventDecoder(workerContainer: "manifest-worker")
        XCTAssertEqual(try decoder.decode(Data("{}".utf8)), .reconcile)
        XCTAssertEqual(try decoder.decode(Data(#"{"source":"aws.scheduler","detail-type":"Scheduled Event","detail":{}}"#.utf8)), .reconcile)
        let response = try await world.handle(decoder.decode(Data(" { } ".utf8)))
        XCTAssertEqual(response, #"{"action":"reconcile","advanced":"0","failed":"0","openRuns":"0","status":"ok","swept":"0"}"#)
    }

    // MARK: - Ids

    func testIdsThatWouldEscapeTheirKeysAreRejected() throws {
        let decoder = EventDecoder(workerContainer: "manifest-worker")
        let long = String(repeating: "a", count: 257)
        let cases: [(String, String)] = [
            (#"{"source":"aws.backup","detail-type":"Backup Job State Change","detail":{"backupJobId":"../../open/x","state":"FAILED"}}"#,
             #"detail.backupJobId: contains "/": "../../open/x""#),
            (#"{"source":"aws.backup","detail-type":"Backup Job State Change","detail":{"backupJobId":"a..b","state":"FAILED"}}"#,
             #"detail.backupJobId: contains "..": "a..b""#),
            (#"{"source":"aws.backup","detail-type":"Backup Job State Change","detail":{"backupJobId":"a\nb","state":"FAILED"}}"#,
             #"detail.backupJobId: contains a control character: "a\nb""#),
            (#"{"source":"aws.backup","detail-type":"Backup Job State Change","detail":{"backupJobId":"","state":"FAILED"}}"#,
             #"detail.backupJobId: empty: """#),
            (#"{"source":"aws.backup","detail-type":"Backup Job State Change","detail":{"backupJobId":"\#(long)","state":"FAILED"}}"#,
             #"detail.backupJobId: longer than 256 characters: "\#(long)""#),
            (#"{"source":"aws.backup","detail-type":"Restore Job State Change","detail":{"restoreJobId":"r/1","status":"FAILED"}}"#,
             #"detail.restoreJobId: contains "/": "r/1""#),
            (#"{"source":"aws.ecs","detail-type":"ECS Task State Change","detail":{"taskArn":"t","lastStatus":"STOPPED","group":"ebv:fs-1:../../open/x:post"}}"#,
             #"detail.group: contains "/": "ebv:fs-1:../../open/x:post""#),
            (#"{"action":"status","runId":"../x"}"#, #"runId: contains "/": "../x""#),
            (#"{"action":"verify","recoveryPointArn":"arn:rp","fileSystemId":"fs-1/.."}"#, #"fileSystemId: contains "/": "fs-1/..""#),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try decoder.decode(Data(text.utf8)), text) { error in
                XCTAssertEqual(error as? OrchestratorError, OrchestratorError(.invalidEvent, message))
            }
        }
        let longest = String(repeating: "b", count: 256)
        XCTAssertNoThrow(try decoder.decode(Data(#"{"action":"status","runId":"\#(longest)"}"#.utf8)))
        // A foreign group may look like anything; only ours is checked.
        XCTAssertNoThrow(try decoder.decode(Data(#"{"source":"aws.ecs","detail-type":"ECS Task State Change","detail":{"taskArn":"t","lastStatus":"STOPPED","group":"family:a/b"}}"#.utf8)))
        XCTAssertNil(RunNaming(config: try World().config).parseTaskGroup("ebv:fs-1:a..b:post"))
    }

    // MARK: - Late duplicates

    func testLateDuplicatesOfAFinishedRunAreLoggedAsSuch() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.restoreCompletes()
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
        _ = try await world.handle(world.taskStopped(role: .post, exitCode: 0))
        _ = try await world.handle(world.taskStopped(role: .restored, exitCode: 0))
        let done = try await world.run()
        XCTAssertEqual(done.phase, .done)
        let restore = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
        XCTAssertEqual(restore, #"{"fileSystemId":"fs-0123456789abcdef0","phase":"done","result":"passed","runId":"a827233a-d405-4a86-a440-759fa94f34dd","status":"duplicate"}"#)
        let task = try await world.handle(world.taskStopped(role: .restored, exitCode: 0))
        XCTAssertTrue(task.contains(#""status":"duplicate""#), task)
        let backup = try await world.handle(world.backupCompleted())
        XCTAssertTrue(backup.contains(#""status":"duplicate""#), backup)
        let late = world.logs.records.filter { ($0["message"] as? String) == "late duplicate for a finished run" }
        XCTAssertEqual(late.compactMap { $0["event"] as? String }, ["restore COMPLETED", "task STOPPED (restored)", "backup event"])
        XCTAssertFalse(world.logs.messages().contains("restore event ignored: not started by this system"))
        let after = try await world.run()
        XCTAssertEqual(after, done, "nothing changes")
    }
}
