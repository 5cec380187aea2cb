import AWSLite
import Foundation

/// The orchestrator: turns one event into at most a few idempotent steps of one run (or of
/// every open run, for reconcile), and returns. It never waits for a restore or a task.
///
///     let orchestrator = Orchestrator(config: config, services: services, logger: logger)
///     let response = try await orchestrator.handle(event, deadline: invocationDeadline)
public struct Orchestrator: Sendable {
    public var config: OrchestratorConfig
    public var services: Services
    public var logger: Logger
    public var naming: RunNaming
    public var repository: RunRepository
    public var planner: StepPlanner
    /// How many times a step re-reads the run after losing a conditional write (each after
    /// a jittered, growing pause; never past the invocation's deadline).
    public var maxConflictRetries = 12
    /// A number in 0...1 for the jitter of conflict pauses (injected so tests can fix it).
    public var jitter: @Sendable () -> Double = { Double.random(in: 0...1) }

    public init(config: OrchestratorConfig, services: Services, logger: Logger) {
        self.config = config
        self.services = services
        self.logger = logger
        self.naming = RunNaming(config: config)
        self.repository = RunRepository(store: services.store, naming: naming)
        self.planner = StepPlanner(postManifest: config.postManifest, maxTaskStarts: config.taskStartAttempts,
                                   sharding: config.sharding)
    }

    var now: Date { services.clock.now() }

    /// Handles one decoded event (see `handle(_:deadline:)`, which bounds AWS calls by `deadline`).
    func dispatch(_ event: OrchestratorEvent, deadline: Date) async throws -> String {
        switch event {
        case .backupJob(let backup):
            return try await handleBackupJob(backup, deadline: deadline)
        case .restoreJob(let restore):
            return try await handleRestoreJob(restore, deadline: deadline)
        case .task(let task):
            return try await handleTask(task, deadline: deadline)
        case .reconcile:
            return try await reconcile(deadline: deadline)
        case .verify(let recoveryPointArn, let fileSystemId):
            return try await verify(recoveryPointArn: recoveryPointArn, fileSystemId: fileSystemId, deadline: deadline)
        case .status(let runId, let fileSystemId):
            return try await status(runId: runId, fileSystemId: fileSystemId)
        case .baseline(let fileSystemId, let scheduledAt):
            return try await baseline(fileSystemId: fileSystemId, scheduledAt: scheduledAt, deadline: deadline)
        case .ignored(let source, let detailType):
            logger.info("event ignored", ["source": source, "detailType": detailType])
            return Self.response(["status": "ignored", "source": source, "detailType": detailType])
        }
    }

    /// A flat JSON response (sorted keys).
    static func response(_ fields: [String: String]) -> String { LogJSON.object(fields) }

    static func response(for run: Run, status: String = "ok") -> String {
        var fields = ["status": status, "runId": run.runId, "fileSystemId": run.fileSystemId, "phase": run.phase.rawValue]
        if let result = run.result { fields["result"] = result.rawValue }
        return response(fields)
    }

    /// True while there is time for another step before the invocation deadline.
    func hasTime(_ deadline: Date) -> Bool {
        now.addingTimeInterval(config.invocationMargin) < deadline
    }

    /// Applies `facts` to the stored run and advances it step by step until it has to wait,
    /// is done, or the invocation runs out of time. Each step is saved with `If-Match`; on a
    /// conflict the run is re-read, the facts re-applied and the plan re-evaluated.
    @discardableResult
    func drive(
        fileSystemId: String, runId: String, deadline: Date,
        facts: @Sendable (inout Run) -> Void = { _ in }
    ) async throws -> Run {
        var conflicts = 0
        while true {
            guard let (stored, storedEtag) = try await repository.load(fileSystemId: fileSystemId, runId: runId) else {
                throw OrchestratorError(.notFound, "run \(runId) of \(fileSystemId) not found")
            }
            let log = logger.with(runId: runId)
            var run = stored
            var etag = storedEtag
            facts(&run)
            do {
                if run != stored {
                    run.updatedAt = now
                    etag = try await repository.save(run, etag: etag)
                }
                while hasTime(deadline), let step = planner.next(run, now: now) {
                    let before = run
                    try await perform(step, on: &run, etag: &etag, deadline: deadline, logger: log)
                    if run == before {
                        log.debug("waiting", ["step": "\(step)"])
                        break
                    }
                    run.updatedAt = now
                    etag = try await repository.save(run, etag: etag)
                }
                if run.phase == .done { try await repository.closeMarker(fileSystemId: fileSystemId, runId: runId) }
                return run
            } catch let error as OrchestratorError where error.kind == .conflict {
                conflicts += 1
                log.warn("conditional write lost; re-reading the run", ["attempt": String(conflicts)])
                let pause = conflictBackoff(attempt: conflicts)
                guard conflicts <= maxConflictRetries, now.addingTimeInterval(pause + config.invocationMargin) < deadline else {
                    throw OrchestratorError(.conflict, "run \(runId) of \(fileSystemId): \(conflicts) conditional writes lost to concurrent invocations; left for the next delivery or tick")
                }
                await services.clock.sleep(seconds: pause)
            }
        }
    }

    /// "Full jitter": a random pause up to 50 ms × 2^(attempt−1), at most 2 s.
    func conflictBackoff(attempt: Int) -> Double {
        let cap = min(0.05 * Double(1 << min(max(attempt - 1, 0), 10)), 2.0)
        return cap * min(max(jitter(), 0), 1)
    }

