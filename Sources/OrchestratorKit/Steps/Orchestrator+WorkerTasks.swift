import AWSLite
import Foundation

/// Starting worker tasks: one per role, or one per shard of a sharded role; starting a
/// task again after it failed to start (or, for a shard, exited non-zero once).
extension Orchestrator {
    /// Runs the worker for `role`: `post` and `baseline-manifest` on production (worker
    /// family), `restored` on the run's revision, `plan` (plan-shards) on the worker family.
    /// A sharded role starts one task per shard. RunTask's `clientToken` makes a repeat
    /// return the same task; each start `attempt` has a token of its own.
    func runWorker(role: TaskRole, attempt: Int = 1, on run: inout Run, logger log: Logger) async throws {
        if run.isSharded, role != .plan, role != .diff {
            try await startShards(role: role, on: &run, logger: log)
            return
        }
        let slot = TaskSlot(role)
        guard let started = try await launch(slot, attempt: attempt, on: run, logger: log) else { return }
        var record = started
        if attempt == 1, let existing = run.tasks[role] {
            // A STOPPED event may have recorded the task before this start was saved.
            record = existing
            record.taskArn = record.taskArn ?? started.taskArn
            record.lastStatus = record.lastStatus ?? .provisioning
        }
        run.tasks[role] = record
        let what = role == .plan ? "plan task" : "\(role.rawValue) manifest task"
        run.note("\(what) \(started.taskArn ?? "?")\(attempt > 1 ? " (start \(attempt))" : "")", at: now)
    }

    /// One task per shard of the run's plan, each with its own client token
    /// (`ebv-<role>-s<i>-<run>`): a retried step starts no second task.
    func startShards(role: TaskRole, on run: inout Run, logger log: Logger) async throws {
        var records: [TaskRecord] = []
        for shard in 0..<run.shardCount {
            guard let record = try await launch(TaskSlot(role, shard: shard), attempt: 1, on: run, logger: log) else { return }
            records.append(record)
        }
        var all = run.shardTasks ?? [:]
        all[role] = records
        run.shardTasks = all
        run.note("\(role.rawValue) manifest: \(records.count) shard tasks", at: now)
    }

    /// RunTask for `slot`'s `attempt`-th start; the new record (nil: not startable yet).
    func launch(_ slot: TaskSlot, attempt: Int, on run: Run, logger log: Logger) async throws -> TaskRecord? {
        let role = slot.role
        let outputKey = outputKey(slot, run: run)
        let token = RunNaming.taskToken(slot, attempt: attempt, runId: run.runId)
        let taskDefinition: String
        if role == .restored {
            guard let arn = run.taskDefinitionArn else { return nil }
            taskDefinition = arn
        } else {
            taskDefinition = config.workerTaskFamily
        }
        let fileSystemId = role == .restored ? (run.restoredFileSystemId ?? "") : run.fileSystemId
        let request = RunTaskRequest(
            cluster: config.cluster,
            taskDefinition: taskDefinition,
            clientToken: token,
            startedBy: config.startedBy,
            group: naming.taskGroup(fileSystemId: run.fileSystemId, runId: run.runId, slot: slot),
            subnets: config.subnets,
            securityGroups: config.securityGroups,
            containerName: config.workerContainer,
            command: workerCommand(slot, outputKey: outputKey, fileSystemId: fileSystemId, run: run),
            environment: workerEnvironment(slot, outputKey: outputKey, fileSystemId: fileSystemId, run: run),
            tags: naming.tags(runId: run.runId, expiresAt: run.expiresAt))
        let taskArn = try await service("RunTask \(slot.describe(count: run.shardCount))") { try await services.tasks.runTask(request) }
        var record = TaskRecord(clientToken: token, manifestKey: outputKey)
        if attempt > 1 { record.startAttempt = attempt }
        record.shard = slot.shard
        record.taskArn = taskArn
        record.lastStatus = .provisioning
        var fields = ["role": role.rawValue, "taskArn": taskArn, "attempt": String(attempt)]
        if let shard = slot.shard { fields["shard"] = String(shard) }
        log.info("worker task started", fields)
        return record
    }

