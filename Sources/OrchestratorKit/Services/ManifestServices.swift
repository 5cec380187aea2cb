import Foundation
import ManifestKit

/// A manifest object in S3.
public struct ManifestRef: Sendable, Equatable, Codable {
    public var key: String
    /// The manifest trailer's `completedAt`.
    public var completedAt: Date
    /// The trailer's entry count (nil in documents written before it was kept).
    public var entries: Int?

    public init(key: String, completedAt: Date, entries: Int? = nil) {
        self.key = key
        self.completedAt = completedAt
        self.entries = entries
    }
}

/// A baseline candidate that was not chosen, and why (`"digest mismatch …"`, `"completed at …"`).
public struct SkippedCandidate: Sendable, Equatable {
    public var key: String
    public var reason: String

    public init(key: String, reason: String) {
        self.key = key
        self.reason = reason
    }
}

/// The outcome of a baseline search: the chosen manifest (nil: none) and every newer
/// candidate that was examined and passed over, newest first.
public struct BaselineSearch: Sendable, Equatable {
    public var found: ManifestRef?
    public var skipped: [SkippedCandidate]

    public init(found: ManifestRef?, skipped: [SkippedCandidate] = []) {
        self.found = found
        self.skipped = skipped
    }
}

/// Finds manifests (production: S3 ListObjectsV2 + ManifestKit's validating reader).
public protocol ManifestCatalog: Sendable {
    /// The newest manifest under `prefix` that is valid (trailer and digest check) and
    /// completed strictly before `before`, with the reason each newer candidate was skipped.
    /// - Throws: when a candidate cannot be read (throttling, access denied, transport):
    ///   an older baseline is never chosen only because a newer one could not be fetched.
    func searchBaseline(prefix: String, before: Date) async throws -> BaselineSearch
    /// True when an object exists at `key`.
    func exists(key: String) async throws -> Bool
    /// Reads one part manifest's header shard fields and trailer: from its ends
    /// (`<key>.ends.ndjson`, ManifestKit's `ManifestEnds`) when they exist, else from the
    /// part itself through the validating reader.
    /// - Throws: `PartUnreadable` when the object is not a valid manifest (a verdict on the
    ///   part); any other error when it could not be fetched (retried).
    func readPart(key: String) async throws -> PartRead
}

/// One part manifest's header shard fields and its trailer summary.
public struct PartRead: Sendable, Equatable {
    public var shardIndex: Int
    public var shardCount: Int
    /// The plan digest the header names (nil when the header has none).
    public var planDigest: String?
    public var summary: PartSummary
    /// The object these were read from: the part's ends, or the part (nil: not said).
    public var readFrom: String?

    public init(shardIndex: Int, shardCount: Int, planDigest: String?, summary: PartSummary, readFrom: String? = nil) {
        self.shardIndex = shardIndex
        self.shardCount = shardCount
        self.planDigest = planDigest
        self.summary = summary
        self.readFrom = readFrom
    }
}

/// A part manifest that is not a valid manifest (truncated, tampered, no trailer), or
/// whose ends are not valid ends.
public struct PartUnreadable: Error, Sendable, Equatable, CustomStringConvertible {
    public var key: String
    public var reason: String
    public init(key: String, reason: String) {
        self.key = key
        self.reason = reason
    }
    public var description: String { "\(key): \(reason)" }
}

extension ManifestCatalog {
    /// The chosen manifest of `searchBaseline`, without the skip reasons.
    public func newestValidManifest(prefix: String, before: Date) async throws -> ManifestRef? {
        try await searchBaseline(prefix: prefix, before: before).found
    }
}

/// Inputs of one verification diff.
public struct DiffRequest: Sendable, Equatable {
    public var baselineKey: String
    /// Nil → two-way diff.
    public var postKey: String?
    public var restoredKey: String
    /// Where the report set goes: `<reportPrefix>report.json`, `findings.ndjson.gz`, `summary.txt`.
    public var reportPrefix: String
    /// Severity overrides per verdict class (e.g. `metadata` → `error`).
    public var severities: [String: String]
    /// The end of the backup window (when the backup completed); two-way, a restored
    /// mtime after it is not explained by the window (docs/verdicts.md).
    public var windowEnd: Date?
    /// The diff stops (`DiffOutOfTime`, its uploads aborted) if it is still running then.
    public var deadline: Date?

