import Foundation

/// Task stopped (the last one): the diff, the report set, the notification, the metrics and the restore-testing
/// validation result.
extension Orchestrator {
    /// The diff, claimed first like the other once-only actions: under duplicate STOPPED
    /// events only the invocation that won the claim's write diffs. It runs here when the
    /// manifests' size (the baseline trailer's entries, times the manifests compared) is
    /// under `EBV_DIFF_IN_LAMBDA_MAX_ENTRIES` and, at the measured rate (half again for
    /// safety), fits the invocation's remaining time; otherwise, or after it ran out of time
    /// here once, it runs as a Fargate task of the worker image (`runDiffTask`).
    func verdict(_ run: inout Run, etag: inout String, deadline: Date, logger log: Logger) async throws {
        guard let baseline = run.baseline, run.manifestComplete(.restored), let restoredKey = run.manifestKey(.restored) else { return }
        try await claim(.verdict, &run, etag: &etag, deadline: deadline)
        var postKey: String?
        if run.manifestComplete(.post), let post = run.manifestKey(.post) {
            // A set index was written by this run after reading every part.
            var present = run.manifestSets?[.post] == post
            if !present {
                present = try await service("HeadObject post manifest") { try await services.manifests.exists(key: post) }
            }
            if present {
                postKey = post
            } else {
                log.warn("post manifest missing; two-way diff", ["key": post])
            }
        }
        let request = DiffRequest(
            baselineKey: baseline.key, postKey: postKey, restoredKey: restoredKey,
            reportPrefix: naming.reportPrefix(fileSystemId: run.fileSystemId, runId: run.runId),
            severities: config.severities, windowEnd: Self.windowEnd(run),
            deadline: deadline.addingTimeInterval(-config.invocationMargin))
        let (product, overflow) = (baseline.entries ?? 0).multipliedReportingOverflow(by: postKey == nil ? 2 : 3)
        let estimate = overflow ? Int.max : product
        let rate = await measuredDiffRate() ?? config.diffEntriesPerSecond
        let needed = Double(estimate) / rate * 1.5
        let remaining = deadline.timeIntervalSince(now) - config.invocationMargin
        // A sharded run's manifests are sets, which the worker's diff reads as one manifest each.
        let sets = run.manifestSets?.isEmpty == false || baseline.key.hasSuffix(".set.json")
        if sets || run.diffRanOutOfTime == true || estimate > config.diffInLambdaMaxEntries || needed > remaining {
            let reason = sets ? "the manifests are sets of \(run.shardCount) parts"
                : run.diffRanOutOfTime == true ? "it ran out of time in Lambda"
                : estimate > config.diffInLambdaMaxEntries ? "about \(estimate) entries, over EBV_DIFF_IN_LAMBDA_MAX_ENTRIES \(config.diffInLambdaMaxEntries)"
                : "about \(estimate) entries at \(String(format: "%.0f", rate)) per second need \(String(format: "%.0f", needed)) s, \(String(format: "%.0f", max(remaining, 0))) s left"
            try await runDiffTask(&run, etag: &etag, request: request, reason: reason, deadline: deadline, logger: log)
            return
        }
        let started = now
        let outcome: DiffOutcome
        do {
            outcome = try await services.differ.diff(request)
        } catch is DiffOutOfTime {
            run.diffRanOutOfTime = true
            run.claims?[.verdict] = nil
            run.note("diff ran out of time in Lambda (its uploads aborted); it runs as a task next", at: now)
            log.warn("diff ran out of time in Lambda; its uploads were aborted", ["estimatedEntries": String(estimate)])
            return
        } catch {
            run.finish(.error, "diff failed: \(error)", at: now)
            log.error("diff failed", OrchestratorError.logFields(error))
            return
        }
        let seconds = now.timeIntervalSince(started)
        if seconds >= 1, outcome.entriesCompared > 0 { await recordDiffRate(Double(outcome.entriesCompared) / seconds) }
        // Saved at once, like the other claimed actions: lost to a racing write, the verdict
        // claim would stay live with no verdict, and the diff would run again once it expired.
        try await settle(&run, etag: &etag, deadline: deadline, logger: log) {
            guard $0.result == nil else { return }
            $0.pendingReport = outcome.documents
            decide(&$0, outcome.summary, logger: log)
        }
    }

    /// Sets the run's report and verdict.
    func decide(_ run: inout Run, _ report: ReportSummary, logger log: Logger) {
        run.report = report
        let errors = report.findingsBySeverity["error"] ?? 0
        let message = "\(report.mode) diff: \(report.filesVerified) files, \(report.bytesVerified) bytes verified, \(errors) error findings"
        run.finish(report.passed ? .passed : .failed, message, at: now)
        log.info("verdict", ["result": run.result?.rawValue ?? "", "mode": report.mode])
    }

    /// The end of the backup window: the backup job's completion (backup runs), else the
    /// recovery point's completion (DescribeRecoveryPoint, restore-testing and `verify`
    /// runs); when AWS gave neither, the restore's start, a later bound that still excludes
    /// every write of the restore.
    static func windowEnd(_ run: Run) -> Date? {
        run.backupCompletedAt ?? run.recoveryPointCompletedAt ?? run.restoreStartedAt
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
        try await claim(.notify, &run, etag: &etag, deadline: deadline)
        await writeReportPage(run, logger: log)
        let notification = Notification.forRun(run, naming: naming)
        try await service("Publish") {
            try await services.notifier.publish(subject: notification.subject, message: notification.message)
        }
        let at = now
        try await settle(&run, etag: &etag, deadline: deadline, logger: log) {
            $0.notified = true
            $0.note("notified", at: at)
        }
    }

    /// The run's EMF line, once (claimed like the notification).
    func emitMetrics(_ run: inout Run, etag: inout String, deadline: Date, logger log: Logger) async throws {
        try await claim(.metrics, &run, etag: &etag, deadline: deadline)
        let line = EMF.forRun(run, namespace: config.metricsNamespace, at: now)
        try await service("EMF") { try services.metrics.emit(line) }
        try await settle(&run, etag: &etag, deadline: deadline, logger: log) { $0.metricsEmitted = true }
    }

    /// One terminal status for a restore-testing job (after our additions are removed),
    /// claimed like the notification so it is never posted twice.
    func reportValidation(_ run: inout Run, etag: inout String, deadline: Date, logger log: Logger) async throws {
        guard let jobId = run.restoreJobId else { return }
        try await claim(.validation, &run, etag: &etag, deadline: deadline)
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
        let at = now
        try await settle(&run, etag: &etag, deadline: deadline, logger: log) {
            $0.validationReported = true
            $0.note("validation \(status.rawValue) reported", at: at)
        }
    }
}
