import Primitives

/// What `report.html` shows (docs/verdicts.md, "report.html"): the same
/// ``DiffReport`` that `report.json` is written from, the inputs' headers and
/// trailers, and — for an orchestrator run — the run's facts, timeline and
/// resources. Built by the caller; rendered by ``html()``. Pure: times are
/// given, never read.
public struct ReportPage: Sendable {
    /// How the verdict banner looks.
    public enum Tone: String, Sendable {
        case pass, fail, other
    }

    /// The verdict banner and the facts beside it.
    public struct Verdict: Sendable, Equatable {
        /// `PASS`, `FAIL`, `NO-BASELINE`, … (shown as it is, escaped).
        public var title: String
        public var tone: Tone
        /// Why: one line.
        public var reason: String
        /// Label and value pairs (file system, recovery point, run id, …).
        public var facts: [Fact]

        public init(title: String, tone: Tone, reason: String, facts: [Fact] = []) {
            self.title = title
            self.tone = tone
            self.reason = reason
            self.facts = facts
        }
    }

    /// One label and value.
    public struct Fact: Sendable, Equatable {
        public var label: String
        public var value: String

        public init(_ label: String, _ value: String) {
            self.label = label
            self.value = value
        }
    }

    /// One point of an orchestrator run's timeline.
    public struct TimelineEvent: Sendable, Equatable {
        public var label: String
        /// Nanoseconds since the epoch; nil when the run did not record it.
        public var atNs: Int64?
        /// A measured span or other note (e.g. `restore took 4 min 2 s`).
        public var note: String

        public init(_ label: String, atNs: Int64?, note: String = "") {
            self.label = label
            self.atNs = atNs
            self.note = note
        }
    }

    /// One temporary resource an orchestrator run created.
    public struct Resource: Sendable, Equatable {
        public var kind: String
        public var id: String
        /// `deleted`, `to be deleted`, `refused: …`, …
        public var status: String

        public init(kind: String, id: String, status: String) {
            self.kind = kind
            self.id = id
            self.status = status
        }
    }

    /// The run part of the page (between the run markers, so that a later
    /// rendering of the run can replace it: ``replacingRunSection(in:with:)``).
    public struct RunSection: Sendable, Equatable {
        public var verdict: Verdict
        public var timeline: [TimelineEvent]
        public var resources: [Resource]

        public init(verdict: Verdict, timeline: [TimelineEvent] = [], resources: [Resource] = []) {
            self.verdict = verdict
            self.timeline = timeline
            self.resources = resources
        }
    }

    /// One input of the comparison.
    public struct Input: Sendable, Equatable {
        /// Where it was read from (a file, `-`, `s3://…`, a directory).
        public var source: String
        public var header: ManifestHeader
        /// Nil for a tree walked by `verify` (no manifest written).
        public var trailer: ManifestTrailer?
        /// A manifest set's parts (header and checked trailer each), in shard order; empty
        /// for one manifest. Their walks are the role's shards (``WalkStats/init(shards:)``).
        public var parts: [ManifestSummary]

        public init(source: String, header: ManifestHeader, trailer: ManifestTrailer?, parts: [ManifestSummary] = []) {
            self.source = source
            self.header = header
            self.trailer = trailer
            self.parts = parts
        }
    }

    public var run: RunSection
    public var report: DiffReport?
    public var inputs: [Input]
    /// Where the full list of findings is (`findings.ndjson.gz`, an `s3://` URI).
    public var findingsLocation: String
    /// When the page was made, nanoseconds since the epoch.
    public var generatedAtNs: Int64

    public init(run: RunSection, report: DiffReport?, inputs: [Input], findingsLocation: String, generatedAtNs: Int64) {
        self.run = run
        self.report = report
        self.inputs = inputs
        self.findingsLocation = findingsLocation
        self.generatedAtNs = generatedAtNs
    }

    /// A `diff`/`verify` page: the banner and facts come from the report and the inputs.
    public init(report: DiffReport, inputs: [Input], findingsLocation: String, generatedAtNs: Int64) {
        self.init(run: RunSection(verdict: Self.verdict(of: report, inputs: inputs)), report: report, inputs: inputs,
                  findingsLocation: findingsLocation, generatedAtNs: generatedAtNs)
    }

    /// PASS or FAIL with the severity counts (summary.txt's first line), the
    /// file system and recovery point the inputs name, and the window.
    public static func verdict(of report: DiffReport, inputs: [Input]) -> Verdict {
        let counted = [Severity.error, .warning, .info]
            .filter { report.count(of: $0) > 0 }
            .map { "\(report.count(of: $0)) \($0.rawValue)" }
        let reason = counted.isEmpty ? "no findings" : counted.joined(separator: ", ") + " findings"
        var facts: [Fact] = []
        if let fs = inputs.lazy.compactMap(\.header.fileSystemId).first { facts.append(Fact("File system", fs)) }
        if let rp = inputs.lazy.compactMap(\.header.recoveryPointArn).first { facts.append(Fact("Recovery point", rp)) }
        facts.append(Fact("Comparison", report.isThreeWay ? "three-way" : "two-way"))
        var window = Timestamp.format(ns: report.windowStartNs, fractionDigits: 0)
        window += " → " + (report.windowEndNs.map { Timestamp.format(ns: $0, fractionDigits: 0) } ?? "open")
        facts.append(Fact("Backup window", window))
        return Verdict(title: report.passed ? "PASS" : "FAIL", tone: report.passed ? .pass : .fail,
                       reason: reason, facts: facts)
    }
}
