import Foundation

/// How many shards (worker tasks) a manifest is walked by (pure). A fixed count
/// (`EBV_SHARDS`) wins; otherwise one shard per `entriesPerShard` entries of the previous
/// manifest (rounded up), at most `maxShards`. With no previous manifest there is nothing
/// to plan from: one shard.
///
/// Why 2,000,000 entries per shard by default: a real Linux NFSv4.1 client sends about
/// 4 round trips per small file (bench/nfs-ops), so at EFS's 1–3 ms one worker task at
/// its default concurrency walks several thousand entries per second and a 2M-entry shard
/// takes minutes, not hours (docs/scaling.md: its model and the measured constants). It is
/// also the size the in-Lambda diff stops at (`EBV_DIFF_IN_LAMBDA_MAX_ENTRIES`): anything
/// sharded is diffed by a task. Each run's report shows every shard's walk and the balance,
/// to tune it (`EBV_ENTRIES_PER_SHARD`) from one's own file system.
public struct ShardSizing: Sendable, Equatable {
    /// The most shards a manifest may have (`EBV_SHARDS` and `EBV_MAX_SHARDS` are checked against it).
    public static let limit = 100

    public var fixed: Int?
    public var entriesPerShard: Int
    public var maxShards: Int

    public init(fixed: Int? = nil, entriesPerShard: Int = 2_000_000, maxShards: Int = 16) {
        self.fixed = fixed
        self.entriesPerShard = entriesPerShard
        self.maxShards = maxShards
    }

    /// The shard count for a manifest whose previous manifest had `previousEntries`
    /// entries (nil: no previous manifest, or its count is unknown → 1).
    public func count(previousEntries: Int?) -> Int {
        guard let previousEntries else { return 1 }
        if let fixed { return min(max(fixed, 1), Self.limit) }
        guard previousEntries > 0, entriesPerShard > 0 else { return 1 }
        let (quotient, remainder) = previousEntries.quotientAndRemainder(dividingBy: entriesPerShard)
        let needed = remainder == 0 ? quotient : quotient + 1
        return min(max(needed, 1), max(min(maxShards, Self.limit), 1))
    }
}
