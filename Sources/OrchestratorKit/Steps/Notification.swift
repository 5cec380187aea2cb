import Foundation
import ManifestKit

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

    /// Strings from events, AWS responses and file systems go through
    /// `HumanText` (ManifestKit's one escaping) before they reach the subject or the
    /// body, so none can add a line or drive a terminal.
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
            "File system: \(HumanText.line(run.fileSystemId))",
            "Run: \(HumanText.line(run.runId)) (\(run.origin.rawValue))",
        ]
        if let arn = run.recoveryPointArn { lines.append("Recovery point: \(HumanText.line(arn))") }
        if let id = run.backupJobId { lines.append("Backup job: \(HumanText.line(id))") }
        if let id = run.restoreJobId { lines.append("Restore job: \(HumanText.line(id))") }
        if let plan = run.restoreTestingPlanArn { lines.append("Restore testing plan: \(HumanText.line(plan))") }
        if let message = run.resultMessage { lines.append("Reason: \(HumanText.line(message))") }
        if let report = run.report {
            lines.append("")
            // Already escaped line by line (DiffReport.summaryText); each line once more,
            // which leaves escaped text as it is, for a summary from an older worker.
            lines.append(report.summaryText.trimmingCharacters(in: .newlines)
                .split(separator: "\n", omittingEmptySubsequences: false).map { HumanText.line(String($0)) }
                .joined(separator: "\n"))
            lines.append("")
            lines.append("Report: \(naming.s3URI(report.reportKey))")
            lines.append("Findings: \(naming.s3URI(report.findingsKey))")
            lines.append("Summary: \(naming.s3URI(report.summaryKey))")
            lines += walkLines(run, report.walks ?? [:])
        }
        lines.append("Report page: \(naming.consoleURL(naming.reportPageKey(fileSystemId: run.fileSystemId, runId: run.runId)))")
        lines.append("Run document: \(naming.s3URI(naming.runKey(fileSystemId: run.fileSystemId, runId: run.runId)))")
        return Notification(subject: subject, message: lines.joined(separator: "\n") + "\n")
    }

    /// `Walks:` then one line per role (manifest order): duration and throughput from the
    /// manifest's header and trailer, and the task's run time when this run started it. A
    /// manifest set's role is its parts' aggregate, followed by the shards' balance and a
    /// line per shard (0-based; all up to 16 shards, else the slowest 5:
    /// `WalkStats.shardLines`): its walk from this run's shard task record (else from the
    /// report, e.g. a sharded baseline of an earlier run), the task's run time and, for a
    /// shard started more than once, which attempt it was and why.
    static func walkLines(_ run: Run, _ walks: [String: WalkStats]) -> [String] {
        let lines = ["baseline", "post", "restored"].flatMap { role -> [String] in
            guard let walk = walks[role] else { return [] }
            let taskRole = TaskRole(rawValue: role)
            var line = "  \(role): \(walk.line)"
            if let taskRole, let task = run.tasks[taskRole], let start = task.startedAt, let stop = task.stoppedAt {
                line += " (task ran \(WalkStats.duration(stop.timeIntervalSince(start))))"
            }
            let records = taskRole.flatMap { run.shardTasks?[$0] } ?? []
            guard !records.isEmpty else {
                return [line] + WalkStats.shardLines(walk.shards, line: \.line, more: "report.json lists every shard")
            }
            let shards = records.indices.map { i in records[i].part?.walk ?? (i < walk.shards.count ? walk.shards[i] : nil) }
            return [line] + WalkStats.shardLines(shards, line: \.line, note: { taskNote(records[$0]) },
                                                 more: "report.json lists every shard")
        }
        return lines.isEmpty ? [] : ["", "Walks:"] + lines
    }

    /// ` (task ran 5m40s, attempt 2: retried after a non-zero exit)` for a shard's task, or
    /// less (nothing for a first start that recorded no times).
    static func taskNote(_ task: TaskRecord) -> String {
        var notes: [String] = []
        if let start = task.startedAt, let stop = task.stoppedAt {
            notes.append("task ran \(WalkStats.duration(stop.timeIntervalSince(start)))")
        }
        if task.attempt > 1 {
            notes.append("attempt \(task.attempt): retried after " + (task.restartedAfterExit == true ? "a non-zero exit" : "a failed start"))
        }
        return notes.isEmpty ? "" : " (" + notes.joined(separator: ", ") + ")"
    }

    /// An alert about something other than a run's result (a safety refusal, an orphan).
    public static func alert(_ title: String, _ body: String) -> Notification {
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false).map { HumanText.line(String($0)) }
        return Notification(subject: "[efs-backup-verifier] ALERT \(title)", message: lines.joined(separator: "\n") + "\n")
    }

    /// Printable ASCII only: whitespace and line breaks become spaces, other controls and
    /// bidi marks are escaped as `HumanText` escapes them, any other non-ASCII becomes `?`;
    /// cut to `maxSubjectCharacters` ending in `...` when longer.
    static func cleanSubject(_ text: String) -> String {
        var spaced = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x09...0x0D, 0x85, 0x2028, 0x2029: spaced.append(" ")
            default: spaced.unicodeScalars.append(scalar)
            }
        }
        var flat = ""
        for scalar in HumanText.line(spaced).unicodeScalars {
            if (0x20...0x7E).contains(scalar.value) { flat.unicodeScalars.append(scalar) } else { flat.append("?") }
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
