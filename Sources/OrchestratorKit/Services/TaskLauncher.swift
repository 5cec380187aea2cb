import Foundation

/// A task-definition revision for the restored-manifest worker: the base definition
/// (`baseFamily`, latest ACTIVE revision) with its EFS volume replaced by the restored
/// file system, mounted read-only through `accessPointId` with transit encryption on.
public struct TaskDefinitionRequest: Sendable, Equatable {
    /// The family whose latest revision is copied (the worker's definition).
    public var baseFamily: String
    /// The family the new revision is registered under (never the worker's own family, so
    /// scheduled baseline tasks that name the family keep using production).
    public var family: String
    public var containerName: String
    /// The volume name in the container's mount points that gets replaced.
    public var volumeName: String
    public var fileSystemId: String
    public var accessPointId: String
    /// Always true: the worker never writes to the tree it reads.
    public var readOnly: Bool
    public var tags: [String: String]

    public init(
        baseFamily: String, family: String, containerName: String, volumeName: String,
        fileSystemId: String, accessPointId: String, readOnly: Bool = true, tags: [String: String]
    ) {
        self.baseFamily = baseFamily
        self.family = family
        self.containerName = containerName
        self.volumeName = volumeName
        self.fileSystemId = fileSystemId
        self.accessPointId = accessPointId
        self.readOnly = readOnly
        self.tags = tags
    }
}

/// RunTask on Fargate in the configured subnets (awsvpc, no public IP).
public struct RunTaskRequest: Sendable, Equatable {
    public var cluster: String
    /// `family` or `family:revision` or a full ARN.
    public var taskDefinition: String
    /// RunTask `clientToken` (≤ 64 characters, ASCII 33–126).
    public var clientToken: String
    /// ≤ 128 of `[A-Za-z0-9-/_]`; filterable.
    public var startedBy: String
    /// `ebv:<fileSystemId>:<runId>:<role>` — how a stop event finds its run.
    public var group: String
    public var subnets: [String]
    public var securityGroups: [String]
    public var containerName: String
    /// The container's command override.
    public var command: [String]
    /// The container's environment overrides.
    public var environment: [String: String]
    public var tags: [String: String]

    public init(
        cluster: String, taskDefinition: String, clientToken: String, startedBy: String, group: String,
        subnets: [String], securityGroups: [String], containerName: String, command: [String],
        environment: [String: String], tags: [String: String]
    ) {
        self.cluster = cluster
        self.taskDefinition = taskDefinition
        self.clientToken = clientToken
        self.startedBy = startedBy
        self.group = group
        self.subnets = subnets
        self.securityGroups = securityGroups
        self.containerName = containerName
        self.command = command
        self.environment = environment
        self.tags = tags
    }
}

/// What DescribeTasks (or a task state-change event) tells us about a task.
public struct TaskInfo: Sendable, Equatable, Codable {
    public var taskArn: String
    /// `PROVISIONING|PENDING|RUNNING|…|STOPPED`.
    public var lastStatus: String
    public var group: String?
    public var startedBy: String?
    public var stopCode: String?
    public var stoppedReason: String?
    /// The worker container's exit code (absent when the task never started).
    public var exitCode: Int?
    public var containerReason: String?
    public var stoppedAt: Date?
    /// The event's `detail.version` (monotonic per task), when known.
    public var version: Int?
    /// When the task's containers started (DescribeTasks, the event's `startedAt`).
    public var startedAt: Date?

    /// `containerReason` of a task that has no container named `name`: it never ran the
    /// worker, so it has no exit code and fails (`task-failed`) with this reason.
    public static func missingContainerReason(_ name: String) -> String {
        "no container named \(LogJSON.string(name)) in the task"
    }

    /// ECS could not start the task (`TaskFailedToStart`, `ResourceInitializationError` —
    /// e.g. an EFS mount target whose DNS name does not resolve yet —, `CannotPullContainerError`):
    /// worth starting again, not a verdict on the file system.
    public static func isStartFailure(stopCode: String?, reasons: [String?]) -> Bool {
        if stopCode == "TaskFailedToStart" { return true }
        return reasons.contains { reason in
            guard let reason else { return false }
            return startFailureMarkers.contains { reason.contains($0) }
        }
    }

    static let startFailureMarkers = ["ResourceInitializationError", "CannotPullContainerError"]

    public init(
        taskArn: String, lastStatus: String, group: String? = nil, startedBy: String? = nil,
        stopCode: String? = nil, stoppedReason: String? = nil, exitCode: Int? = nil,
        containerReason: String? = nil, stoppedAt: Date? = nil, version: Int? = nil, startedAt: Date? = nil
    ) {
        self.startedAt = startedAt
        self.taskArn = taskArn
        self.lastStatus = lastStatus
        self.group = group
        self.startedBy = startedBy
        self.stopCode = stopCode
        self.stoppedReason = stoppedReason
        self.exitCode = exitCode
        self.containerReason = containerReason
        self.stoppedAt = stoppedAt
        self.version = version
    }
}

/// Amazon ECS (production: AWSLite's ECS client).
public protocol TaskLauncher: Sendable {
    /// Registers a revision; returns its ARN (`…:task-definition/family:revision`).
    func registerTaskDefinition(_ request: TaskDefinitionRequest) async throws -> String
    /// Deregisters a revision (one already INACTIVE counts as done).
    func deregisterTaskDefinition(arn: String) async throws
    /// Deletes INACTIVE revisions (DeleteTaskDefinitions); ones already deleting count as done.
    func deleteTaskDefinitions(arns: [String]) async throws
    /// Runs one task; returns its ARN. Same `clientToken` → same task.
    func runTask(_ request: RunTaskRequest) async throws -> String
    /// Tasks that ECS no longer knows are simply absent from the answer.
    func describeTasks(cluster: String, arns: [String]) async throws -> [TaskInfo]
    func stopTask(cluster: String, arn: String, reason: String) async throws
    /// ACTIVE revisions of exactly `family` (not of families that merely start with it), newest first.
    func activeTaskDefinitions(family: String) async throws -> [String]
    /// The tags of a task-definition revision.
    func taskDefinitionTags(arn: String) async throws -> [String: String]
    /// Tasks of `cluster` not yet stopped whose `startedBy` is `startedBy` (with their group).
    func runningTasks(cluster: String, startedBy: String) async throws -> [TaskInfo]
}