    /// Where `slot`'s task writes: the plan file, a part, the baseline output or the role's manifest.
    func outputKey(_ slot: TaskSlot, run: Run) -> String {
        if slot.role == .plan {
            return run.shardPlan?.key ?? naming.planKey(fileSystemId: run.fileSystemId, runId: run.runId, origin: run.origin)
        }
        if let shard = slot.shard {
            return naming.partKey(fileSystemId: run.fileSystemId, runId: run.runId, origin: run.origin, role: slot.role, shard: shard)
        }
        if slot.role == .baselineManifest {
            return run.baselineOutputKey ?? naming.baselineOutputKey(fileSystemId: run.fileSystemId, runId: run.runId, sharded: false)
        }
        return naming.manifestKey(fileSystemId: run.fileSystemId, runId: run.runId, role: slot.role)
    }

    /// The manifest role the worker writes in the header.
    static func manifestRole(_ role: TaskRole) -> String {
        role == .baselineManifest ? "baseline" : role.rawValue
    }

    /// The worker's command: `generate <mount> -o s3://… --role R --file-system-id FS
    /// [--recovery-point-arn ARN] [--restored-root auto] [--plan s3://… --shard I]
    /// [--reuse-from s3://…] [--expect s3://…]`, or for the plan task
    /// `plan-shards s3://<baseline> --shards K -o s3://<plan>`.
    func workerCommand(_ slot: TaskSlot, outputKey: String, fileSystemId: String, run: Run) -> [String] {
        if slot.role == .plan {
            return ["plan-shards", naming.s3URI(run.shardPlan?.sourceKey ?? ""), "--shards", String(run.shardPlan?.requested ?? 1),
                    "-o", naming.s3URI(outputKey)]
        }
        var command = ["generate", config.workerMountPath, "-o", naming.s3URI(outputKey),
                       "--role", Self.manifestRole(slot.role), "--file-system-id", fileSystemId]
        if slot.role != .baselineManifest, let arn = run.recoveryPointArn { command += ["--recovery-point-arn", arn] }
        if slot.role == .restored { command += ["--restored-root", "auto"] }
        let inputs = workerInputs(slot, run: run)
        if let plan = inputs.plan, let shard = slot.shard { command += ["--plan", naming.s3URI(plan), "--shard", String(shard)] }
        if let reuse = inputs.reuseFrom { command += ["--reuse-from", naming.s3URI(reuse)] }
        if let expect = inputs.expect { command += ["--expect", naming.s3URI(expect)] }
        return command
    }

    /// The plan, the reuse source and the expected-size manifest of a slot's task:
    /// - the post manifest reuses unchanged files' digests from the run's baseline; a
    ///   scheduled baseline from the previous one unless a full read is due
    ///   (`EBV_FULL_BASELINE_EVERY_DAYS`); the restored manifest is always read in full;
    /// - `--expect` (progress percent and ETA) is the previous manifest of production for
    ///   an unsharded post or baseline task (a whole manifest would overstate one shard).
    ///   A restored file system is new in every run: it has no previous manifest. (The
    ///   worker reads a set index wherever it reads a manifest, `--expect` included.)
    func workerInputs(_ slot: TaskSlot, run: Run) -> (plan: String?, reuseFrom: String?, expect: String?) {
        let plan = slot.shard == nil ? nil : run.shardPlan?.key
        let expect = slot.shard == nil ? run.baseline?.key : nil
        switch slot.role {
        case .post:
            return (plan, config.reuse ? run.baseline?.key : nil, expect)
        case .baselineManifest:
            return (plan, run.reuseFrom, expect)
        default:
            return (plan, nil, nil)
        }
    }

