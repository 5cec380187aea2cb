import Foundation

/// Builds the SNS subject and body for a run (pure). The subject is printable ASCII, less
/// than 100 characters (SNS refuses anything else); the body at most 262,144 UTF-8 bytes,
/// carrying the summary and S3 links (the full report lives in S3).
public struct Notification: Sendable, Equatable {
    /// SNS: "less than 100 characters", ASCII, no line breaks.
    public static let maxSubjectCharacters = 99
    public static let maxMessageBytes = 262_144
    static let truncationNote = "\n…(truncated; the full report is in S3)\n"

    public var subject: String
    public var message: String

    public init(subject: String, message: String) {
        self.subject = Self.cleanSubject(subject)
        self.message = Self.truncate(message, toBytes: Self.maxMessageBytes)
    }

    /// The run's summary notification.
    public static func forRun(_ run: Run, naming: RunNaming) -> Notification {
        let result = run.result?.rawValue ?? "unknown"
        let subject = "[efs-backup-verifier] \(result.uppercased()) \(run.fileSystemId) run \(run.runId)"
        var lines = [
            "Result: \(result)",
            "File system: \(run.fileSystemId)",
            "Run: \(run.runId) (\(run.origin.rawValue))",
        ]
        if let arn = run.recoveryPointArn { lines.append("Recovery point: \(arn)") }
        if let id = run.backupJobId { lines.append("Backup job: \(id)") }
        if let id = run.restoreJobId { lines.append("Restore job: \(id)") }
        if let plan = run.restoreTestingPlanArn { lines.append("Restore testing plan: \(plan)") }
        if let message = run.resultMessage { lines.append("Reason: \(message)") }
        if let report = run.report {
            lines.append("")
            lines.append(report.summaryText.trimmingCharacters(in: .newlines))
            lines.append("")
            lines.append("Report: \(naming.s3URI(report.reportKey))")
            lines.append("Findings: \(naming.s3URI(report.findingsKey))")
            lines.append("Summary: \(naming.s3URI(report.summaryKey))")
        }
        lines.append("Run document: \(naming.s3URI(naming.runKey(fileSystemId: run.fileSystemId, runId: run.runId)))")
        return Notification(subject: subject, message: lines.joined(separator: "\n") + "\n")
    }

    /// An alert about something other than a run's result (a safety refusal, an orphan).
    public static func alert(_ title: String, _ body: String) -> Notification {
        Notification(subject: "[efs-backup-verifier] ALERT \(title)", message: body + "\n")
    }

    /// Printable ASCII only (whitespace and line breaks become spaces, anything else `?`),
    /// cut to `maxSubjectCharacters` ending in `...` when longer.
    static func cleanSubject(_ text: String) -> String {
        var flat = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x20...0x7E: flat.unicodeScalars.append(scalar)
            case 0x09...0x0D, 0x85, 0x2028, 0x2029: flat.append(" ")
            default: flat.append("?")
            }
        }
        guard flat.count > maxSubjectCharacters else { return flat }
        return String(flat.prefix(maxSubjectCharacters - 3)) + "..."
    }

    static func truncate(_ text: String, toBytes limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        let budget = limit - truncationNote.utf8.count
        var out = ""
        var used = 0
        for character in text {
            let size = String(character).utf8.count
            if used + size > budget { break }
            out.append(character)
            used += size
        }
        return out + truncationNote
    }
}
