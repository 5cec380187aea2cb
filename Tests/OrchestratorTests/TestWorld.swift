import AWSLite
import Foundation
import XCTest
@testable import OrchestratorKit

enum Fixture {
    static func data(_ name: String) throws -> Data {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil)
            ?? Bundle.module.url(forResource: name, withExtension: nil), "fixture \(name)")
        return try Data(contentsOf: url)
    }
}

/// The default test configuration's environment.
let testEnvironment: [String: String] = [
    "EBV_BUCKET": "verifier-bucket",
    "EBV_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:verifier",
    "EBV_CLUSTER": "verifier",
    "EBV_WORKER_TASK_FAMILY": "manifest-worker",
    "EBV_WORKER_CONTAINER": "manifest-worker",
    "EBV_SUBNETS": "subnet-aaa,subnet-bbb",
    "EBV_SECURITY_GROUPS": "sg-111",
    "EBV_FILE_SYSTEMS": "fs-0123456789abcdef0",
    "EBV_KMS_KEY_ID": "arn:aws:kms:us-east-1:123456789012:key/1234abcd",
    "EBV_RESTORE_ROLE_ARN": "arn:aws:iam::123456789012:role/verifier-restore",
]

let productionFS = "fs-0123456789abcdef0"
let restoredFS = "fs-0fedcba9876543210"
let backupJobId = "a827233a-d405-4a86-a440-759fa94f34dd"
let recoveryPointArn = "arn:aws:backup:us-east-1:123456789012:recovery-point:8f3c1a2e-5b7d-4c1e-9a0b-2d4e6f8a1b3c"
let restoredArn = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/" + restoredFS

/// Fakes wired into an orchestrator, with the clock at the sample backup's completion.
struct World {
    let clock = FakeClock(Timestamps.parse("2025-03-04T05:41:17Z")!)
    let store = MemoryStore()
    let notifier = FakeNotifier()
    let backup = FakeBackup()
    let ecs = FakeECS()
    let efs = FakeEFS()
    let manifests = FakeManifests()
    let differ = FakeDiffer()
    let metrics = MemoryMetrics()
    let logs = MemorySink()
    var config: OrchestratorConfig

    init(environment: [String: String] = testEnvironment) throws {
        config = try OrchestratorConfig(environment: environment)
    }

    var orchestrator: Orchestrator {
        let services = Services(store: store, notifier: notifier, backup: backup, tasks: ecs, fileSystems: efs,
                                manifests: manifests, differ: differ, metrics: metrics, clock: clock)
        return Orchestrator(config: config, services: services, logger: Logger(sink: logs, clock: clock))
    }

    var naming: RunNaming { RunNaming(config: config) }
    var deadline: Date { clock.now().addingTimeInterval(900) }

    /// A baseline before the sample backup, the backup job, and the production file system.
    func standardSetup() async {
        await manifests.setBaselines([
            ManifestRef(key: "manifests/\(productionFS)/baseline/2025-03-03T04-30-00Z.ndjson.gz",
                        completedAt: Timestamps.parse("2025-03-03T04:40:00Z")!),
            ManifestRef(key: "manifests/\(productionFS)/baseline/2025-03-04T04-30-00Z.ndjson.gz",
                        completedAt: Timestamps.parse("2025-03-04T04:40:00Z")!),
            ManifestRef(key: "manifests/\(productionFS)/baseline/2025-03-04T06-00-00Z.ndjson.gz",
                        completedAt: Timestamps.parse("2025-03-04T06:10:00Z")!),
        ])
        await backup.setBackupJob(BackupJobInfo(
            backupJobId: backupJobId, state: "COMPLETED", recoveryPointArn: recoveryPointArn, backupVaultName: "prod-vault",
            resourceArn: "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/" + productionFS,
            creationDate: Timestamps.parse("2025-03-04T05:00:31.207Z"), completionDate: Timestamps.parse("2025-03-04T05:41:05.921Z")))
        await efs.addFileSystem(FileSystemInfo(
            fileSystemId: productionFS, fileSystemArn: "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/" + productionFS,
            lifeCycleState: "available", tags: ["Name": "production"]))
    }

