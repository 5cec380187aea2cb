/// A manifest set's walk (pure): the aggregate of its parts' walks, how balanced the
/// shards were, and the lines a human summary shows of them. Shards are numbered
/// 0-based everywhere (`--shard I`, the set index's `index`, the part headers'
/// `shard.index`): `shard 2 of 3` is the last of three.
extension WalkStats {
    /// Every shard gets a line in a summary up to this many shards …
    public static let shardsListedInFull = 16
    /// … beyond it, only the slowest this many do (and a count of the rest): the SNS
    /// message is capped at 256 KiB and must stay readable.
    public static let slowestShardsListed = 5

    /// The walk of a set whose parts walked `shards` (in shard order): the earliest start,
    /// the latest completion, the counts summed (saturating at 2^64−1, never a trap), the
    /// throughput over that span; ``shards`` keeps the parts' walks. Nil for no parts.
    public init?(shards: [WalkStats]) {
        guard let first = shards.first else { return nil }
        func sum(_ field: KeyPath<WalkStats, UInt64>) -> UInt64 {
            shards.reduce(0) { total, shard in
                let (s, overflow) = total.addingReportingOverflow(shard[keyPath: field])
                return overflow ? .max : s
            }
        }
        self.init(entries: sum(\.entries), files: sum(\.files), bytes: sum(\.bytes), errors: sum(\.errors),
                  unstable: sum(\.unstable),
                  startedAtNs: shards.reduce(first.startedAtNs) { min($0, $1.startedAtNs) },
                  completedAtNs: shards.reduce(first.completedAtNs) { max($0, $1.completedAtNs) })
        self.shards = shards.map { shard in
            var own = shard
            own.shards = []
            return own
        }
    }

    /// The longest shard's duration over the shards' mean, two decimals (1.0: perfectly
    /// even; K: one shard did all the work); nil for one manifest.
    public var balance: Double? { Self.balance(shards.map(\.seconds)) }

    /// The slowest shard's index (the first of equals); nil for one manifest.
    public var slowestShard: Int? { Self.slowest(shards.map(\.seconds)) }

    /// The largest of `seconds` over their mean, two decimals; 1 when none took any time
    /// (nothing to balance), nil for none. Non-finite or negative durations count as 0.
    public static func balance(_ seconds: [Double]) -> Double? {
        guard !seconds.isEmpty else { return nil }
        let clean = seconds.map { $0.isFinite && $0 > 0 ? $0 : 0 }
        let mean = clean.reduce(0, +) / Double(clean.count)
        guard mean > 0, mean.isFinite, let largest = clean.max() else { return 1 }
        return (largest / mean * 100).rounded() / 100
    }

    /// The index of the largest of `seconds` (the first of equals); nil for none.
    static func slowest(_ seconds: [Double]) -> Int? {
        seconds.indices.max { seconds[$0] < seconds[$1] || (seconds[$0] == seconds[$1] && $0 > $1) }
    }

    /// Which shards a summary lists: all of them in order up to ``shardsListedInFull``;
    /// beyond, the ``slowestShardsListed`` slowest, slowest first (equals in index order).
    /// A shard without a duration (`nil`) is never counted among the slowest.
    public static func listedShards(_ seconds: [Double?]) -> [Int] {
        guard seconds.count > shardsListedInFull else { return Array(seconds.indices) }
        let known = seconds.indices.compactMap { i in seconds[i].map { (i, $0) } }
        let ordered = known.sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
        return ordered.prefix(slowestShardsListed).map(\.0)
    }

    /// The lines under a sharded role's line in a summary (`summary.txt`, the SNS message),
    /// indented by four spaces:
    /// ```
    ///     shards: 3, balance 1.25 (slowest: shard 2 of 3, 5m00s; mean 4m00s)
    ///     shard 0 of 3: 4m00s, 400 entries, …
    /// ```
    /// every shard (``listedShards(_:)``), or for a large K the slowest and
    /// `    … 35 more shards, none slower (<more>)`.
    /// - Parameters:
    ///   - shards: each shard's walk in shard order; nil where it is not known (its line
    ///     says so; the balance is over the known ones).
    ///   - line: a known walk's text (``line`` and, in `summary.txt`, its times).
    ///   - note: what follows shard i's text (the SNS: its task's run time and attempt).
    ///   - more: where every shard is listed.
    public static func shardLines(_ shards: [WalkStats?], line: (WalkStats) -> String,
                                  note: (Int) -> String = { _ in "" }, more: String) -> [String] {
        let count = shards.count
        guard count > 0 else { return [] }
        let known = shards.compactMap { $0?.seconds }
        var head = "    shards: \(count)"
        if let balance = balance(known), let slowest = slowest(shards.map { $0?.seconds ?? -1 }),
           let walk = shards[slowest] {
            let mean = known.reduce(0, +) / Double(known.count)
            head += ", balance \(balance) (slowest: shard \(slowest) of \(count), \(duration(walk.seconds)); mean \(duration(mean)))"
        }
        var lines = [head]
        let listed = listedShards(shards.map { $0?.seconds })
        for i in listed {
            let text = shards[i].map(line) ?? "no walk recorded"
            lines.append("    shard \(i) of \(count): \(text)\(note(i))")
        }
        if listed.count < count {
            let rest = count - listed.count
            lines.append("    … \(rest) more shard\(rest == 1 ? "" : "s"), none slower (\(more))")
        }
        return lines
    }
}
