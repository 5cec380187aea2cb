import Foundation

/// Task stopped (the last one): the diff, the report set, the notification, the metrics and the restore-testing
/// validation result.
extension Orchestrator {
    func verdict(_ run: inout Run, logger log: Logger) async throws {
        guard let baseline = run.baseline, let restored = run.tasks["restored"] else { return }
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
            severities: config.severities, windowEnd: Self.windowEnd(run))
        let report: ReportSummary
        do {
            report = try await services.differ.diffAndReport(request)
        } catch {
            run.finish(.error, "diff failed: \(error)", at: now)
            log.error("diff failed", OrchestratorError.logFields(error))
            return
        }
        run.report = report
        let errors = report.findingsBySeverity["error"] ?? 0
        let message = "\(report.mode) diff: \(report.filesVerified) files, \(report.bytesVerified) bytes verified, \(errors) error findings"
        run.finish(report.passed ? .passed : .failed, message, at: now)
        log.info("verdict", ["result": run.result?.rawValue ?? "", "mode": report.mode])
    }

    /// The end of the backup window: the backup job's completion (backup runs), else the
    /// recovery point's completion as the run learnt it; when AWS gave neither, the
    /// restore's start, a later bound that still excludes every write of the restore.
    static func windowEnd(_ run: Run) -> Date? {
        run.backupCompletedAt ?? run.restoreStartedAt
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
        services.metrics.emit(EMF.forRun(run, namespace: config.metricsNamespace, at: now))
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
}