    /// `standardSetup` plus a COMPLETED restore-testing job `jobId` whose file system AWS owns.
    func restoreTestingSetup(jobId: String) async {
        await standardSetup()
        await efs.addFileSystem(FileSystemInfo(fileSystemId: restoredFS, fileSystemArn: restoredArn, lifeCycleState: "available",
                                                     tags: ["awsbackup-restore-test": "true"]))
        await backup.setRestoreJob(RestoreJobInfo(
            restoreJobId: jobId, status: "COMPLETED", createdResourceArn: restoredArn,
            creationDate: Timestamps.parse("2025-03-04T07:02:01.742Z"), completionDate: Timestamps.parse("2025-03-04T07:14:53.128Z"),
            restoreTestingPlanArn: "arn:aws:backup:us-east-1:123456789012:restore-testing-plan:efs_weekly-EXAMPLE",
            recoveryPointArn: recoveryPointArn, recoveryPointCreationDate: Timestamps.parse("2025-03-04T05:00:31.207Z")))
    }

    func decode(_ fixture: String) throws -> OrchestratorEvent {
        try EventDecoder(workerContainer: config.workerContainer).decode(Fixture.data(fixture))
    }

    func handle(_ event: OrchestratorEvent) async throws -> String {
        try await orchestrator.handle(event, deadline: deadline)
    }

    func run(_ runId: String = backupJobId) async throws -> Run {
        let stored = try await store.run(naming.runKey(fileSystemId: productionFS, runId: runId))
        return try XCTUnwrap(stored, "run \(runId)")
    }

    /// The backup COMPLETED sample event.
    func backupCompleted() throws -> OrchestratorEvent { try decode("backup-job-completed.json") }

    /// A Restore Job State Change for our own restore job (the sample without the testing plan).
    func restoreEvent(jobId: String, status: String, createdResource: String? = restoredArn) throws -> OrchestratorEvent {
        guard case .restoreJob(var event) = try decode("restore-job-completed-testing.json") else { throw OrchestratorError(.invalidEvent, "fixture") }
        event.restoreJobId = jobId
        event.status = status
        event.restoreTestingPlanArn = nil
        event.createdResourceArn = status == "COMPLETED" ? createdResource : nil
        return .restoreJob(event)
    }

    /// An ECS STOPPED event for the task this run started for `role`.
    func taskStopped(role: TaskRole, exitCode: Int?, runId: String = backupJobId, version: Int = 5) async throws -> OrchestratorEvent {
        guard case .task(var task) = try decode("ecs-task-stopped.json") else { throw OrchestratorError(.invalidEvent, "fixture") }
        task.taskArn = await ecs.taskArns(role: role).last ?? "arn:aws:ecs:us-east-1:123456789012:task/cluster/unknown"
        task.group = naming.taskGroup(fileSystemId: productionFS, runId: runId, role: role)
        task.exitCode = exitCode
        task.version = version
        if exitCode == nil { task.stopCode = "TaskFailedToStart"; task.stoppedReason = "CannotPullContainerError" }
        return .task(task)
    }

    /// The restored file system appears (AWS Backup created it) when the restore completes.
    func restoreCompletes(jobId: String = "restore-1") async {
        await efs.addFileSystem(FileSystemInfo(fileSystemId: restoredFS, fileSystemArn: restoredArn, lifeCycleState: "available", tags: [:]))
        await backup.setRestoreJob(RestoreJobInfo(
            restoreJobId: jobId, status: "COMPLETED", createdResourceArn: restoredArn,
            creationDate: Timestamps.parse("2025-03-04T05:41:20Z"), completionDate: Timestamps.parse("2025-03-04T07:14:53.128Z")))
    }

    func publishedSubjects() async -> [String] { await notifier.subjects() }
}
