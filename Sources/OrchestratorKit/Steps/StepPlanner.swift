import Foundation

/// One idempotent step of a run.
public enum Step: Equatable, Sendable {
    case timeout
    case findBaseline
    case noBaseline
    case startRestore
    case runPostTask
    case failRestore
    case failTask(role: TaskRole)
    /// ECS could not start the task: start it again after a back-off (bounded).
    case restartTask(role: TaskRole)
    case tagRestoredFileSystem
    case createMountTargets
    case awaitMountTargets
    case createAccessPoint
    case awaitAccessPoint
    case registerTaskDefinition
    case runRestoredTask
    case verdict
    /// The diff task stopped: read its report set and decide.
    case collectDiffReport
    /// `report.json` and `summary.txt` (a side effect: a failure never blocks the others).
    case writeReport
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
        if run.origin == .backup, postManifest, run.tasks[.post] == nil { return .runPostTask }
        for role in [TaskRole.post, .restored] {
            if let task = run.tasks[role], task.isStopped, !task.succeeded {
                return task.failedToStart && task.attempt < maxTaskStarts ? .restartTask(role: role) : .failTask(role: role)
            }
        }
        switch run.restoreStatus {
        case .failed?, .aborted?:
            return .failRestore
        case .completed?:
            guard run.restoredFileSystemId != nil else { return .failRestore }
            if run.origin != .restoreTesting, !run.restoredFileSystemTagged { return .tagRestoredFileSystem }
            if run.mountTargetIds.isEmpty { return .createMountTargets }
            if !run.mountTargetsAvailable { return .awaitMountTargets }
            if run.accessPointId == nil { return .createAccessPoint }
            if run.accessPointAvailable != true, run.taskDefinitionArn == nil { return .awaitAccessPoint }
            if run.taskDefinitionArn == nil {
                // Another invocation holds the claim: it is registering right now.
                return run.claimable(.registerTaskDefinition, now: now) ? .registerTaskDefinition : nil
            }
            guard let restored = run.tasks[.restored] else { return .runRestoredTask }
            let postDone = run.tasks[.post].map { $0.succeeded } ?? true
            guard restored.succeeded && postDone else { return nil }
            if let diff = run.tasks[.diff] {
                // The diff runs as a task: wait for its STOPPED event.
                guard diff.isStopped else { return nil }
                return diff.diffCompleted ? .collectDiffReport : .failTask(role: .diff)
            }
            // Another invocation holding the claim is diffing right now.
            return run.claimable(.verdict, now: now) ? .verdict : nil
        default:
            return nil
        }
    }

    /// How many DescribeRestoreJob failures in a row, past the run's deadline, end the wait
    /// for a restore.
    public static let restoreLookupAttempts = 3

    /// Attempts of a side effect (summary, EMF line, report, validation) before the run goes
    /// on without it.
    public static let sideEffectAttempts = 5

    /// Side effects first, each only when due (not waiting out a backoff after a failure)
    /// and not claimed by a live invocation; then cleanup, which waits on nothing but the
    /// restore's outcome; then the restore-testing validation result (after our additions
    /// are gone). The run completes when every side effect is done or given up.
    private func nextFinishing(_ run: Run, now: Date) -> Step? {
        var owed = false
        let effects: [(SideEffect, Bool, Step)] = [
            (.report, run.pendingReport == nil, .writeReport),
            (.summary, run.notified, .notify),
            (.metrics, run.metricsEmitted, .emitMetrics),
        ]
        for (effect, done, step) in effects where !done && !run.sideEffectGivenUp(effect) {
            if run.sideEffectDue(effect, now: now), effect.claimKey.map({ run.claimable($0, now: now) }) ?? true { return step }
            owed = true
        }
        let cleanup = run.cleanup
        if !cleanup.tasksStopped { return .stopTasks }
        if run.taskDefinitionArn != nil, !cleanup.taskDefinitionDeregistered { return .deregisterTaskDefinition }
        if run.accessPointId != nil, !cleanup.accessPointDeleted { return .deleteAccessPoint }
        // Our own tagged restore may carry a mount target a racing invocation made but did
        // not record: look even when none is recorded.
        let mayHaveTargets = !run.mountTargetIds.isEmpty
            || (run.origin != .restoreTesting && run.restoredFileSystemTagged && run.restoredFileSystemId != nil)
        if mayHaveTargets, !cleanup.mountTargetsDeleted { return .deleteMountTargets }
        if mayHaveTargets, !cleanup.mountTargetsGone { return .awaitMountTargetsGone }
        if run.origin != .restoreTesting {
            // A restore still running will create a file system: wait for it, then delete it.
            if run.restoreJobId != nil, !run.restoreSettled {
                let failing = (run.restoreLookupFailures ?? 0) >= Self.restoreLookupAttempts
                return failing && now >= run.deadline ? .abandonRestore : nil
            }
            // Recorded from the restore job, or adopted by its creation token (reconcile).
            if run.restoredFileSystemId != nil, !cleanup.fileSystemDeleted, cleanup.refusal == nil {
                return run.restoredFileSystemTagged ? .deleteFileSystem : .tagRestoredFileSystem
            }
        }
        if run.origin == .restoreTesting, run.restoreJobId != nil, !run.validationReported, !run.sideEffectGivenUp(.validation) {
            if run.sideEffectDue(.validation, now: now), run.claimable(.validation, now: now) { return .reportValidation }
            owed = true
        }
        return owed ? nil : .complete
    }
}
