import Foundation
import ManifestKit

/// Runs a merge-diff to the end and produces its outputs: the summary and
/// report JSON for the console and, with `--report-dir` (a directory, or an
/// `s3://bucket/prefix/`), the files `report.json`, `findings.ndjson.gz` and `summary.txt`.
enum ReportOutput {
    static let reportName = "report.json"
    static let findingsName = "findings.ndjson.gz"
    static let summaryName = "summary.txt"

    static func run(_ merge: inout MergeDiff, settings: DiffSettings, context: CommandContext) throws -> DiffOutcome {
        var findingsSink: (any ByteSink)?
        var findings: FindingsWriter?
        if let dir = settings.reportDir {
            try createDirectory(dir)
            let gzip = try GzipCompressingSink(wrapping: Endpoints.sink(for: join(dir, findingsName), environment: context.configuration.environment))
            // Compressed and written on a thread of its own, beside the merge.
            let output = BackgroundSink(wrapping: gzip)
            findingsSink = output
            findings = FindingsWriter(sink: output)
        }
        let report: DiffReport
        do {
            report = try merge.run(findings: findings, findingsPerClass: settings.maxFindings, clock: context.now)
            try findings?.finish()
        } catch {
            findingsSink?.abort()
            throw error
        }
        let json = report.json()
        let summary = report.summaryText()
        if let dir = settings.reportDir {
            try write(json, to: join(dir, reportName), context: context)
            try write(Array(summary.utf8), to: join(dir, summaryName), context: context)
        }
        return DiffOutcome(summary: summary, reportJSON: String(decoding: json, as: UTF8.self), passed: report.passed)
    }

    private static func write(_ bytes: [UInt8], to path: String, context: CommandContext) throws {
        let sink = try Endpoints.sink(for: path, environment: context.configuration.environment)
        do {
            try sink.write(bytes)
            try sink.finish()
        } catch {
            sink.abort()
            throw error
        }
    }

    private static func join(_ dir: String, _ name: String) -> String {
        dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }

    /// A local directory is created; an `s3://bucket/prefix/` needs nothing (each file is
    /// an object under the prefix).
    private static func createDirectory(_ dir: String) throws {
        if Endpoints.isS3(dir) { return }
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw CLIError(dir, "cannot create directory")
        }
    }
}
