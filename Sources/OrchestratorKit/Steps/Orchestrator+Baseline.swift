import AWSLite
import Foundation

/// `{"action":"baseline","fileSystemId":"fs-…"}`: a scheduled baseline manifest of
/// production, run like a verification run's manifests (planned, sharded, reused) and
/// counted as a baseline only once complete.
extension Orchestrator {
    /// Creates (or re-drives) the baseline run of this schedule time: run id
    /// `baseline-<yyyyMMddTHHmmssZ>` of `scheduledAt` (the schedule's time, so a repeated
    /// delivery is the same run), else of now.
    func baseline(fileSystemId: String, scheduledAt: Date?, deadline: Date) async throws -> String {
        guard config.fileSystems.contains(fileSystemId) else {
            throw OrchestratorError(.invalidEvent, "fileSystemId: \(fileSystemId) is not under verification")
        }
        let runId = RunNaming.baselineRunId(at: scheduledAt ?? now)
        let log = logger.with(runId: runId)
        if let (existing, _) = try await repository.load(fileSystemId: fileSystemId, runId: runId) {
            if existing.phase == .done { return lateDuplicate(existing, what: "baseline action", logger: log) }
            try await repository.ensureOpenMarker(existing)
        } else {
            var run = newRun(runId: runId, origin: .baseline, fileSystemId: fileSystemId)
            run.note("created by baseline action", at: now)
            if try await repository.create(run) { log.info("baseline run created", ["fileSystemId": fileSystemId]) }
        }
        let run = try await drive(fileSystemId: fileSystemId, runId: runId, deadline: deadline)
        return Self.response(for: run)
    }

    /// A baseline run's previous baseline is found: read every file, or reuse its digests
    /// for unchanged files unless the last full read is `EBV_FULL_BASELINE_EVERY_DAYS` old
    /// (or unknown: `runs/<fs>/baseline-full.json` missing or unreadable).
    func chooseBaselineReuse(_ run: inout Run, logger log: Logger) async throws {
        guard let previous = run.baseline else {
            run.note("no previous baseline: every file is read", at: now)
            return
        }
        let key = naming.fullBaselineMarkerKey(fileSystemId: run.fileSystemId)
        let marker = try await service("GetObject baseline-full marker") { try await services.store.get(key) }
        let lastFull = marker.flatMap { try? JSONSerialization.jsonObject(with: $0.body) as? [String: Any] }
            .flatMap { $0["completedAt"] as? String }.flatMap(Timestamps.parse)
        if config.reuse, config.fullBaselineEvery > 0, let lastFull, now.timeIntervalSince(lastFull) < config.fullBaselineEvery {
            run.reuseFrom = previous.key
            run.note("reusing unchanged files' digests from \(previous.key) (last full read \(Timestamps.rfc3339(lastFull)))", at: now)
        } else {
            let why = !config.reuse ? "EBV_REUSE is false" : config.fullBaselineEvery == 0 ? "EBV_FULL_BASELINE_EVERY_DAYS is 0"
                : lastFull.map { "last full read \(Timestamps.rfc3339($0))" } ?? "no full read recorded"
            run.note("full read: every file is read (\(why))", at: now)
            log.info("baseline reads every file", ["reason": why])
        }
    }

    /// Starts the baseline's task(s), once its output key is fixed (a set index when sharded).
    func runBaselineTask(_ run: inout Run, logger log: Logger) async throws {
        if run.baselineOutputKey == nil {
            run.baselineOutputKey = naming.baselineOutputKey(fileSystemId: run.fileSystemId, runId: run.runId, sharded: run.isSharded)
        }
        try await runWorker(role: .baselineManifest, on: &run, logger: log)
    }

    /// The baseline is complete (its manifest, or its set index, is written): a full read is
    /// recorded for `EBV_FULL_BASELINE_EVERY_DAYS`; the run passes.
    func completeBaseline(_ run: inout Run, logger log: Logger) async throws {
        let key = run.manifestKey(.baselineManifest) ?? "?"
        if run.reuseFrom == nil {
            let markerKey = naming.fullBaselineMarkerKey(fileSystemId: run.fileSystemId)
            let body = Data(LogJSON.object(["completedAt": Timestamps.rfc3339(now), "runId": run.runId, "key": key]).utf8)
            let existing = try await service("GetObject baseline-full marker") { try await services.store.get(markerKey) }
            _ = try await service("PutObject baseline-full marker") {
                try await services.store.put(markerKey, body: body,
                                             condition: existing.map { .mustMatch(etag: $0.etag) } ?? .mustNotExist)
            }
        }
        let how = run.reuseFrom.map { "reusing digests from \($0)" } ?? "full read"
        run.finish(.passed, "baseline \(key) complete (\(how)\(run.isSharded ? ", \(run.shardCount) shards" : ""))", at: now)
        log.info("baseline complete", ["key": key])
    }
}
