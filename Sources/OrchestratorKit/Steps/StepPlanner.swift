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
    /// Start the `plan` task (`manifest-worker plan-shards`) from the run's baseline.
    case planShards
    /// The plan task exited 0: read the plan's shard count and digest.
    case readPlan
    /// The plan task failed: the run walks with one task per role.
    case planFailed
    /// A shard's task stopped without success: start it again (bounded).
    case restartShard(role: TaskRole, shard: Int)
    /// A shard failed for good: the run is `task-failed` naming it.
    case failShard(role: TaskRole, shard: Int)
    /// A shard exited 0: read its part's header and trailer.
    case readPart(role: TaskRole, shard: Int)
    /// Every part of a role is in: write the set index.
    case writeSet(role: TaskRole)
    /// A baseline run: start its manifest task(s).
    case runBaselineTask
    /// A baseline run's manifest (or set) is complete.
    case completeBaseline
}

/// Decides a run's next step from its document alone (pure: no I/O, time passed in).
/// Nil means "wait for an event or a reconcile tick".
public struct StepPlanner: Sendable {
    public var postManifest: Bool
    /// How many starts a task that ECS cannot start gets before the run is `task-failed`.
    public var maxTaskStarts: Int

    /// How many shards a run's manifests get (from its baseline's entry count).
    public var sharding: ShardSizing

    public init(postManifest: Bool, maxTaskStarts: Int = 3, sharding: ShardSizing = ShardSizing()) {
        self.postManifest = postManifest
        self.maxTaskStarts = maxTaskStarts
        self.sharding = sharding
    }

    /// The shards asked for a run: from its baseline (nil: none → 1).
    public func requestedShards(_ run: Run) -> Int {
        sharding.count(previousEntries: run.baseline?.entries)
    }

    /// The plan's step, or `.some(nil)` while waiting for the plan task; nil once the shard
    /// count is settled (unsharded runs never plan).
    func planStep(_ run: Run) -> Step?? {
        guard let plan = run.shardPlan else {
            // Decided once, before any manifest task starts (a setting changed mid-run does not re-shard it).
            let started = [TaskRole.post, .restored, .baselineManifest].contains { run.started($0) }
            return !started && requestedShards(run) > 1 ? .some(.planShards) : nil
        }
        if plan.count != nil { return nil }
        guard let task = run.tasks[.plan], task.isStopped else { return .some(nil) }
        if task.succeeded { return .some(.readPlan) }
        return .some(task.failedToStart && task.attempt < maxTaskStarts ? .restartTask(role: .plan) : .planFailed)
    }

    /// A failed shard's step: another start while it has one, else the run fails.
    func shardFailureStep(_ run: Run, role: TaskRole) -> Step? {
        for (index, task) in (run.shardTasks?[role] ?? []).enumerated() where task.isStopped && !task.succeeded {
            if task.failedToStart {
                return task.attempt < maxTaskStarts ? .restartShard(role: role, shard: index) : .failShard(role: role, shard: index)
            }
            return task.restartedAfterExit == true ? .failShard(role: role, shard: index) : .restartShard(role: role, shard: index)
        }
        return nil
    }

    /// Collecting a sharded role: read each part as its shard succeeds, then the set index.
    func collectStep(_ run: Run, role: TaskRole) -> Step? {
        guard let records = run.shardTasks?[role], run.manifestSets?[role] == nil else { return nil }
        for (index, task) in records.enumerated() where task.succeeded && task.part == nil {
            return .readPart(role: role, shard: index)
        }
        return records.allSatisfy({ $0.succeeded && $0.part != nil }) ? .writeSet(role: role) : nil
    }

    /// The one task of an unsharded role that stopped without success.
    func taskFailureStep(_ run: Run, role: TaskRole) -> Step? {
        guard let task = run.tasks[role], task.isStopped, !task.succeeded else { return nil }
        return task.failedToStart && task.attempt < maxTaskStarts ? .restartTask(role: role) : .failTask(role: role)
    }

    /// A scheduled baseline: the previous baseline (to plan and reuse from), the plan, the
    /// task(s), the set index.
    private func nextBaseline(_ run: Run, now: Date) -> Step? {
        if case .some(let step) = planStep(run) { return step }
        let role = TaskRole.baselineManifest
        if !run.started(role) { return .runBaselineTask }
        if let step = taskFailureStep(run, role: role) ?? shardFailureStep(run, role: role) ?? collectStep(run, role: role) {
            return step
        }
        return run.manifestComplete(role) ? .completeBaseline : nil
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
        if run.origin == .baseline { return nextBaseline(run, now: now) }
        if run.baseline == nil { return .noBaseline }
        if run.origin != .restoreTesting, run.restoreJobId == nil { return .startRestore }
        if case .some(let step) = planStep(run) { return step }
        if run.origin == .backup, postManifest, !run.started(.post) { return .runPostTask }
        for role in [TaskRole.post, .restored] {
            if let step = taskFailureStep(run, role: role) ?? shardFailureStep(run, role: role) { return step }
        }
        for role in [TaskRole.post, .restored] {
            if let step = collectStep(run, role: role) { return step }
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
            guard run.started(.restored) else { return .runRestoredTask }
            let postDone = !run.started(.post) || run.manifestComplete(.post)
            guard run.manifestComplete(.restored) && postDone else { return nil }
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
        // A baseline run verifies nothing: no run metrics (they would count as a verified
        // backup), and a summary only when it failed.
        let baseline = run.origin == .baseline
        let effects: [(SideEffect, Bool, Step)] = [
            (.report, run.pendingReport == nil, .writeReport),
            (.summary, run.notified || (baseline && run.result == .passed), .notify),
            (.metrics, run.metricsEmitted || baseline, .emitMetrics),
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
