/// The outcome of a diff: counts per class and severity, what was verified,
/// timings, and the first N findings of each class (docs/verdicts.md).
///
/// Built while the diff streams: `add(_:)` each finding, then `finish(...)`.
/// Times are injected (nanoseconds since the epoch), never read from a clock here.
public struct DiffReport: Sendable, Equatable {
    public let policy: SeverityPolicy
    /// Findings kept per class (the findings file has all of them).
    public let findingsPerClass: Int
    /// Error findings kept, in diff order, for the human summary.
    public let summaryErrorLimit: Int
    public let isThreeWay: Bool
    /// Start of the backup window: the baseline header's `startedAtNs`.
    public let windowStartNs: Int64
    /// End of the backup window (when the backup completed), if given.
    public let windowEndNs: Int64?
    public let startedAtNs: Int64
    public private(set) var finishedAtNs: Int64
    /// The top-level directory stripped from restored paths, if any.
    public private(set) var restoredRoot: [UInt8]?
    /// Counts per class (matches included), files and bytes verified.
    public private(set) var tally = DiffTally()
    private var samples: [[Finding]]
    /// The first `summaryErrorLimit` findings of severity error, in diff order.
    public private(set) var firstErrors: [Finding] = []
    /// The walk behind each input read to its trailer, by role (`baseline`, `post`,
    /// `restored`; ``WalkStats/roles(count:)``): set by the caller, which has the inputs.
    public var walks: [String: WalkStats] = [:]

    public init(policy: SeverityPolicy = .default, findingsPerClass: Int = 100, summaryErrorLimit: Int = 5,
                isThreeWay: Bool, windowStartNs: Int64, windowEndNs: Int64? = nil, startedAtNs: Int64) {
        self.policy = policy
        self.findingsPerClass = max(0, findingsPerClass)
        self.summaryErrorLimit = max(0, summaryErrorLimit)
        self.isThreeWay = isThreeWay
        self.windowStartNs = windowStartNs
        self.windowEndNs = windowEndNs
        self.startedAtNs = startedAtNs
        finishedAtNs = startedAtNs
        samples = Array(repeating: [], count: VerdictClass.allCases.count)
    }

    /// Keeps `finding` if its class has fewer than `findingsPerClass` so far.
    public mutating func add(_ finding: Finding) {
        if samples[finding.verdict.ordinal].count < findingsPerClass {
            samples[finding.verdict.ordinal].append(finding)
        }
        if finding.severity == .error && firstErrors.count < summaryErrorLimit {
            firstErrors.append(finding)
        }
    }

    /// Records the diff's final counts and the end time.
    public mutating func finish(tally: DiffTally, restoredRoot: [UInt8]?, finishedAtNs: Int64) {
        self.tally = tally
        self.restoredRoot = restoredRoot
        self.finishedAtNs = finishedAtNs
    }

    /// The kept findings of `verdict`, in diff order.
    public func findings(of verdict: VerdictClass) -> [Finding] { samples[verdict.ordinal] }

    /// Paths whose class has `severity` under the policy (matches included).
    /// A sum of class counts, so at most `tally.entriesCompared`: it cannot overflow.
    public func count(of severity: Severity) -> UInt64 {
        VerdictClass.allCases.reduce(0) { $0 + (policy[$1] == severity ? tally[$1] : 0) }
    }

    /// True when no path has a class of severity error.
    public var passed: Bool { count(of: .error) == 0 }

    /// Whole milliseconds from `startedAtNs` to `finishedAtNs`.
    /// A difference too large for `Int64` (a clock read as nonsense) gives
    /// `Int64.max / 1_000_000` or `Int64.min / 1_000_000`, never a trap.
    public var durationMs: Int64 {
        let (difference, overflow) = finishedAtNs.subtractingReportingOverflow(startedAtNs)
        if overflow { return (finishedAtNs > startedAtNs ? Int64.max : Int64.min) / 1_000_000 }
        return difference / 1_000_000
    }

    /// Process exit status for the CLI: 0 passed, 1 error findings (2, trouble,
    /// is for errors thrown before a report exists).
    public var exitCode: Int32 { passed ? 0 : 1 }
}

extension MergeDiff {
    /// Runs the diff to the end: every finding goes to `findings` (when given)
    /// and into the report.
    ///
    /// - Parameters:
    ///   - findings: the full findings file, or nil; flushed, not finished.
    ///   - clock: nanoseconds since the epoch, read once at the start and once at the end.
    /// - Throws: whatever `next()` or the writer throws.
    /// `each`, when given, gets every finding with the entries behind it, in diff order.
    public mutating func run(findings: FindingsWriter? = nil, findingsPerClass: Int = 100,
                             clock: () -> Int64, each: ((Finding, FindingSides) throws -> Void)? = nil) throws -> DiffReport {
        var report = DiffReport(policy: options.policy, findingsPerClass: findingsPerClass,
                                isThreeWay: isThreeWay, windowStartNs: windowStartNs, windowEndNs: windowEndNs,
                                startedAtNs: clock())
        while let finding = try next() {
            report.add(finding)
            try findings?.write(finding)
            try each?(finding, lastSides)
        }
        try findings?.flush()
        report.finish(tally: tally, restoredRoot: strippedRoot, finishedAtNs: clock())
        return report
    }
}
