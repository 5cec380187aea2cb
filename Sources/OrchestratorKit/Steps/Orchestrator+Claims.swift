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
    func claim(_ action: ClaimKey, _ run: inout Run, etag: inout String, deadline: Date) async throws -> Date? {
        let previous = run.claims?[action]
        var claims = run.claims ?? [:]
        claims[action] = deadline
        run.claims = claims
        run.note(previous == nil ? "claimed \(action.rawValue)" : "claimed \(action.rawValue) again (earlier claim expired)", at: now)
        run.updatedAt = now
        etag = try await repository.save(run, etag: etag)
        return previous
    }
}
