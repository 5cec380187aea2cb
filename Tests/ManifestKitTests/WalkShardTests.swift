import Glibc
import Synchronization
import XCTest
@testable import ManifestKit

/// Walking by shards: the parts joined are byte for byte a single walk, for
/// every K, at planned and at arbitrary boundaries, and when the tree changed
/// since the plan.
final class WalkShardTests: XCTestCase {
    /// One huge directory, deep nesting, names that sort around `/`, non-UTF-8
    /// names, symlinks, empty directories.
    private func makeTree() throws -> WalkTestTree {
        let t = try WalkTestTree()
        try t.mkdir(b("a"))
        try t.write(b("a/b"), b("1"))
        try t.mkdir(b("a/b-dir"))
        try t.write(b("a/b-dir/x"), b("2"))
        try t.write(b("a-c"), b("3"))
        try t.mkdir(b("ab"))
        try t.mkdir(b("ab/empty"))
        try t.mkdir(b("huge"))
        for i in 0..<600 { try t.write(b("huge/f\(i)"), Array(repeating: UInt8(i % 251), count: i % 7 == 0 ? 5000 : 10)) }
        var deep = "deep"
        try t.mkdir(b(deep))
        for level in 0..<30 {
            try t.write(b("\(deep)/file\(level)"), b("\(level)"))
            deep += "/d"
            try t.mkdir(b(deep))
        }
        try t.write(b("\(deep)/bottom"), b("bottom"))
        try t.mkdir([0xC3, 0x28])
        try t.write([0xC3, 0x28, 0x2F, 0xFE], b("5"))
        try t.write([0xFF], b("6"))
        try t.symlink(b("link"), to: [0xE9, 0x2F, 0x2E, 0x2E])
        try t.write(b("z"), [])
        return t
    }

    func testPlannedShardsJoinToTheSingleWalkForEveryK() throws {
        let tree = try makeTree()
        let walk = ShardWalk(tree: tree)
        let single = try walk.single()
        XCTAssertEqual(single.entries.count, 600 + 62 + 13)
        for k in 1...8 {
            let plan = try ShardWalk.planned(single.bytes, shards: k)
            XCTAssertEqual(plan.count, k)
            XCTAssertEqual(plan.source.entriesSha256, single.trailer.entriesSha256)
            let joined = try walk.walkShards(plan)
            XCTAssertEqual(joined.entries, single.entries, "K = \(k)")
            XCTAssertEqual(joined.trailer.entriesSha256, single.trailer.entriesSha256, "K = \(k)")
            XCTAssertTrue(joined.trailer.countsEqual(single.trailer), "K = \(k)")
            // The plan's own counts are what each shard walked (the tree did not change).
            XCTAssertEqual(joined.parts.map { UInt64($0.count) }, plan.shards.map(\.entries), "K = \(k)")
        }
    }

    func testShardsAtArbitraryBoundariesJoinToTheSingleWalk() throws {
        let tree = try makeTree()
        let walk = ShardWalk(tree: tree, concurrency: 3)
        let single = try walk.single()
        // Boundaries that exist, that fall between siblings, inside the deep
        // chain, below a file, before and after everything.
        var candidates = single.entries.map(\.path)
        for p in single.entries.map(\.path) where p.count < 12 {
            candidates.append(p + b("-"))
            candidates.append(p + b("/zz"))
            candidates.append(p + b("/0"))
        }
        candidates += [b("0"), b("zzz"), [0xFF, 0xFF], b("huge/f3"), b("huge/f30x"), b("deep/d/d/d/d/file")]
        candidates.sort { PathOrder.less($0, $1) }
        var generator = SplitMix(seed: 16)
        for round in 0..<24 {
            let k = 1 + round % 8
            var picked = Set<[UInt8]>()
            while picked.count < k - 1 { picked.insert(candidates[Int(generator.next() % UInt64(candidates.count))]) }
            let boundaries = picked.sorted { PathOrder.less($0, $1) }
            let joined = try walk.walkShards(ShardWalk.plan(boundaries))
            XCTAssertEqual(joined.entries, single.entries, "boundaries \(boundaries.map { String(decoding: $0, as: UTF8.self) })")
            XCTAssertEqual(joined.trailer.entriesSha256, single.trailer.entriesSha256)
        }
    }

