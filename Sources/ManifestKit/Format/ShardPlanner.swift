/// Computes a ``ShardPlan`` from a previous manifest of the same tree, in two
/// streaming passes (memory does not grow with the manifest, only with K):
///
/// 1. read every entry for the total estimated cost (``ShardPlan/CostModel``)
///    and the trailer (the plan's source);
/// 2. read again and cut: a boundary goes before entry `e` once the shard so
///    far, plus half of `e`'s own cost, reaches the fair share of what is left
///    (the cost not yet in a shard over the shards not yet cut), so a shard ends
///    nearest its share, an entry costlier than a share gets a shard of its own,
///    and what follows it is split evenly again.
///
/// Every boundary is an entry's path, so every range holds at least one entry
/// of the source: a manifest with fewer entries than K gets fewer shards (one
/// for an empty manifest).
public struct ShardPlanner: Sendable {
    /// The default cost model (docs/manifest-format.md, "Shard plan"): 800 µs per
    /// entry — the measured 1,263 files/s of one walker at `--concurrency 32`
    /// through a 2 ms-latency file system (bench/README.md, latency) — and
    /// 200 MB/s of reading for one task, between AWS Backup's documented
    /// ~100 MB/s on large files and the ~650 MB/s hashing limit measured on 2 cores.
    public static let defaultCost = ShardPlan.CostModel(perEntryMicros: 800, bytesPerSecond: 200_000_000)

    /// K, the shards asked for (1 … ``ShardPlan/maxShards``).
    public var shards: Int
    public var cost: ShardPlan.CostModel

    public init(shards: Int, cost: ShardPlan.CostModel = ShardPlanner.defaultCost) {
        self.shards = shards
        self.cost = cost
    }

    /// Plans from the manifest `open` opens (called twice, once per pass; a
    /// manifest or a set).
    /// - Throws: ``ManifestKitError``: `.invalidArgument` for K or the cost model,
    ///   the reader's errors, `.invalidManifest` when the two passes differ.
    public func plan(open: () throws -> any ManifestStream) throws -> ShardPlan {
        guard (1...ShardPlan.maxShards).contains(shards) else {
            throw ManifestKitError(.invalidArgument, subject: "shards", reason: "must be between 1 and \(ShardPlan.maxShards), got \(shards)")
        }
        guard cost.bytesPerSecond > 0 else {
            throw ManifestKitError(.invalidArgument, subject: "bytesPerSecond", reason: "must be at least 1")
        }
        // Pass 1: the total.
        var first = try open()
        var total: UInt64 = 0
        while let entry = try first.next() { total = Self.add(total, cost.micros(for: entry)) }
        guard let sourceTrailer = first.trailer else {
            throw ManifestKitError(.invalidManifest, subject: first.name, reason: "no trailer")
        }
        let source = ShardPlan.Source(entries: sourceTrailer.entries, entriesSha256: sourceTrailer.entriesSha256,
                                      root: first.header.root, fileSystemId: first.header.fileSystemId)
        // Pass 2: the cuts.
        var second = try open()
        var cuts = Cutter(shards: shards, total: total)
        while let entry = try second.next() { cuts.add(entry, cost: cost.micros(for: entry)) }
        guard second.trailer?.entriesSha256 == sourceTrailer.entriesSha256 else {
            throw ManifestKitError(.invalidManifest, subject: second.name, reason: "changed between the planner's two passes")
        }
        return ShardPlan(source: source, cost: cost, shards: cuts.finish())
    }

    static func add(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (s, o) = a.addingReportingOverflow(b)
        return o ? .max : s
    }

    /// Pass 2's state: the shards cut so far and the one being filled.
    struct Cutter {
        let shards: Int
        let total: UInt64
        var done: [ShardPlan.Shard] = []
        var current = ShardPlan.Shard(index: 0, range: .all, entries: 0, bytes: 0, cost: 0)
        /// Cost of all entries before the current shard.
        var cut: UInt64 = 0

        init(shards: Int, total: UInt64) {
            self.shards = shards
            self.total = total
        }

        mutating func add(_ entry: ManifestEntry, cost: UInt64) {
            if done.count < shards - 1, current.entries > 0 {
                let left = total >= cut ? total - cut : 0
                let share = left / UInt64(shards - done.count)
                if ShardPlanner.add(current.cost, cost / 2 + cost % 2) >= share {
                    current.range.end = entry.path
                    done.append(current)
                    cut = ShardPlanner.add(cut, current.cost)
                    current = ShardPlan.Shard(index: done.count, range: ShardRange(start: entry.path, end: nil),
                                              entries: 0, bytes: 0, cost: 0)
                }
            }
            current.entries += 1
            if entry.type == .file { current.bytes = ShardPlanner.add(current.bytes, entry.size) }
            current.cost = ShardPlanner.add(current.cost, cost)
        }

        func finish() -> [ShardPlan.Shard] { done + [current] }
    }
}