    /// The same settings as the command, as manifest-worker's environment variables
    /// (`EBV_OUTPUT`, `EBV_ROLE`, …), plus `EBV_RUN_ID` for its logs.
    func workerEnvironment(_ slot: TaskSlot, outputKey: String, fileSystemId: String, run: Run) -> [String: String] {
        if slot.role == .plan { return ["EBV_RUN_ID": run.runId] }
        var environment = [
            "EBV_RUN_ID": run.runId,
            "EBV_ROLE": Self.manifestRole(slot.role),
            "EBV_OUTPUT": naming.s3URI(outputKey),
            "EBV_FILE_SYSTEM_ID": fileSystemId,
        ]
        if slot.role != .baselineManifest, let arn = run.recoveryPointArn { environment["EBV_RECOVERY_POINT_ARN"] = arn }
        if slot.role == .restored { environment["EBV_RESTORED_ROOT"] = "auto" }
        let inputs = workerInputs(slot, run: run)
        if let plan = inputs.plan, let shard = slot.shard {
            environment["EBV_PLAN"] = naming.s3URI(plan)
            environment["EBV_SHARD"] = String(shard)
        }
        if let reuse = inputs.reuseFrom { environment["EBV_REUSE_FROM"] = naming.s3URI(reuse) }
        if let expect = inputs.expect { environment["EBV_EXPECT"] = naming.s3URI(expect) }
        return environment
    }

    /// A worker task ECS could not start (`TaskRecord.failedToStart`): wait the back-off
    /// (`EBV_TASK_START_BACKOFF_SECONDS`, doubled per start) — within this invocation when
    /// it has the time, else on the next event or tick — then start it again with a new
    /// client token. A back-off that would end past the run's deadline ends the run
    /// (`task-failed`) at once.
    func restartTask(role: TaskRole, on run: inout Run, deadline: Date, logger log: Logger) async throws {
        try await restart(TaskSlot(role), on: &run, deadline: deadline, logger: log)
    }

    /// Starts `slot`'s task again: after the back-off when it failed to start; at once
    /// when a shard exited non-zero (its one retry).
    func restart(_ slot: TaskSlot, on run: inout Run, deadline: Date, logger log: Logger) async throws {
        guard var record = run.record(slot) else { return }
        let role = slot.role
        let what = slot.describe(count: run.shardCount)
        let reason = record.stoppedReason ?? record.stopCode ?? "no reason"
        if record.failedToStart {
            guard let retryAt = record.retryAt else {
                let backoff = config.taskStartBackoff * Double(1 << min(record.attempt - 1, 16))
                let at = now.addingTimeInterval(backoff)
                guard at < run.deadline else {
                    run.finish(.taskFailed, "\(what) \(role == .plan ? "" : "manifest ")task could not start: \(reason) (start \(record.attempt); no time for another before the run's deadline)"
                        .replacingOccurrences(of: "  ", with: " "), at: now)
                    return
                }
                record.retryAt = at
                run.setRecord(record, for: slot)
                run.note("\(what) task could not start (\(reason)); start \(record.attempt + 1) of \(planner.maxTaskStarts) at \(Timestamps.rfc3339(at))", at: now)
                log.warn("worker task could not start; starting it again after a back-off",
                         ["role": role.rawValue, "reason": reason, "attempt": String(record.attempt), "retryAt": Timestamps.rfc3339(at)])
                return
            }
            let wait = retryAt.timeIntervalSince(now)
            if wait > 0 {
                guard now.addingTimeInterval(wait + config.invocationMargin) < deadline else {
                    log.info("task restart not yet due; leaving the run for the next event or tick", ["role": role.rawValue])
                    return
                }
                await services.clock.sleep(seconds: wait)
            }
        }
        let attempt = record.attempt + 1
        if slot.shard == nil {
            try await runWorker(role: role, attempt: attempt, on: &run, logger: log)
            return
        }
        guard var next = try await launch(slot, attempt: attempt, on: run, logger: log) else { return }
        next.restartedAfterExit = record.restartedAfterExit == true || !record.failedToStart ? true : nil
        run.setRecord(next, for: slot)
        let why = record.failedToStart ? "could not start" : "exit code \(record.exitCode.map(String.init) ?? "none")"
        run.note("\(what) task \(next.taskArn ?? "?") (start \(attempt), after \(why))", at: now)
        log.warn("shard task started again", ["role": role.rawValue, "shard": String(slot.shard ?? 0), "reason": why])
    }
}