    func testATreeChangedSinceThePlanNeverLosesAPath() throws {
        let tree = try makeTree()
        let walk = ShardWalk(tree: tree)
        let before = try walk.single()
        let plan = try ShardWalk.planned(before.bytes, shards: 5)
        XCTAssertEqual(plan.count, 5)
        // Around every boundary: just before it, at it (the boundary file made a
        // directory with contents), just after it, and below it.
        for shard in plan.shards.dropFirst() {
            let boundary = try XCTUnwrap(shard.range.start)
            let name = boundary.split(separator: 0x2F).last.map(Array.init) ?? boundary
            let parent = Array(boundary.dropLast(name.count))
            // A name sorting right before the boundary's: its prefix then 0x01, or its first byte less one then 0xFF.
            let before = name.count > 1 ? Array(name.dropLast()) + [0x01] : [name[0] - 1, 0xFF]
            if before[0] != 0x2F, before[0] != 0x2E { try tree.write(parent + before, b("b")) }
            try tree.write(boundary + b("0after"), b("a"))
            if try tree.lstat(boundary).entry(path: boundary).type == .file {
                XCTAssertEqual(unlink(tree.abs(boundary)), 0)
                try tree.mkdir(boundary)
                try tree.write(boundary + b("/inside"), b("i"))
            }
        }
        // Before, inside and after every range, and a new straddling directory.
        try tree.write(b("0first"), b("f"))
        try tree.mkdir(b("huge/new-dir"))
        try tree.write(b("huge/new-dir/x"), b("x"))
        try tree.write(b("deep/d/d/d/new"), b("n"))
        try tree.write(b("zz-last"), b("l"))
        XCTAssertEqual(unlink(tree.abs(b("huge/f1"))), 0)
        let after = try walk.single()
        let joined = try walk.walkShards(plan)
        XCTAssertEqual(paths(joined.entries), paths(after.entries))
        XCTAssertEqual(joined.entries, after.entries)
        XCTAssertEqual(joined.trailer.entriesSha256, after.trailer.entriesSha256)
        XCTAssertGreaterThan(after.entries.count, before.entries.count)
    }

    /// Directories wholly outside the range are never stat'ed, opened or
    /// listed; a straddling one is listed; its ancestors are not emitted.
    func testOnlyDirectoriesMeetingTheRangeAreVisited() throws {
        let t = try WalkTestTree()
        for d in ["a", "b", "b/x", "b/y", "c", "d"] { try t.mkdir(b(d)) }
        for f in ["a/1", "b/x/1", "b/y/1", "b/y/2", "c/1", "d/1"] { try t.write(b(f), b("1")) }
        let visited = Mutex<Set<String>>([])
        var options = WalkOptions(concurrency: 2)
        options.range = ShardRange(start: b("b/y/2"), end: b("c/1"))
        options.testHooks.injectErrno = { step, path in
            if step == .stat || step == .openDirectory { _ = visited.withLock { $0.insert("\(step) \(String(decoding: path, as: UTF8.self))") } }
            return nil
        }
        var out: [ManifestEntry] = []
        try TreeWalker(root: t.root, options: options).run { out.append($0) }
        XCTAssertEqual(paths(out), ["b/y/2", "c"])
        XCTAssertEqual(visited.withLock { $0 }.sorted(), [
            "openDirectory b", "openDirectory b/y", "openDirectory c",
            "stat b", "stat b/y", "stat b/y/2", "stat c",
        ])
    }

    func testListingRestriction() {
        var listing = DirectoryListing()
        for n in ["a", "b", "b-", "c", "d"] { b(n).withUnsafeBufferPointer { listing.append($0, dtype: 0) } }
        func names(_ l: DirectoryListing) -> [String] { (0..<l.count).map { String(decoding: l.name($0), as: UTF8.self) } }
        XCTAssertEqual(names(listing.restricted(below: b("p"), to: ShardRange(start: b("p/b/q"), end: b("p/c")))), ["b", "b-"])
        XCTAssertEqual(names(listing.restricted(below: [], to: ShardRange(start: b("b"), end: b("d/x")))), ["b", "b-", "c", "d"])
        XCTAssertEqual(names(listing.restricted(below: [], to: ShardRange(start: b("b-/x"), end: nil))), ["b-", "c", "d"])
        XCTAssertEqual(names(listing.restricted(below: [], to: ShardRange(start: nil, end: b("a")))), [])
        XCTAssertEqual(names(listing.restricted(below: b("q"), to: ShardRange(start: b("p"), end: b("r")))), ["a", "b", "b-", "c", "d"])
        XCTAssertEqual(names(listing.restricted(below: b("q"), to: ShardRange(start: b("r"), end: nil))), [])
        XCTAssertEqual(names(listing.restricted(below: b("q"), to: .all)), ["a", "b", "b-", "c", "d"])
    }
}
