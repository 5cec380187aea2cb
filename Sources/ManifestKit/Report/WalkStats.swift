/// One manifest's walk, from its header and trailer: the worker's final counts,
/// how long the walk took and its throughput (pure). A diff keeps one per input that
/// was read to its trailer (``DiffReport/walks``: `report.json`'s `walks`, `summary.txt`'s
/// `walks:` lines, `report.html`'s "Walks" table); the orchestrator's run keeps them too
/// (`ReportSummary.walks`) and the SNS summary shows them: the evidence to size tasks and shards.
/// A manifest set's walk is its parts' aggregate and carries each part's walk in ``shards``
/// (WalkStats+Shards.swift).
public struct WalkStats: Sendable, Equatable {
    public var entries: UInt64
    public var files: UInt64
    public var bytes: UInt64
    public var errors: UInt64
    public var unstable: UInt64
    /// `completedAt − startedAt` in seconds (0 when the trailer is earlier), to the millisecond.
    public var seconds: Double
    /// Overall rates, one decimal (0 for a walk of no measurable length).
    public var filesPerSecond: Double
    public var megabytesPerSecond: Double
    /// The header's `startedAtNs` and the trailer's `completedAtNs` (nanoseconds since the
    /// epoch). The orchestrator adds `Date` views and the run document's coding.
    public var startedAtNs: Int64
    public var completedAtNs: Int64
    /// A manifest set's parts' walks, in shard order (position = shard index, 0-based);
    /// empty for one manifest. Set by ``init(shards:)``; a shard has none of its own.
    public var shards: [WalkStats] = []

    public init(header: ManifestHeader, trailer: ManifestTrailer) {
        self.init(entries: trailer.entries, files: trailer.files, bytes: trailer.bytes, errors: trailer.errors,
                  unstable: trailer.unstable, startedAtNs: header.startedAtNs, completedAtNs: trailer.completedAtNs)
    }

    /// From the counts and the two times (nanoseconds since the epoch), as `report.json` keeps them.
    public init(entries: UInt64, files: UInt64, bytes: UInt64, errors: UInt64, unstable: UInt64,
                startedAtNs: Int64, completedAtNs: Int64) {
        self.entries = entries
        self.files = files
        self.bytes = bytes
        self.errors = errors
        self.unstable = unstable
        self.startedAtNs = startedAtNs
        self.completedAtNs = completedAtNs
        let elapsed = completedAtNs.subtractingReportingOverflow(startedAtNs)
        let nanoseconds = elapsed.overflow ? 0 : max(elapsed.partialValue, 0)
        let secs = Double(nanoseconds) / 1e9
        seconds = (secs * 1000).rounded() / 1000
        filesPerSecond = secs > 0 ? (Double(files) / secs * 10).rounded() / 10 : 0
        megabytesPerSecond = secs > 0 ? (Double(bytes) / 1e6 / secs * 10).rounded() / 10 : 0
    }

    /// The roles of a diff's inputs in order: `baseline`, `restored`, or with a post
    /// manifest `baseline`, `post`, `restored`.
    public static func roles(count: Int) -> [String] {
        count == 3 ? ["baseline", "post", "restored"] : ["baseline", "restored"]
    }

    /// The walks of a diff's inputs (in order: ``roles(count:)``) that were read to their
    /// trailers, by role; a walked tree (`verify`, `check`) has no trailer and no entry.
    /// A manifest set's walk is its parts' aggregate with each part's walk (``init(shards:)``).
    public static func byRole(_ inputs: [ReportPage.Input]) -> [String: WalkStats] {
        var walks: [String: WalkStats] = [:]
        for (role, input) in zip(roles(count: inputs.count), inputs) {
            guard let trailer = input.trailer else { continue }
            walks[role] = WalkStats(shards: input.parts.map { WalkStats(header: $0.header, trailer: $0.trailer) })
                ?? WalkStats(header: input.header, trailer: trailer)
        }
        return walks
    }

    /// `12m03s, 1200 entries, 1000 files, 52428800 bytes, 0 errors, 16.7 files/s, 0.9 MB/s`.
    public var line: String {
        "\(Self.duration(seconds)), \(entries) entries, \(files) files, \(bytes) bytes, \(errors) errors, "
            + "\(filesPerSecond) files/s, \(megabytesPerSecond) MB/s"
    }

    /// `45s`, `12m03s`, `2h05m09s` (whole seconds; `0s` for anything not positive and finite).
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds > 0, let whole = Int64(exactly: seconds.rounded(.down)) else { return "0s" }
        let pad = { (n: Int64) in n < 10 ? "0\(n)" : "\(n)" }
        if whole >= 3600 { return "\(whole / 3600)h\(pad(whole % 3600 / 60))m\(pad(whole % 60))s" }
        if whole >= 60 { return "\(whole / 60)m\(pad(whole % 60))s" }
        return "\(whole)s"
    }
}
