import Foundation

/// Claim-then-act for the actions that must happen once per run (the SNS summary, the EMF
/// line, the restore-testing validation result, the task-definition revision): the intent is
/// saved in the run with `If-Match` before acting, so of two racing invocations only the one
/// whose write wins acts; the loser gets `.conflict`, re-reads, sees the live claim and waits.
extension Orchestrator {
    /// Records "this invocation is doing `action` until `deadline`" and saves the run.
    /// - Returns: the previous claim's expiry (an earlier attempt that did not finish), or nil.
    /// - Throws: `OrchestratorError(.conflict)` when another invocation wrote the run first.
    @discardableResult
    func claim(_ action: String, _ run: inout Run, etag: inout String, deadline: Date) async throws -> Date? {
        let previous = run.claims?[action]
        var claims = run.claims ?? [:]
        claims[action] = deadline
        run.claims = claims
        run.note(previous == nil ? "claimed \(action)" : "claimed \(action) again (earlier claim expired)", at: now)
        run.updatedAt = now
        etag = try await repository.save(run, etag: etag)
        return previous
    }

    /// The run is past its deadline and DescribeRestoreJob kept failing: stop waiting for the
    /// restore, alert once, and let cleanup remove what the run recorded. A file system the
    /// restore may still create is not known here; it carries no run tag, so nothing deletes it.
    func abandonRestore(_ run: inout Run, logger log: Logger) async throws {
        let jobId = run.restoreJobId ?? "?"
        let failures = run.restoreLookupFailures ?? 0
        try await alertOnce(key: naming.config.runsPrefix + "alerts/restore-unknown-" + run.runId,
                            Notification.alert("state of restore job \(jobId) unknown",
                                "Run \(run.runId) of \(run.fileSystemId) ended (\(run.result?.rawValue ?? "no result")) but DescribeRestoreJob \(jobId) failed \(failures) times in a row past the run's deadline \(Timestamps.rfc3339(run.deadline)).\nCleanup removes what the run recorded; a file system the restore creates later is not deleted. Please check by hand."))
        run.restoreAbandoned = true
        run.finish(.error, "restore job \(jobId) state unknown past the run's deadline", at: now)
        run.note("stopped waiting for restore job \(jobId): DescribeRestoreJob failed \(failures) times", at: now)
        log.error("restore job state unknown past the run's deadline; cleaning up what is recorded", ["restoreJobId": jobId])
    }
}
