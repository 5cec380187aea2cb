#if DEBUG
import ManifestKit

extension FuzzTarget {
    /// A shard plan file and a manifest set index through their decoders; what
    /// decodes must survive re-encoding, and a decoded plan's ranges must hold
    /// the paths its shardIndex(of:) assigns them.
    static let shardIndex = FuzzTarget(name: "shard-index", summary: "a shard plan (plan-1) or manifest set index (set-1) file") { input in
        if let plan = try? ShardPlan.decode(input, name: "plan") {
            guard (try? ShardPlan.decode(plan.encoded(), name: "again")) == plan else {
                fatalError("plan changed by re-encoding: \(String(decoding: plan.encoded(), as: UTF8.self))")
            }
            for shard in plan.shards {
                if let start = shard.range.start {
                    guard plan.shardIndex(of: start) == shard.index, plan.contains(start, shard: shard.index) else {
                        fatalError("shard \(shard.index) does not hold its own start")
                    }
                }
            }
        }
        if let set = try? ManifestSet.decode(input, name: "set") {
            guard (try? ManifestSet.decode(set.encoded(), name: "again")) == set else {
                fatalError("set changed by re-encoding: \(String(decoding: set.encoded(), as: UTF8.self))")
            }
        }
    }

    /// A part's ends (`<part>.ends.ndjson`: its header and trailer lines), which the
    /// orchestrator reads from S3 instead of the part: what decodes must survive
    /// re-encoding (the decoder itself refuses counts that disagree).
    static let manifestEnds = FuzzTarget(name: "manifest-ends", summary: "a manifest's ends (header and trailer lines)") { input in
        guard let ends = try? ManifestEnds.decode(input, name: "ends") else { return }
        guard (try? ManifestEnds.decode(ends.encoded(), name: "again")) == ends else {
            fatalError("ends changed by re-encoding: \(String(decoding: ends.encoded(), as: UTF8.self))")
        }
    }
}
#endif
