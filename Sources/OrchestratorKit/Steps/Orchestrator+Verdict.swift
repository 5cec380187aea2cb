import Foundation

/// Step 3: the diff, the report set, the notification, the metrics and the restore-testing
/// validation result.
extension Orchestrator {
    /// The diff, claimed first like the other once-only actions: under duplicate STOPPED
    /// events only the invocation that won the claim's write diffs. It runs here when the
    /// manifests' size (the baseline trailer's entries, times the manifests compared) is
    /// under `EBV_DIFF_IN_LAMBDA_MAX_ENTRIES` and, at the measured rate (half again for
    /// safety), fits the invocation's remaining time; otherwise, or after it ran out of time
    /// here once, it runs as a Fargate task of the worker image (`runDiffTask`).
    func verdict(_ run: inout Run, etag: inout String, deadline: Date, logger log: Logger) async throws {
        guard let baseline = run.baseline, let restored = run.tasks[.restored] else { return }
        try await claim(.verdict, &run, etag: &etag, deadline: deadline)
        var postKey: String?
        if let post = run.tasks[.post], post.succeeded {
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
            severities: config.severities, deadline: deadline.addingTimeInterval(-config.invocationMargin))
        let (product, overflow) = (baseline.entries ?? 0).multipliedReportingOverflow(by: postKey == nil ? 2 : 3)
        let estimate = overflow ? Int.max : product
        let rate = await measuredDiffRate() ?? config.diffEntriesPerSecond
        let needed = Double(estimate) / rate * 1.5
        let remaining = deadline.timeIntervalSince(now) - config.invocationMargin
        if run.diffRanOutOfTime == true || estimate > config.diffInLambdaMaxEntries || needed > remaining {
            let reason = run.diffRanOutOfTime == true ? "it ran out of time in Lambda"
                : estimate > config.diffInLambdaMaxEntries ? "about \(estimate) entries, over EBV_DIFF_IN_LAMBDA_MAX_ENTRIES \(config.diffInLambdaMaxEntries)"
                : "about \(estimate) entries at \(String(format: "%.0f", rate)) per second need \(String(format: "%.0f", needed)) s, \(String(format: "%.0f", max(remaining, 0))) s left"
            try await runDiffTask(&run, request: request, reason: reason, logger: log)
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
            log.error("diff failed", ["reason": "\(error)"])
            return
        }
        let seconds = now.timeIntervalSince(started)
        if seconds >= 1, outcome.entriesCompared > 0 { await recordDiffRate(Double(outcome.entriesCompared) / seconds) }
        run.pendingReport = outcome.documents
        decide(&run, outcome.summary, logger: log)
    }

    /// Sets the run's report and verdict.
    func decide(_ run: inout Run, _ report: ReportSummary, logger log: Logger) {
        run.report = report
        let errors = report.findingsBySeverity["error"] ?? 0
        let message = "\(report.mode) diff: \(report.filesVerified) files, \(report.bytesVerified) bytes verified, \(errors) error findings"
        run.finish(report.passed ? .passed : .failed, message, at: now)
        log.info("verdict", ["result": run.result?.rawValue ?? "", "mode": report.mode])
    }

    /// Runs the diff as a task of the worker's definition:
    /// `manifest-worker diff s3://baseline [--post s3://post] s3://restored --report-dir s3://…/runs/<fs>/<run>/ --quiet`
    /// (severity overrides as `EBV_SEVERITY`); its STOPPED event continues the run.
    func runDiffTask(_ run: inout Run, request: DiffRequest, reason: String, logger log: Logger) async throws {
        var command = ["diff", naming.s3URI(request.baselineKey)]
        if let post = request.postKey { command += ["--post", naming.s3URI(post)] }
        command += [naming.s3URI(request.restoredKey), "--report-dir", naming.s3URI(request.reportPrefix), "--quiet"]
        var environment = ["EBV_RUN_ID": run.runId]
        if !config.severities.isEmpty {
            environment["EBV_SEVERITY"] = config.severities.keys.sorted().map { "\($0)=\(config.severities[$0] ?? "")" }.joined(separator: ",")
        }
        let token = RunNaming.token(TaskRole.diff.rawValue, runId: run.runId)
        let task = RunTaskRequest(
            cluster: config.cluster, taskDefinition: config.workerTaskFamily, clientToken: token, startedBy: config.startedBy,
            group: naming.taskGroup(fileSystemId: run.fileSystemId, runId: run.runId, role: .diff),
            subnets: config.subnets, securityGroups: config.securityGroups, containerName: config.workerContainer,
            command: command, environment: environment, tags: naming.tags(runId: run.runId, expiresAt: run.expiresAt))
        let arn = try await service("RunTask diff") { try await services.tasks.runTask(task) }
        var record = run.tasks[.diff] ?? TaskRecord(clientToken: token, manifestKey: request.reportPrefix + "report.json")
        record.taskArn = record.taskArn ?? arn
        record.lastStatus = record.lastStatus ?? .provisioning
        run.tasks[.diff] = record
        run.note("diff task \(arn): \(reason)", at: now)
        log.info("diff runs as a task", ["taskArn": arn, "reason": reason])
    }

    /// The diff task stopped with its report written: read it and decide. A report that is
    /// not one → `error`; S3 failures are thrown (the next delivery or tick retries).
    func collectDiffReport(_ run: inout Run, logger log: Logger) async throws {
        let prefix = naming.reportPrefix(fileSystemId: run.fileSystemId, runId: run.runId)
        let report: ReportSummary
        do {
            report = try await services.differ.readReport(reportPrefix: prefix)
        } catch let error as OrchestratorError where error.kind == .service {
            run.finish(.error, "diff task report unreadable: \(error)", at: now)
            return
        }
        decide(&run, report, logger: log)
    }

    /// The last measured in-Lambda diff rate (entries per second), if any.
    func measuredDiffRate() async -> Double? {
        guard let object = try? await services.store.get(naming.diffRateKey),
              let root = try? JSONSerialization.jsonObject(with: object.body) as? [String: Any],
              let rate = (root["entriesPerSecond"] as? NSNumber)?.doubleValue, rate.isFinite, rate > 0 else { return nil }
        return rate
    }

    /// Stores a measured rate (best effort: a lost race or a failure keeps the old one).
    func recordDiffRate(_ rate: Double) async {
        guard rate.isFinite, rate > 0 else { return }
        let body = Data("{\"entriesPerSecond\":\(Int(min(rate, 1e12).rounded()))}\n".utf8)
        let existing = try? await services.store.get(naming.diffRateKey)
        _ = try? await services.store.put(naming.diffRateKey, body: body,
                                          condition: existing.map { .mustMatch(etag: $0.etag) } ?? .mustNotExist)
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
        let notification = Notification.forRun(run, naming: naming)
        try await service("Publish") {
            try await services.notifier.publish(subject: notification.subject, message: notification.message)
        }
        run.notified = true
        run.note("notified", at: now)
    }

    /// The run's EMF line, once (claimed like the notification).
    func emitMetrics(_ run: inout Run, etag: inout String, deadline: Date) async throws {
        try await claim(.metrics, &run, etag: &etag, deadline: deadline)
        let line = EMF.forRun(run, namespace: config.metricsNamespace, at: now)
        try await service("EMF") { try services.metrics.emit(line) }
        run.metricsEmitted = true
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
