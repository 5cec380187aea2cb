import Foundation
@testable import AWSLite
@testable import OrchestratorKit

actor FakeDiffer: ManifestDiffer {
    var requests: [DiffRequest] = []
    var passed = true
    var failure: OrchestratorError?

    var written: [ReportDocuments] = []
    /// Every report write fails while set (S3 refusing the report objects).
    var writeFailure: OrchestratorError?
    var writeAttempts = 0

    func writeReport(_ documents: ReportDocuments) async throws {
        writeAttempts += 1
        if let writeFailure { throw writeFailure }
        written.append(documents)
    }
    func setWriteFailure(_ error: OrchestratorError?) { writeFailure = error }

    /// The next in-Lambda diff runs out of time (its uploads aborted).
    var outOfTime = false
    func setOutOfTime(_ value: Bool) { outOfTime = value }
    var reportsRead: [String] = []

    func readReport(reportPrefix: String) async throws -> ReportSummary {
        reportsRead.append(reportPrefix)
        if let failure { throw failure }
        return try await summary(DiffRequest(baselineKey: "", postKey: "task", restoredKey: "", reportPrefix: reportPrefix, severities: [:]),
                                 record: false)
    }

    func diff(_ request: DiffRequest) async throws -> DiffOutcome {
        if outOfTime {
            outOfTime = false
            requests.append(request)
            throw DiffOutOfTime()
        }
        let summary = try await summary(request)
        return DiffOutcome(summary: summary, documents: ReportDocuments(
            reportKey: summary.reportKey, reportJSON: #"{"passed":\#(summary.passed)}"#, summaryKey: summary.summaryKey, summaryText: summary.summaryText))
    }

    /// Runs once, inside the next diff (another invocation arriving while this one diffs).
    var duringDiff: (@Sendable () async -> Void)?
    func setDuringDiff(_ body: @escaping @Sendable () async -> Void) { duringDiff = body }

    func summary(_ request: DiffRequest, record: Bool = true) async throws -> ReportSummary {
        if let hook = duringDiff {
            duringDiff = nil
            await hook()
        }
        if record { requests.append(request) }
        if let failure { throw failure }
        let errors = passed ? 0 : 3
        return ReportSummary(
            passed: passed, mode: request.postKey == nil ? "two-way" : "three-way", filesVerified: 1200,
            bytesVerified: 52_428_800, findingsBySeverity: ["ok": 1197, "info": 3 - errors, "warning": 0, "error": errors],
            findingsByClass: passed ? ["match": 1197, "changed": 3] : ["match": 1197, "missing": 3],
            summaryText: passed ? "1200 files verified, no errors" : "1200 files verified, 3 missing",
            reportKey: request.reportPrefix + "report.json", findingsKey: request.reportPrefix + "findings.ndjson.gz",
            summaryKey: request.reportPrefix + "summary.txt")
    }

    func setPassed(_ value: Bool) { passed = value }
    func setFailure(_ error: OrchestratorError?) { failure = error }
}
