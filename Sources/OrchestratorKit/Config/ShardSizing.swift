import Foundation

/// How many shards (worker tasks) a manifest is walked by (pure). A fixed count
/// (`EBV_SHARDS`) wins; otherwise one shard per `entriesPerShard` entries of the previous
/// manifest (rounded up), at most `maxShards`. With no previous manifest there is nothing
/// to plan from: one shard.
///
/// Why 2,000,000 entries per shard by default: on EFS each entry costs a few NFS round
/// trips (~1–3 ms each) and one worker task at its default concurrency walks on the order
/// of 500–2,000 entries per second there, so a 2M-entry shard takes roughly 20–60 minutes
/// — long enough that a task's start (about a minute on Fargate) is noise, short enough that
/// a backup window's post manifest finishes within the hour. It is also the size the
/// in-Lambda diff stops at (`EBV_DIFF_IN_LAMBDA_MAX_ENTRIES`): anything sharded is diffed
/// by a task. `bench/run`'s `shards` section and docs/scaling.md refine it.
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