    /// Runs one step. A step that changes nothing means "not yet" (the drive loop stops).
    /// Steps that must happen once save a claim first (`claim`), updating `etag`.
    func perform(_ step: Step, on run: inout Run, etag: inout String, deadline: Date, logger log: Logger) async throws {
        switch step {
        case .timeout:
            run.finish(.timedOut, "run still open at its deadline \(Timestamps.rfc3339(run.deadline))", at: now)
        case .findBaseline: try await findBaseline(&run, logger: log)
        case .noBaseline:
            run.finish(.noBaseline, "no valid baseline manifest completed before the backup started", at: now)
        case .startRestore: try await startRestore(&run, logger: log)
        case .runPostTask: try await runWorker(role: .post, on: &run, logger: log)
        case .restartTask(let role): try await restartTask(role: role, on: &run, deadline: deadline, logger: log)
        case .failRestore:
            let message = run.restoreStatus == .completed
                ? "restore job \(run.restoreJobId ?? "?") completed without a created file system"
                : "restore job \(run.restoreJobId ?? "?") \(run.restoreStatus?.rawValue ?? "?"): \(run.restoreStatusMessage ?? "no message")"
            run.finish(.restoreFailed, message, at: now)
        case .failTask(let role):
            let task = run.tasks[role]
            let exit = task?.exitCode.map { "exit code \($0)" } ?? "no exit code"
            let what = role == .diff ? "diff task" : "\(role.rawValue) manifest task"
            let starts = (task?.attempt ?? 1) > 1 ? " (start \(task?.attempt ?? 1) of \(planner.maxTaskStarts))" : ""
            run.finish(role == .diff ? .error : .taskFailed,
                       "\(what) \(exit): \(task?.stoppedReason ?? task?.stopCode ?? "no reason")\(starts)", at: now)
        case .tagRestoredFileSystem: try await tagRestoredFileSystem(&run, logger: log)
        case .createMountTargets: try await createMountTargets(&run, logger: log)
        case .awaitMountTargets: try await awaitMountTargets(&run, deadline: deadline, logger: log)
        case .createAccessPoint: try await createAccessPoint(&run, logger: log)
        case .awaitAccessPoint: try await awaitAccessPoint(&run, deadline: deadline, logger: log)
        case .registerTaskDefinition: try await registerTaskDefinition(&run, etag: &etag, deadline: deadline, logger: log)
        case .runRestoredTask: try await runWorker(role: .restored, on: &run, logger: log)
        case .verdict: try await verdict(&run, etag: &etag, deadline: deadline, logger: log)
        case .collectDiffReport: try await collectDiffReport(&run, logger: log)
        case .writeReport: try await sideEffect(.report, &run, logger: log) { try await writeReport(&$0, logger: log) }
        case .notify: try await sideEffect(.summary, &run, logger: log) { try await notify(&$0, etag: &etag, deadline: deadline, logger: log) }
        case .emitMetrics: try await sideEffect(.metrics, &run, logger: log) { try await emitMetrics(&$0, etag: &etag, deadline: deadline, logger: log) }
        case .stopTasks: try await stopTasks(&run, logger: log)
        case .deregisterTaskDefinition: try await deregisterTaskDefinition(&run, logger: log)
        case .deleteAccessPoint: try await deleteAccessPoint(&run, logger: log)
        case .deleteMountTargets: try await deleteMountTargets(&run, logger: log)
        case .awaitMountTargetsGone: try await awaitMountTargetsGone(&run, deadline: deadline, logger: log)
        case .deleteFileSystem: try await deleteFileSystem(&run, logger: log)
        case .reportValidation:
            try await sideEffect(.validation, &run, logger: log) { try await reportValidation(&$0, etag: &etag, deadline: deadline, logger: log) }
        case .abandonRestore: try await abandonRestore(&run, logger: log)
        case .planShards: try await planShards(&run, logger: log)
        case .readPlan: try await readPlan(&run, logger: log)
        case .planFailed:
            let task = run.tasks[.plan]
            planFallback(&run, "plan task \(task?.exitCode.map { "exit code \($0)" } ?? "no exit code"): \(task?.stoppedReason ?? task?.stopCode ?? "no reason")", logger: log)
        case .restartShard(let role, let shard):
            try await restart(TaskSlot(role, shard: shard), on: &run, deadline: deadline, logger: log)
        case .failShard(let role, let shard): failShard(TaskSlot(role, shard: shard), on: &run)
        case .readPart(let role, let shard): try await readPart(TaskSlot(role, shard: shard), on: &run, logger: log)
        case .writeSet(let role): try await writeSet(role: role, on: &run, logger: log)
        case .runBaselineTask: try await runBaselineTask(&run, logger: log)
        case .completeBaseline: try await completeBaseline(&run, logger: log)
        case .complete:
            run.phase = .done
            run.note("done", at: now)
            if run.origin != .baseline { await writeReportPage(run, logger: log) }
            log.info("run done", ["result": run.result?.rawValue ?? "none"])
        }
    }

    /// Wraps an AWS failure into an orchestrator error naming the step and keeping the AWS
    /// error code, HTTP status and request id (orchestrator errors pass through).
    func service<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw OrchestratorError.service(what, error)
        }
    }
}
