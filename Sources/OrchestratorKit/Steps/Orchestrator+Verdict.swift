import Foundation

/// Step 3: the diff, the report set, the notification, the metrics and the restore-testing
/// validation result.
extension Orchestrator {
    /// The diff, claimed first like the other once-only actions: under duplicate STOPPED
    /// events only the invocation that won the claim's write diffs.
    func verdict(_ run: inout Run, etag: inout String, deadline: Date, logger log: Logger) async throws {
        guard let baseline = run.baseline, let restored = run.tasks["restored"] else { return }
        try await claim("verdict", &run, etag: &etag, deadline: deadline)
        var postKey: String?
        if let post = run.tasks["post"], post.succeeded {
            let present = try await service("HeadObject post manifest") { try await services.manifests.exists(key: post.manifestKey) }
            if present {
                postKey = post.manifestKey
            } else {
                log.warn("post manifest missing; two-way diff", ["key": post.manifestKey])
            }
        }
        let request = DiffRequest(
            baselineKey: baseline.key, postKey: postKey, restoredKey: restored.manifestKey,
            reportPrefix: naming.reportPrefix(fileSystemId: run.fileSystemId, runId: run.runId),
            severities: config.severities)
        let report: ReportSummary
        do {
            let outcome = try await services.differ.diff(request)
            report = outcome.summary
            run.pendingReport = outcome.documents
        } catch {
            run.finish(.error, "diff failed: \(error)", at: now)
            log.error("diff failed", ["reason": "\(error)"])
            return
        }
        run.report = report
        let errors = report.findingsBySeverity["error"] ?? 0
        let message = "\(report.mode) diff: \(report.filesVerified) files, \(report.bytesVerified) bytes verified, \(errors) error findings"
        run.finish(report.passed ? .passed : .failed, message, at: now)
        log.info("verdict", ["result": run.result?.rawValue ?? "", "mode": report.mode])
    }

    /// Writes `report.json` and `summary.txt` (the verdict and the findings are already known).
    func writeReport(_ run: inout Run, logger log: Logger) async throws {
        guard let documents = run.pendingReport else { return }
        try await service("PutObject report") { try await services.differ.writeReport(documents) }
        run.pendingReport = nil
        run.note("report written", at: now)
    }

    /// Publishes the summary once: claimed in the run first, so a racing invocation that
    /// loses the claim's conditional write never publishes.
    func notify(_ run: inout Run, etag: inout String, deadline: Date, logger log: Logger) async throws {
        try await claim("notify", &run, etag: &etag, deadline: deadline)
        let notification = Notification.forRun(run, naming: naming)
        try await service("Publish") {
            try await services.notifier.publish(subject: notification.subject, message: notification.message)
        }
        run.notified = true
        run.note("notified", at: now)
    }

    /// The run's EMF line, once (claimed like the notification).
    func emitMetrics(_ run: inout Run, etag: inout String, deadline: Date) async throws {
        try await claim("metrics", &run, etag: &etag, deadline: deadline)
        let line = EMF.forRun(run, namespace: config.metricsNamespace, at: now)
        try await service("EMF") { try services.metrics.emit(line) }
        run.metricsEmitted = true
    }

    /// One terminal status for a restore-testing job (after our additions are removed),
    /// claimed like the notification so it is never posted twice.
    func reportValidation(_ run: inout Run, etag: inout String, deadline: Date, logger log: Logger) async throws {
        guard let jobId = run.restoreJobId else { return }
        try await claim("validation", &run, etag: &etag, deadline: deadline)
        let status: ValidationStatus
        switch run.result {
        case .passed: status = .successful
        case .timedOut: status = .timedOut
        default: status = .failed
        }
        let message = String("efs-backup-verifier: \(run.result?.rawValue ?? "unknown"): \(run.resultMessage ?? "")".prefix(1000))
        try await service("PutRestoreValidationResult") {
            try await services.backup.putRestoreValidationResult(restoreJobId: jobId, status: status, message: message)
        }
        run.validationReported = true
        run.note("validation \(status.rawValue) reported", at: now)
    }

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