    public init(
        baselineKey: String, postKey: String?, restoredKey: String, reportPrefix: String, severities: [String: String],
        windowEnd: Date? = nil, deadline: Date? = nil
    ) {
        self.baselineKey = baselineKey
        self.postKey = postKey
        self.restoredKey = restoredKey
        self.reportPrefix = reportPrefix
        self.severities = severities
        self.windowEnd = windowEnd
        self.deadline = deadline
    }
}

/// The small summary of a written report that the run keeps.
public struct ReportSummary: Sendable, Equatable, Codable {
    /// No finding of severity `error`.
    public var passed: Bool
    /// `three-way` or `two-way`.
    public var mode: String
    public var filesVerified: Int
    public var bytesVerified: Int64
    /// Finding counts per severity (`ok`, `info`, `warning`, `error`).
    public var findingsBySeverity: [String: Int]
    /// Finding counts per verdict class.
    public var findingsByClass: [String: Int]
    /// The short human summary (also written as `summary.txt`).
    public var summaryText: String
    public var reportKey: String
    public var findingsKey: String
    public var summaryKey: String
    /// Each compared manifest's walk (`baseline`, `post`, `restored`), from its header and trailer.
    public var walks: [String: WalkStats]?

    public init(
        passed: Bool, mode: String, filesVerified: Int, bytesVerified: Int64, findingsBySeverity: [String: Int],
        findingsByClass: [String: Int], summaryText: String, reportKey: String, findingsKey: String, summaryKey: String,
        walks: [String: WalkStats]? = nil
    ) {
        self.walks = walks
        self.passed = passed
        self.mode = mode
        self.filesVerified = filesVerified
        self.bytesVerified = bytesVerified
        self.findingsBySeverity = findingsBySeverity
        self.findingsByClass = findingsByClass
        self.summaryText = summaryText
        self.reportKey = reportKey
        self.findingsKey = findingsKey
        self.summaryKey = summaryKey
    }
}

/// `report.json` and `summary.txt` of a diff, kept in the run until written (a failing S3
/// write is retried like the other side effects; the verdict does not wait for it).
public struct ReportDocuments: Sendable, Equatable, Codable {
    public var reportKey: String
    public var reportJSON: String
    public var summaryKey: String
    public var summaryText: String

    public init(reportKey: String, reportJSON: String, summaryKey: String, summaryText: String) {
        self.reportKey = reportKey
        self.reportJSON = reportJSON
        self.summaryKey = summaryKey
        self.summaryText = summaryText
    }
}

/// What a diff decided, and the report documents still to write.
public struct DiffOutcome: Sendable, Equatable {
    public var summary: ReportSummary
    public var documents: ReportDocuments
    /// Paths compared (the rate of the next decision is measured from it).
    public var entriesCompared: Int

    public init(summary: ReportSummary, documents: ReportDocuments, entriesCompared: Int = 0) {
        self.summary = summary
        self.documents = documents
        self.entriesCompared = entriesCompared
    }
}

/// A diff in Lambda that reached its request's deadline; its uploads were aborted.
public struct DiffOutOfTime: Error, Sendable, Equatable, CustomStringConvertible {
    public init() {}
    public var description: String { "the diff ran out of time in this invocation" }
}

/// Runs the streaming diff (production: ManifestKit's diff over S3 streams, the findings
/// uploaded while it runs) and, separately, writes the report documents.
public protocol ManifestDiffer: Sendable {
    /// Diffs and writes `findings.ndjson.gz`. Throws when a manifest is invalid.
    func diff(_ request: DiffRequest) async throws -> DiffOutcome
    /// Writes `report.json` and `summary.txt` (idempotent).
    func writeReport(_ documents: ReportDocuments) async throws
    /// Reads the summary of a report set a diff task wrote under `reportPrefix`.
    func readReport(reportPrefix: String) async throws -> ReportSummary
}

extension ManifestDiffer {
    /// The diff and the whole report set, in one go.
    public func diffAndReport(_ request: DiffRequest) async throws -> ReportSummary {
        let outcome = try await diff(request)
        try await writeReport(outcome.documents)
        return outcome.summary
    }
}
