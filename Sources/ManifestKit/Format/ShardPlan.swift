/// How one walk is split into K shards: K contiguous ranges of manifest order
/// (docs/manifest-format.md, "Shard plan"), balanced by an estimated cost per
/// entry from a previous manifest of the same tree.
///
/// A plan is a small JSON file written by `manifest-worker plan-shards`
/// (``ShardPlanner``); its identity is the SHA-256 of the file's exact bytes
/// (``digest(of:)``), which every shard manifest carries in its header.
public struct ShardPlan: Sendable, Equatable {
    /// The format tag of the plan file.
    public static let formatTag = "efs-backup-verifier/plan-1"
    /// The most shards a plan may have.
    public static let maxShards = 10_000

    /// The manifest the plan was computed from.
    public struct Source: Sendable, Equatable {
        public var entries: UInt64
        /// The source manifest trailer's `entriesSha256`.
        public var entriesSha256: String
        public var root: String?
        public var fileSystemId: String?

        public init(entries: UInt64, entriesSha256: String, root: String? = nil, fileSystemId: String? = nil) {
            self.entries = entries
            self.entriesSha256 = entriesSha256
            self.root = root
            self.fileSystemId = fileSystemId
        }
    }

    /// The estimated cost of walking one entry, in microseconds:
    /// `perEntryMicros` for every entry (its round trips) plus, for a regular
    /// file, `size / bytesPerSecond` seconds of reading.
    public struct CostModel: Sendable, Equatable {
        public var perEntryMicros: UInt64
        public var bytesPerSecond: UInt64

        public init(perEntryMicros: UInt64, bytesPerSecond: UInt64) {
            self.perEntryMicros = perEntryMicros
            self.bytesPerSecond = bytesPerSecond
        }

        /// The estimate for `entry`, saturating at `UInt64.max`.
        public func micros(for entry: ManifestEntry) -> UInt64 {
            guard entry.type == .file, entry.size > 0, bytesPerSecond > 0 else { return perEntryMicros }
            let (hi, lo) = entry.size.multipliedFullWidth(by: 1_000_000)
            guard hi < bytesPerSecond else { return .max }
            let reading = bytesPerSecond.dividingFullWidth((hi, lo)).quotient
            let (sum, overflow) = reading.addingReportingOverflow(perEntryMicros)
            return overflow ? .max : sum
        }
    }

    /// One shard: its range and what the source manifest holds in it.
    public struct Shard: Sendable, Equatable {
        public var index: Int
        public var range: ShardRange
        /// Entries of the source manifest in the range.
        public var entries: UInt64
        /// Bytes of the source manifest's files in the range.
        public var bytes: UInt64
        /// The estimated cost of the range, microseconds (``CostModel``).
        public var cost: UInt64

        public init(index: Int, range: ShardRange, entries: UInt64, bytes: UInt64, cost: UInt64) {
            self.index = index
            self.range = range
            self.entries = entries
            self.bytes = bytes
            self.cost = cost
        }
    }

    public var source: Source
    public var cost: CostModel
    public var shards: [Shard]

    public init(source: Source, cost: CostModel, shards: [Shard]) {
        self.source = source
        self.cost = cost
        self.shards = shards
    }

    /// The number of shards, K.
    public var count: Int { shards.count }

    /// The range of shard `index` (0-based), nil when there is no such shard.
    public func range(of index: Int) -> ShardRange? {
        guard index >= 0, index < shards.count else { return nil }
        return shards[index].range
    }

    /// True when shard `index` holds `path`.
    public func contains(_ path: [UInt8], shard index: Int) -> Bool {
        range(of: index)?.contains(path) ?? false
    }

    /// The shard that holds `path` (binary search over the boundaries).
    public func shardIndex(of path: [UInt8]) -> Int {
        var lo = 0, hi = shards.count - 1
        while lo < hi {
            let mid = lo + (hi - lo + 1) / 2
            if let start = shards[mid].range.start, PathOrder.compare(path, start) < 0 {
                hi = mid - 1
            } else {
                lo = mid
            }
        }
        return max(lo, 0)
    }

    /// The lower-case hex SHA-256 of a plan file's exact bytes: the plan's identity.
    public static func digest(of bytes: [UInt8]) -> String { SHA256.hex(bytes) }

    /// Why the plan is not acceptable, or nil: 1 … ``maxShards`` shards,
    /// numbered 0 … K−1 in order, the first starting at −∞ and the last ending
    /// at +∞, each starting where the previous one ends, every range non-empty
    /// in order (`start` < `end`), `bytesPerSecond` > 0, `entriesSha256` 64 hex digits.
    public var problem: String? {
        guard !shards.isEmpty else { return "\"shards\" is empty" }
        guard shards.count <= Self.maxShards else { return "\(shards.count) shards (at most \(Self.maxShards))" }
        guard cost.bytesPerSecond > 0 else { return "\"cost.bytesPerSecond\" must be at least 1" }
        guard ManifestEntry.isSHA256Hex(source.entriesSha256) else {
            return "\"source.entriesSha256\" must be 64 lower-case hex digits"
        }
        var previousEnd: [UInt8]?
        for (i, shard) in shards.enumerated() {
            guard shard.index == i else { return "shard at position \(i) has \"index\" \(shard.index)" }
            if let p = shard.range.problem { return "shard \(i): \(p)" }
            if i == 0 {
                guard shard.range.start == nil else { return "shard 0 must start at null (the beginning)" }
            } else {
                guard let start = shard.range.start else { return "shard \(i) starts at null, only shard 0 may" }
                guard start == previousEnd else {
                    return "shard \(i) starts at \(JSONText.quoted(start)), not where shard \(i - 1) ends"
                }
            }
            if i == shards.count - 1 {
                guard shard.range.end == nil else { return "the last shard (\(i)) must end at null (the end)" }
            } else {
                guard shard.range.end != nil else { return "shard \(i) ends at null, only the last shard may" }
            }
            previousEnd = shard.range.end
        }
        return nil
    }
}
