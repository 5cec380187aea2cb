import Foundation

/// Claim-then-act for the actions that must happen once per run (the SNS summary, the EMF
/// line, the restore-testing validation result, the task-definition revision): the intent is
/// saved in the run with `If-Match` before acting, so of two racing invocations only the one
/// whose write wins acts; the loser gets `.conflict`, re-reads, sees the live claim and waits.
/// What the action did is saved at once (`settle`), surviving a write another invocation
/// won meanwhile.
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

    /// Saves what a claimed action did, right after it did it: on a conflict (another
    /// invocation wrote the run meanwhile — with K shards, events for one run arrive
    /// together) the run is re-read and `outcome` applied to it again. The action has
    /// happened (a message sent, a line emitted, a revision registered); were its record
    /// lost to the race, the claim would stay live with nothing recorded, the run would wait
    /// for it to expire and then act a second time.
    func settle(_ run: inout Run, etag: inout String, deadline: Date, logger log: Logger, _ outcome: (inout Run) -> Void) async throws {
        outcome(&run)
        var conflicts = 0
        while true {
            run.updatedAt = now
            do {
                etag = try await repository.save(run, etag: etag)
                return
            } catch let error as OrchestratorError where error.kind == .conflict {
                conflicts += 1
                log.warn("conditional write lost; re-reading the run", ["attempt": String(conflicts)])
                let pause = conflictBackoff(attempt: conflicts)
                guard conflicts <= maxConflictRetries, now.addingTimeInterval(pause + config.invocationMargin) < deadline else { throw error }
                await services.clock.sleep(seconds: pause)
                guard let (fresh, freshEtag) = try await repository.load(fileSystemId: run.fileSystemId, runId: run.runId) else { throw error }
                run = fresh
                etag = freshEtag
                outcome(&run)
            }
        }
    }
}
