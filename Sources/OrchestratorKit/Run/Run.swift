import AWSLite
import Foundation

/// Why a run exists.
public enum RunOrigin: String, Sendable, Codable {
    /// A completed backup job (the run id is the backup job id).
    case backup
    /// `{"action":"verify"}` for a given recovery point.
    case manual
    /// A restore started by an AWS Backup restore-testing plan: AWS owns (and deletes) the
    /// restored file system; we only remove what we added.
    case restoreTesting
    /// A scheduled baseline manifest (`{"action":"baseline"}`): no restore, no diff; it
    /// counts as a baseline once its manifest (or set) is complete.
    case baseline
}

/// How a run ended.
public enum RunResult: String, Sendable, Codable {
    /// Verified: no finding of severity error.
    case passed
    /// Verified: findings of severity error.
    case failed
    /// No valid baseline manifest before the backup: nothing to compare with (alerted).
    case noBaseline = "no-baseline"
    /// The backup job itself FAILED / ABORTED / EXPIRED / PARTIAL.
    case backupFailed = "backup-failed"
    /// The restore job FAILED or was ABORTED.
    case restoreFailed = "restore-failed"
    /// A worker task exited non-zero or never started.
    case taskFailed = "task-failed"
    /// Still open at its deadline.
    case timedOut = "timed-out"
    /// Anything else (an invalid manifest, an AWS call that keeps failing).
    case error
}

/// Where a run is.
public enum RunPhase: String, Sendable, Codable {
    /// From backup completed to task stopped: restoring, manifesting.
    case active
    /// A result is set; notifying, reporting, cleaning up.
    case finishing
    /// Nothing left to do.
    case done
}

/// One worker task of a run.
public struct TaskRecord: Sendable, Codable, Equatable {
    public var taskArn: String?
    public var clientToken: String
    public var manifestKey: String
    public var lastStatus: TaskStatus?
    public var exitCode: Int?
    public var stopCode: String?
    public var stoppedReason: String?
    public var version: Int?
    public var stoppedAt: Date?
    /// When its containers started (with `stoppedAt`: how long the task ran).
    public var startedAt: Date?
    /// Which start this task is (nil: the first). A task ECS could not start is started
    /// again, with a new client token, up to `EBV_TASK_START_ATTEMPTS` times.
    public var startAttempt: Int?
    /// When the next start may happen (set once this task failed to start).
    public var retryAt: Date?
    /// The shard this task walks (sharded roles only; 0-based).
    public var shard: Int?
    /// Set on the start that follows a non-zero exit of a shard (a shard gets one such retry).
    public var restartedAfterExit: Bool?
    /// The part manifest's header and trailer, once read (sharded roles only).
    public var part: PartSummary?

    public init(clientToken: String, manifestKey: String) {
        self.clientToken = clientToken
        self.manifestKey = manifestKey
    }

    public var isStopped: Bool { lastStatus == .stopped }
    /// 1 for the first start.
    public var attempt: Int { startAttempt ?? 1 }
    /// Stopped because ECS could not start it (`TaskInfo.isStartFailure`), without an exit code.
    public var failedToStart: Bool {
        isStopped && exitCode == nil && TaskInfo.isStartFailure(stopCode: stopCode, reasons: [stoppedReason])
    }
    /// Stopped with exit code 0.
    public var succeeded: Bool { isStopped && exitCode == 0 }
    /// A diff task finished its report: exit 0 (no error findings) or 1 (error findings).
    public var diffCompleted: Bool { isStopped && (exitCode == 0 || exitCode == 1) }
}

/// What the run did to clean up (each flag makes the step idempotent).
public struct CleanupRecord: Sendable, Codable, Equatable {
    public var tasksStopped = false
    public var taskDefinitionDeregistered = false
    public var accessPointDeleted = false
    public var mountTargetsDeleted = false
    public var mountTargetsGone = false
    public var fileSystemDeleted = false
    /// Set when cleanup refused to delete a file system (DESIGN.md §6); alerted once.
    public var refusal: String?
    /// When DeleteFileSystem first answered `FileSystemInUse` (alerted past a bound).
    public var fileSystemInUseSince: Date?
    public init() {}
}

/// The run: one JSON document at `runs/<fileSystemId>/<runId>.json`, rewritten with a
/// conditional write after every step.
public struct Run: Sendable, Codable, Equatable {
    public var runId: String
    public var origin: RunOrigin
    /// The production file system under verification.
    public var fileSystemId: String
    public var recoveryPointArn: String?
    public var backupVaultName: String?
    public var backupJobId: String?
    public var backupStartedAt: Date?
    public var backupCompletedAt: Date?
    /// The recovery point's completion (DescribeRecoveryPoint) for restore-testing and
    /// `verify` runs: the diff's window end (``Orchestrator/windowEnd(_:)``).
    public var recoveryPointCompletedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
    /// The run fails (timed-out) when it is still open after this.
    public var deadline: Date
    /// The `efs-backup-verifier:expires` tag value of every temporary resource.
    public var expiresAt: Date

