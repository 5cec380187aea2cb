import AWSLite
import Foundation
import ManifestKit

/// `runs/<fs>/<run>/report.html`: written before the notification (which links to it) and
/// again when the run is done (the final deletion status of every resource).
extension Orchestrator {
    /// Writes the run's page: the run section of the page the diff wrote is replaced in
    /// place; when there is no such page (no diff ran, or it is unreadable), a page with the
    /// run section alone is written. Best effort: a failure is logged, never fails the run.
    func writeReportPage(_ run: Run, logger log: Logger) async {
        guard let pages = services.pages else { return }
        let key = naming.reportPageKey(fileSystemId: run.fileSystemId, runId: run.runId)
        let section = RunReportSection.make(run)
        do {
            let existing = run.report == nil ? nil : try await pages.page(at: key)
            let body = existing.flatMap { ReportPage.replacingRunSection(in: $0, with: section) }
                ?? ReportPage(run: section, report: nil, inputs: [], findingsLocation: "",
                              generatedAtNs: Timestamps.nanoseconds(now)).html()
            try await pages.putPage(body, at: key)
        } catch {
            log.warn("report page not written", ["key": key, "reason": "\(error)"])
        }
    }
}
