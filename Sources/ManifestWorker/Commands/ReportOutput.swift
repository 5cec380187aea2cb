import Foundation
import ManifestKit

/// Runs a merge-diff to the end and produces its outputs: the summary and
/// report JSON for the console and, with `--report-dir` (a directory, or an
/// `s3://bucket/prefix/`), the files `report.json`, `report.html`, `findings.ndjson.gz`
/// and `summary.txt`.
enum ReportOutput {
    static let reportName = "report.json"
    static let findingsName = "findings.ndjson.gz"
    static let summaryName = "summary.txt"
    static let pageName = "report.html"

    /// - Parameter inputs: the inputs as the page shows them, asked for after the diff
    ///   (when their trailers have been read).
    static func run(_ merge: inout MergeDiff, settings: DiffSettings, context: CommandContext,
                    inputs: () -> [ReportPage.Input] = { [] }) throws -> DiffOutcome {
        var findingsSink: (any ByteSink)?
        var findings: FindingsWriter?
        if let dir = settings.reportDir {
            try createDirectory(dir, source: settings.reportDirSource)
            let gzip = try GzipCompressingSink(wrapping: Endpoints.sink(for: join(dir, findingsName), environment: context.configuration.environment))
            // Compressed and written on a thread of its own, beside the merge.
            let output = BackgroundSink(wrapping: gzip)
            findingsSink = output
            findings = FindingsWriter(sink: output)
        }
        var report: DiffReport
        let listing = settings.listFindings ? ListingPrinter(console: context.console) : nil
        let json = settings.json
        do {
            report = try merge.run(findings: findings, findingsPerClass: settings.maxFindings, clock: context.now,
                                   each: listing.map { printer in { finding, sides in
                                       printer.add(json ? FindingListing.jsonLine(finding, sides)
                                                        : Array((FindingListing.textLine(finding, sides) + "\n").utf8))
                                   } })
            listing?.flush()
            try findings?.finish()
        } catch {
            findingsSink?.abort()
            throw error
        }
        let inputs = inputs()
        report.walks = WalkStats.byRole(inputs)
        let reportJSON = report.json()
        let summary = report.summaryText(more: settings.reportDir != nil ? "in the findings file"
                                            : settings.listFindings ? "listed above" : "(--findings lists every finding)")
        if let dir = settings.reportDir {
            try write(reportJSON, to: join(dir, reportName), context: context)
            // summary.txt: what stdout shows, then each manifest's walk.
            try write(Array((summary + report.walksText).utf8), to: join(dir, summaryName), context: context)
            let page = ReportPage(report: report, inputs: inputs, findingsLocation: findingsName,
                                  generatedAtNs: context.now())
            try write(page.html(), to: join(dir, pageName), context: context)
        }
        return DiffOutcome(summary: summary, reportJSON: String(decoding: reportJSON, as: UTF8.self), passed: report.passed)
    }

    private static func write(_ bytes: [UInt8], to path: String, context: CommandContext) throws {
        let sink = try Endpoints.sink(for: path, environment: context.configuration.environment)
        try sink.writeWhole(bytes)
    }

    private static func join(_ dir: String, _ name: String) -> String {
        dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }

    /// Before the diff (and before any walk): creates a local report directory, or checks
    /// that an `s3://bucket/prefix/`'s bucket exists and may be used (``OutputBucketCheck``).
    static func prepare(_ settings: DiffSettings, context: CommandContext) throws {
        guard let dir = settings.reportDir else { return }
        try createDirectory(dir, source: settings.reportDirSource)
        try OutputBucketCheck.require(dir, source: settings.reportDirSource, environment: context.configuration.environment)
    }

    /// Creates a local report directory (an `s3://bucket/prefix/` needs nothing: each file
    /// is an object under the prefix); an error names the variable when the directory came
    /// from one (`EBV_REPORT_DIR: m.gz: not a directory`).
    static func createDirectory(_ dir: String, source: String) throws {
        func failure(_ why: String) -> CLIError {
            source.hasPrefix("EBV_") ? CLIError(source, "\(dir): \(why)") : CLIError(dir, why)
        }
        if Endpoints.isS3(dir) { return }
        if InputShape.isNonDirectory(dir) { throw failure("not a directory (the report directory holds report.json, findings.ndjson.gz, summary.txt)") }
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw failure("cannot create directory")
        }
    }
}