    /// Whether the baseline search ran; `baseline` nil after it means "no baseline".
    public var baselineSearched = false
    public var baseline: ManifestRef?

    public var restoreJobId: String?
    public var restoreStatus: RestoreStatus?
    public var restoreStatusMessage: String?
    public var restoreStartedAt: Date?
    public var restoreCompletedAt: Date?
    public var restoreTestingPlanArn: String?
    /// The temporary file system the restore created — the only one this run may delete.
    public var restoredFileSystemId: String?
    public var restoredFileSystemTagged = false
    public var mountTargetIds: [String] = []
    public var mountTargetsAvailable = false
    public var accessPointId: String?
    /// The access point reached `available` (optional: older documents lack it).
    public var accessPointAvailable: Bool?
    public var taskDefinitionArn: String?
    /// Worker tasks by role: `post`, `restored`, and `diff` when the diff runs as a task.
    public var tasks: [TaskRole: TaskRecord] = [:]
    /// The shard plan (nil: every role is one task, as before sharding).
    public var shardPlan: ShardPlanRecord?
    /// Tasks of sharded roles, one per shard in shard order (nil when nothing is sharded).
    public var shardTasks: [TaskRole: [TaskRecord]]?
    /// The manifest-set indexes written, by role (`…/<role>.set.json`).
    public var manifestSets: [TaskRole: String]?
    /// Baseline runs: the manifest (or set) whose digests unchanged files reuse (nil: every file read).
    public var reuseFrom: String?
    /// Baseline runs: where the baseline manifest (or set index) goes.
    public var baselineOutputKey: String?

    public var phase: RunPhase = .active
    public var result: RunResult?
    public var resultMessage: String?
    public var report: ReportSummary?
    public var verdictAt: Date?
    public var notified = false
    public var metricsEmitted = false
    public var validationReported = false
    /// The report documents until `report.json` and `summary.txt` are written (then nil).
    public var pendingReport: ReportDocuments?
    /// Failed attempts of side effects (`SideEffect` raw value → record); nil when none failed.
    public var sideEffectFailures: [String: SideEffectFailure]?
    public var cleanup = CleanupRecord()
    /// Claims of once-only actions (`notify`, `metrics`, `validation`, `registerTaskDefinition`):
    /// action → until when the claiming invocation may still be working on it (its deadline).
    /// Written with `If-Match` before the action, so only the invocation that won the write
    /// acts; an expired claim without the action's completion means the claimant died.
    /// Optional so documents written before it existed still decode.
    public var claims: [ClaimKey: Date]?
    /// Consecutive DescribeRestoreJob failures while the restore is not terminal (reconcile).
    public var restoreLookupFailures: Int?
    /// Set when the restore's outcome was given up on: the run is past its deadline and
    /// DescribeRestoreJob kept failing (alerted once; cleanup goes on with what is recorded).
    public var restoreAbandoned: Bool?
    /// Set when the diff ran out of time in Lambda (its uploads aborted): it runs as a
    /// Fargate task instead.
    public var diffRanOutOfTime: Bool?
    /// One short line per transition, for people reading the document.
    public var history: [String] = []

    public init(
        runId: String, origin: RunOrigin, fileSystemId: String, createdAt: Date, deadline: Date, expiresAt: Date
    ) {
        self.runId = runId
        self.origin = origin
        self.fileSystemId = fileSystemId
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.deadline = deadline
        self.expiresAt = expiresAt
    }

    /// Sets the result once (the first terminal reason wins) and moves to `finishing`.
    public mutating func finish(_ result: RunResult, _ message: String, at time: Date) {
        guard self.result == nil else { return }
        self.result = result
        self.resultMessage = message
        self.verdictAt = time
        if phase == .active { phase = .finishing }
        note("result \(result.rawValue): \(message)", at: time)
    }

    /// Whether `action` may be claimed now: never claimed, or the claim has expired.
    public func claimable(_ action: ClaimKey, now: Date) -> Bool {
        guard let until = claims?[action] else { return true }
        return until <= now
    }

    /// Whether the restore's outcome is settled: a terminal status, or given up on.
    public var restoreSettled: Bool {
        restoreStatus?.isTerminal == true || restoreAbandoned == true
    }

    /// Appends a history line.
    public mutating func note(_ text: String, at time: Date) {
        history.append(Timestamps.rfc3339(time) + " " + text)
    }

    /// Encodes the document (sorted keys, RFC 3339 times with milliseconds).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamps.rfc3339Millis(date))
        }
        return try encoder.encode(self)
    }

    /// Decodes a stored document.
    public static func decoded(from data: Data) throws -> Run {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamps.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 time: \(text)")
            }
            return date
        }
        do {
            return try decoder.decode(Run.self, from: data)
        } catch {
            throw OrchestratorError(.service, "run document unreadable: \(error)")
        }
    }
}
