import Foundation

/// "Backup Job State Change" (`source: aws.backup`). Backup jobs carry `detail.state`.
public struct BackupJobEvent: Sendable, Equatable {
    public var backupJobId: String
    /// `CREATED|PENDING|RUNNING|ABORTING|ABORTED|COMPLETED|FAILED|EXPIRED|PARTIAL`.
    public var state: String
    /// Required for COMPLETED; AWS's CREATED example has none.
    public var resourceArn: String?
    /// `EFS` for EFS (the samples also show `EBS`, `RDS`, … and the placeholder `type`).
    public var resourceType: String?
    /// `resources[0]` of the event (where the documented example puts it) or `detail.recoveryPointArn`.
    public var recoveryPointArn: String?
    public var backupVaultName: String?
    public var creationDate: Date?
    public var completionDate: Date?
    public var statusMessage: String?
}

/// "Restore Job State Change" (`source: aws.backup`). Restore jobs carry `detail.status`
/// (the documented CREATED example uses `state`; both are accepted).
public struct RestoreJobEvent: Sendable, Equatable {
    public var restoreJobId: String
    /// `PENDING|RUNNING|COMPLETED|ABORTED|FAILED` (or `CREATED`).
    public var status: String
    public var recoveryPointArn: String?
    public var sourceResourceArn: String?
    public var createdResourceArn: String?
    public var resourceType: String?
    public var creationDate: Date?
    public var completionDate: Date?
    public var restoreTestingPlanArn: String?
    public var statusMessage: String?
}

/// Every input the handler understands.
public enum OrchestratorEvent: Sendable, Equatable {
    case backupJob(BackupJobEvent)
    case restoreJob(RestoreJobEvent)
    /// "ECS Task State Change" (any `lastStatus`; only STOPPED tasks of ours are acted on).
    case task(TaskInfo)
    /// A scheduled tick: `Scheduled Event` from `aws.events`, anything from `aws.scheduler`,
    /// an empty `{}` (a schedule's input), or `{"action":"reconcile"}`.
    case reconcile
    /// `{"action":"verify","recoveryPointArn":"…"}` (optional `"fileSystemId"`).
    case verify(recoveryPointArn: String, fileSystemId: String?)
    /// `{"action":"status","runId":"…"}` (optional `"fileSystemId"`).
    case status(runId: String, fileSystemId: String?)
    /// `{"action":"baseline","fileSystemId":"fs-…"}` (optional `"scheduledTime"`, RFC 3339:
    /// the schedule's `<aws.scheduler.scheduled-time>`, which names the run).
    case baseline(fileSystemId: String, scheduledAt: Date?)
    /// Anything else: logged and acknowledged, never retried.
    case ignored(source: String, detailType: String)
}
