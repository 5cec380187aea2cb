import Foundation

/// Sharded runs: the plan task, each part's header and trailer as its shard succeeds, the
/// set index once every part is in; and scheduled baseline runs.
extension Orchestrator {
    /// Starts the plan task (`manifest-worker plan-shards`) from the run's baseline. It
    /// runs on Fargate rather than in Lambda: reading a baseline of tens of millions of
    /// entries does not fit an invocation, and the task's minute to start is small beside
    /// the walks it balances.
    func planShards(_ run: inout Run, logger log: Logger) async throws {
        guard let source = run.baseline else { return }
        let requested = planner.requestedShards(run)
        let key = naming.planKey(fileSystemId: run.fileSystemId, runId: run.runId, origin: run.origin)
        run.shardPlan = ShardPlanRecord(key: key, sourceKey: source.key, requested: requested)
        try await runWorker(role: .plan, on: &run, logger: log)
        log.info("shard plan requested", ["shards": String(requested), "source": source.key])
    }

    /// The plan task exited 0: the plan's shard count and digest. A plan that is missing
    /// or not a plan → the run walks unsharded (logged), never fails for it.
    func readPlan(_ run: inout Run, logger log: Logger) async throws {
        guard var plan = run.shardPlan else { return }
        guard let object = try await service("GetObject plan", { try await services.store.get(plan.key) }) else {
            planFallback(&run, "plan \(plan.key) not found", logger: log)
            return
        }
        do {
            let summary = try PlanFile.summary(object.body, key: plan.key)
            plan.count = summary.count
            plan.digest = summary.digest
            run.shardPlan = plan
            run.note("shard plan \(plan.key): \(summary.count) shards", at: now)
            log.info("shard plan read", ["shards": String(summary.count), "digest": summary.digest])
        } catch let error as PartUnreadable {
            planFallback(&run, "plan unusable: \(error)", logger: log)
        }
    }

    /// One task per role after all (the plan failed): logged, noted, never a failure.
    func planFallback(_ run: inout Run, _ why: String, logger log: Logger) {
        run.shardPlan?.count = 1
        run.note("\(why); walking with one task per manifest", at: now)
        log.warn("shard plan failed; walking with one task per manifest", ["reason": why])
    }

    /// A shard failed for good: `task-failed` naming the role and shard.
    func failShard(_ slot: TaskSlot, on run: inout Run) {
        let task = run.record(slot)
        let exit = task?.exitCode.map { "exit code \($0)" } ?? "no exit code"
        let starts = (task?.attempt ?? 1) > 1 ? " (start \(task?.attempt ?? 1))" : ""
        run.finish(.taskFailed, "\(slot.describe(count: run.shardCount)) manifest task \(exit): \(task?.stoppedReason ?? task?.stopCode ?? "no reason")\(starts)", at: now)
    }

    /// A shard exited 0: its part's header (the shard it says it is, of the run's plan) and
    /// trailer, kept in the run so the set index needs no second read. Read from the part's
    /// ends when its worker wrote them (one small GET), else from the whole part.
    func readPart(_ slot: TaskSlot, on run: inout Run, logger log: Logger) async throws {
        guard var record = run.record(slot), let shard = slot.shard else { return }
        let what = slot.describe(count: run.shardCount)
        let part: PartRead
        do {
            part = try await services.manifests.readPart(key: record.manifestKey)
        } catch let error as PartUnreadable {
            run.finish(.error, "\(what): part unreadable: \(error)", at: now)
            return
        } catch {
            throw OrchestratorError.service("read part \(record.manifestKey)", error)
        }
        var problems: [String] = []
        if part.shardIndex != shard || part.shardCount != run.shardCount {
            problems.append("header says shard \(part.shardIndex) of \(part.shardCount)")
        }
        if let digest = part.planDigest, let planned = run.shardPlan?.digest, digest != planned {
            problems.append("header names plan \(digest), not \(planned)")
        }
        guard problems.isEmpty else {
            let source = part.readFrom.flatMap { $0 == record.manifestKey ? nil : " (by its ends \($0))" } ?? ""
            run.finish(.error, "\(what): part \(record.manifestKey) is not this shard\(source): \(problems.joined(separator: "; "))", at: now)
            return
        }
        record.part = part.summary
        run.setRecord(record, for: slot)
        log.info("part read", ["role": slot.role.rawValue, "shard": String(shard), "entries": String(part.summary.entries),
                               "from": part.readFrom ?? record.manifestKey])
    }

    /// Every part of `role` is in: the set index, parts in shard order (whatever order they
    /// finished in), written where the diff (or the next run's baseline search) reads it.
    func writeSet(role: TaskRole, on run: inout Run, logger log: Logger) async throws {
        guard let records = run.shardTasks?[role], let digest = run.shardPlan?.digest else { return }
        var parts: [SetIndex.Part] = []
        for record in records {
            guard let summary = record.part else { return }
            parts.append(SetIndex.Part(location: naming.s3URI(record.manifestKey), summary: summary))
        }
        let key = role == .baselineManifest
            ? (run.baselineOutputKey ?? naming.baselineOutputKey(fileSystemId: run.fileSystemId, runId: run.runId, sharded: true))
            : naming.setKey(fileSystemId: run.fileSystemId, runId: run.runId, role: role)
        let body: Data
        do {
            body = try SetIndex.encode(planDigest: digest, role: Self.manifestRole(role), parts: parts, key: key)
        } catch let error as PartUnreadable {
            run.finish(.error, "\(role.rawValue) manifest set not written: \(error)", at: now)
            return
        }
        try await putOnce(key, body: body)
        var sets = run.manifestSets ?? [:]
        sets[role] = key
        run.manifestSets = sets
        run.note("\(role.rawValue) manifest set \(key) (\(parts.count) parts)", at: now)
        log.info("manifest set written", ["role": role.rawValue, "key": key, "parts": String(parts.count)])
    }

    /// Writes `body` at `key` once: created, or already holding these bytes (a retried
    /// step), or replacing what a failed earlier attempt left.
    func putOnce(_ key: String, body: Data) async throws {
        do {
            _ = try await services.store.put(key, body: body, condition: .mustNotExist)
        } catch let error as OrchestratorError where error.kind == .conflict {
            guard let existing = try await services.store.get(key) else { throw error }
            if existing.body == body { return }
            _ = try await services.store.put(key, body: body, condition: .mustMatch(etag: existing.etag))
        }
    }
}
