import Glibc
import XCTest
@testable import ManifestKit

/// Walks a test tree whole and by shards, in memory, and joins the parts.
struct ShardWalk {
    let tree: WalkTestTree
    var concurrency = 4

    /// One manifest of the whole tree: its bytes, entries and trailer.
    func single() throws -> (bytes: [UInt8], entries: [ManifestEntry], trailer: ManifestTrailer) {
        try write(range: .all, header: ManifestHeader(role: .baseline, root: tree.root, startedAtNs: 1, tool: "t"))
    }

    func write(range: ShardRange, header: ManifestHeader) throws -> (bytes: [UInt8], entries: [ManifestEntry], trailer: ManifestTrailer) {
        var options = WalkOptions(concurrency: concurrency)
        options.range = range
        let sink = MemorySink()
        let writer = try ManifestWriter(header: header, sink: sink, compressOn: .caller)
        var entries: [ManifestEntry] = []
        try TreeWalker(root: tree.root, options: options).run { entry in
            entries.append(entry)
            try writer.append(entry)
        }
        let trailer = try writer.finish(completedAtNs: 2)
        return (sink.bytes, entries, trailer)
    }

    /// Every shard of `plan` walked as its own manifest (named `part-I`), then
    /// read back through a set index as one stream.
    func walkShards(_ plan: ShardPlan, file: StaticString = #filePath, line: UInt = #line) throws
        -> (entries: [ManifestEntry], trailer: ManifestTrailer, parts: [[ManifestEntry]]) {
        let digest = ShardPlan.digest(of: plan.encoded())
        var files: [String: [UInt8]] = [:]
        var builder = ManifestSetBuilder(plan: digest, shardPlan: plan, requireOrder: true)
        var parts: [[ManifestEntry]] = []
        for shard in plan.shards {
            let header = ManifestHeader(role: .baseline, root: tree.root, startedAtNs: 1, tool: "t",
                                        shardIndex: shard.index, shardCount: plan.count, shardPlan: digest, shardRange: shard.range)
            let part = try write(range: shard.range, header: header)
            for e in part.entries {
                XCTAssertTrue(shard.range.contains(e.path), "shard \(shard.index) emitted \(e.displayPath)", file: file, line: line)
            }
            files["dir/part-\(shard.index)"] = part.bytes
            try builder.add(location: "part-\(shard.index)", header: header, trailer: part.trailer)
            parts.append(part.entries)
        }
        let set = try builder.build()
        let reader = try ManifestSetReader(set: set, name: "dir/x.set.json") { location in
            guard let bytes = files[location] else { throw ManifestKitError(.io, subject: location, reason: "ENOENT") }
            return MemorySource(bytes, name: location)
        }
        var entries: [ManifestEntry] = []
        while let e = try reader.next() { entries.append(e) }
        return (entries, try XCTUnwrap(reader.trailer, file: file, line: line), parts)
    }

    /// A plan of `boundaries` (sorted, distinct) with zero counts.
    static func plan(_ boundaries: [[UInt8]]) -> ShardPlan {
        let bounds: [[UInt8]?] = [nil] + boundaries + [nil]
        let shards = (0...boundaries.count).map {
            ShardPlan.Shard(index: $0, range: ShardRange(start: bounds[$0], end: bounds[$0 + 1]), entries: 0, bytes: 0, cost: 0)
        }
        return ShardPlan(source: .init(entries: 0, entriesSha256: sha256OfEmpty), cost: ShardPlanner.defaultCost, shards: shards)
    }

    /// Plans from manifest bytes (each pass reads them anew).
    static func planned(_ bytes: [UInt8], shards: Int, cost: ShardPlan.CostModel = ShardPlanner.defaultCost) throws -> ShardPlan {
        try ShardPlanner(shards: shards, cost: cost).plan { try ManifestReader(source: MemorySource(bytes)) }
    }
}
