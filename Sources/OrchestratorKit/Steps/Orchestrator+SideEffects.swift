import Foundation

/// Side effects that must never hold back the others or cleanup: failures are recorded,
/// logged, counted in `SideEffectFailures` and retried later (`SideEffect`).
extension Orchestrator {
    /// Runs one side effect; a failure (other than a lost conditional write) is recorded in
    /// the run, logged and counted in the `SideEffectFailures` metric instead of thrown, so
    /// the run goes on with its other steps and retries this one later.
    func sideEffect(_ effect: SideEffect, _ run: inout Run, logger log: Logger, _ body: (inout Run) async throws -> Void) async throws {
        do {
            try await body(&run)
        } catch let error as OrchestratorError where error.kind == .conflict {
            throw error
        } catch {
            run.recordSideEffectFailure(effect, "\(error)", at: now, attempts: StepPlanner.sideEffectAttempts,
                                        firstPause: config.sideEffectRetry)
            let record = run.sideEffectFailures?[effect.rawValue]
            countSideEffectFailure(effect.rawValue, run: run, reason: "\(error)", logger: log,
                                   ["failures": String(record?.failures ?? 0), "gaveUp": String(record?.gaveUp ?? false)])
        }
    }

    /// Logs a failed side effect and counts it in the `SideEffectFailures` metric (dimension
    /// `Kind`: `report`, `summary`, `metrics`, `validation`, `alert`). Never throws: when the
    /// metric itself cannot be emitted, that is logged too.
    func countSideEffectFailure(_ kind: String, run: Run?, reason: String, logger log: Logger, _ fields: [String: String] = [:]) {
        log.error("side effect failed", fields.merging(["kind": kind, "reason": reason]) { _, new in new })
        var properties: [String: String] = [:]
        if let run {
            properties["runId"] = run.runId
            properties["fileSystemId"] = run.fileSystemId
        }
        let line = EMF.document(
            namespace: config.metricsNamespace, timestamp: now, dimensions: ["Kind": kind],
            dimensionSets: [["Kind"]], metrics: [EMFMetric("SideEffectFailures", "Count", 1)], properties: properties)
        do {
            try services.metrics.emit(line)
        } catch {
            log.error("SideEffectFailures metric not emitted", ["kind": kind, "reason": "\(error)"])
        }
    }

    /// Publishes an alert; a failure is counted (kind `alert`), never thrown, so an alert
    /// cannot hold back cleanup.
    /// - Returns: whether it was published.
    @discardableResult
    func publishAlert(_ alert: Notification, run: Run?) async -> Bool {
        do {
            try await service("Publish") { try await services.notifier.publish(subject: alert.subject, message: alert.message) }
            return true
        } catch {
            countSideEffectFailure("alert", run: run, reason: "\(error)", logger: run.map { logger.with(runId: $0.runId) } ?? logger)
            return false
        }
    }
}
