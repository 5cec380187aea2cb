import Foundation
import ManifestKit
import Primitives

/// The diff as a Fargate task of the worker image (when it does not fit in Lambda), and
/// the measured in-Lambda diff rate the placement decision uses.
extension Orchestrator {
    /// Runs the diff as a task of the worker's definition:
    /// `manifest-worker diff s3://baseline [--post s3://post] s3://restored --report-dir s3://…/runs/<fs>/<run>/ --quiet [--window-end T]`
    /// (severity overrides as `EBV_SEVERITY`); its STOPPED event continues the run. The task
    /// is recorded at once (`settle`): the verdict claim is live, so a record lost to another
    /// invocation's write would leave it unknown to reconcile until the claim expires.
    func runDiffTask(_ run: inout Run, etag: inout String, request: DiffRequest, reason: String, deadline: Date,
                     logger log: Logger) async throws {
        var command = ["diff", naming.s3URI(request.baselineKey)]
        if let post = request.postKey { command += ["--post", naming.s3URI(post)] }
        command += [naming.s3URI(request.restoredKey), "--report-dir", naming.s3URI(request.reportPrefix), "--quiet"]
        if let windowEnd = request.windowEnd.flatMap(S3ManifestDiffer.nanoseconds) {
            // To the nanosecond, as the in-Lambda diff passes it.
            command += ["--window-end", Timestamp.format(ns: windowEnd, fractionDigits: 9)]
        }
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
        let at = now
        let manifestKey = request.reportPrefix + "report.json"
        try await settle(&run, etag: &etag, deadline: deadline, logger: log) {
            // A STOPPED event may have recorded the task first.
            var record = $0.tasks[.diff] ?? TaskRecord(clientToken: token, manifestKey: manifestKey)
            record.taskArn = record.taskArn ?? arn
            record.lastStatus = record.lastStatus ?? .provisioning
            $0.tasks[.diff] = record
            $0.note("diff task \(arn): \(reason)", at: at)
        }
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
}
