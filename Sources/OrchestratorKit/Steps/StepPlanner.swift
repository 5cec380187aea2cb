import Foundation

/// One idempotent step of a run.
public enum Step: Equatable, Sendable {
    case timeout
    case findBaseline
    case noBaseline
    case startRestore
    case runPostTask
    case failRestore
    case failTask(role: String)
    /// ECS could not start the task: start it again after a back-off (bounded).
    case restartTask(role: String)
    case tagRestoredFileSystem
    case createMountTargets
    case awaitMountTargets
    case createAccessPoint
    case awaitAccessPoint
    case registerTaskDefinition
    case runRestoredTask
    case verdict
    case notify
    case emitMetrics
    case stopTasks
    case deregisterTaskDefinition
    case deleteAccessPoint
    case deleteMountTargets
    case awaitMountTargetsGone
    case deleteFileSystem
    case reportValidation
    /// Past the deadline with DescribeRestoreJob still failing: stop waiting for the restore.
    case abandonRestore
    case complete
}

/// Decides a run's next step from its document alone (pure: no I/O, time passed in).
/// Nil means "wait for an event or a reconcile tick".
public struct StepPlanner: Sendable {
    public var postManifest: Bool
    /// How many starts a task that ECS cannot start gets before the run is `task-failed`.
    public var maxTaskStarts: Int

    public init(postManifest: Bool, maxTaskStarts: Int = 3) {
        self.postManifest = postManifest
        self.maxTaskStarts = maxTaskStarts
    }

    static let terminalRestoreStatuses: Set<String> = ["COMPLETED", "FAILED", "ABORTED"]

    public func next(_ run: Run, now: Date) -> Step? {
        switch run.phase {
        case .done: return nil
        case .active: return nextActive(run, now: now)
        case .finishing: return nextFinishing(run, now: now)
        }
    }

    private func nextActive(_ run: Run, now: Date) -> Step? {
        if now >= run.deadline { return .timeout }
        if !run.baselineSearched { return .findBaseline }
        if run.baseline == nil { return .noBaseline }
        if run.origin != .restoreTesting, run.restoreJobId == nil { return .startRestore }
        if run.origin == .backup, postManifest, run.tasks["post"] == nil { return .runPostTask }
        for role in ["post", "restored"] {
            if let task = run.tasks[role], task.isStopped, !task.succeeded {
                return task.failedToStart && task.attempt < maxTaskStarts ? .restartTask(role: role) : .failTask(role: role)
            }
        }
        switch run.restoreStatus {
        case "FAILED", "ABORTED":
            return .failRestore
        case "COMPLETED":
            guard run.restoredFileSystemId != nil else { return .failRestore }
            if run.origin != .restoreTesting, !run.restoredFileSystemTagged { return .tagRestoredFileSystem }
            if run.mountTargetIds.isEmpty { return .createMountTargets }
            if !run.mountTargetsAvailable { return .awaitMountTargets }
            if run.accessPointId == nil { return .createAccessPoint }
            if run.accessPointAvailable != true, run.taskDefinitionArn == nil { return .awaitAccessPoint }
            if run.taskDefinitionArn == nil {
                // Another invocation holds the claim: it is registering right now.
                return run.claimable("registerTaskDefinition", now: now) ? .registerTaskDefinition : nil
            }
            guard let restored = run.tasks["restored"] else { return .runRestoredTask }
            let postDone = run.tasks["post"].map { $0.succeeded } ?? true
            return restored.succeeded && postDone ? .verdict : nil
        default:
            return nil
        }
    }

    /// How many DescribeRestoreJob failures in a row, past the run's deadline, end the wait
    /// for a restore.
    public static let restoreLookupAttempts = 3

    private func nextFinishing(_ run: Run, now: Date) -> Step? {
        // Once-only actions: while another invocation's claim is live, wait for it.
        if !run.notified { return run.claimable("notify", now: now) ? .notify : nil }
        if !run.metricsEmitted { return run.claimable("metrics", now: now) ? .emitMetrics : nil }
        let cleanup = run.cleanup
        if !cleanup.tasksStopped { return .stopTasks }
        if run.taskDefinitionArn != nil, !cleanup.taskDefinitionDeregistered { return .deregisterTaskDefinition }
        if run.accessPointId != nil, !cleanup.accessPointDeleted { return .deleteAccessPoint }
        if !run.mountTargetIds.isEmpty, !cleanup.mountTargetsDeleted { return .deleteMountTargets }
        if !run.mountTargetIds.isEmpty, !cleanup.mountTargetsGone { return .awaitMountTargetsGone }
        if run.origin != .restoreTesting, run.restoreJobId != nil {
            // A restore still running will create a file system: wait for it, then delete it.
            guard run.restoreSettled else {
                let failing = (run.restoreLookupFailures ?? 0) >= Self.restoreLookupAttempts
                return failing && now >= run.deadline ? .abandonRestore : nil
            }
            if run.restoredFileSystemId != nil, !cleanup.fileSystemDeleted, cleanup.refusal == nil {
                return run.restoredFileSystemTagged ? .deleteFileSystem : .tagRestoredFileSystem
            }
        }
        if run.origin == .restoreTesting, run.restoreJobId != nil, !run.validationReported {
            return run.claimable("validation", now: now) ? .reportValidation : nil
        }
        return .complete
    }
}
