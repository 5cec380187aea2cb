import XCTest
@testable import ManifestKit

final class ShardPlannerTests: XCTestCase {
    private func manifest(_ entries: [ManifestEntry]) throws -> [UInt8] { try Fixtures.manifest(entries) }

    private func files(_ n: Int, size: UInt64 = 3, prefix: String = "f") -> [ManifestEntry] {
        (0..<n).map { Fixtures.file("\(prefix)\(1000 + $0)", size: size) }
    }

    func testEqualEntriesSplitEvenlyWithExactRanges() throws {
        let bytes = try manifest(files(12))
        let plan = try ShardWalk.planned(bytes, shards: 4, cost: .init(perEntryMicros: 100, bytesPerSecond: 1_000_000))
        XCTAssertEqual(plan.shards.map(\.entries), [3, 3, 3, 3])
        XCTAssertEqual(plan.shards.map(\.cost), [309, 309, 309, 309])
        XCTAssertEqual(plan.shards.map(\.bytes), [9, 9, 9, 9])
        XCTAssertEqual(plan.shards.map(\.range), [
            ShardRange(start: nil, end: b("f1003")), ShardRange(start: b("f1003"), end: b("f1006")),
            ShardRange(start: b("f1006"), end: b("f1009")), ShardRange(start: b("f1009"), end: nil),
        ])
        XCTAssertEqual(plan.source, .init(entries: 12, entriesSha256: try ManifestReader.validate(MemorySource(bytes)).trailer.entriesSha256,
                                          root: "/mnt/efs", fileSystemId: "fs-0123"))
        XCTAssertNil(plan.problem)
    }

    func testACostlyFileGetsAShardOfItsOwnAndTheRestIsSplitAgain() throws {
        // 10 small files, one of 1 GB, 10 small files; 4 shards.
        let entries = files(10) + [Fixtures.file("g-big", size: 1_000_000_000)] + files(10, prefix: "h")
        let plan = try ShardWalk.planned(try manifest(entries), shards: 4)
        XCTAssertEqual(plan.count, 4)
        XCTAssertEqual(plan.shards[1].range, ShardRange(start: b("g-big"), end: b("h1000")))
        XCTAssertEqual(plan.shards.map(\.entries), [10, 1, 5, 5])
    }

    func testFewerEntriesThanShardsGiveFewerShards() throws {
        XCTAssertEqual(try ShardWalk.planned(try manifest(files(3)), shards: 8).shards.map(\.entries), [1, 1, 1])
        let empty = try ShardWalk.planned(try manifest([]), shards: 5)
        XCTAssertEqual(empty.shards, [ShardPlan.Shard(index: 0, range: .all, entries: 0, bytes: 0, cost: 0)])
        XCTAssertEqual(empty.source.entriesSha256, sha256OfEmpty)
    }

    func testBadArgumentsAndAManifestChangedBetweenPasses() throws {
        let bytes = try manifest(files(3))
        for k in [0, -1, ShardPlan.maxShards + 1] {
            XCTAssertThrowsError(try ShardWalk.planned(bytes, shards: k)) {
                XCTAssertEqual($0 as? ManifestKitError, ManifestKitError(.invalidArgument, subject: "shards", reason: "must be between 1 and 10000, got \(k)"))
            }
        }
        XCTAssertThrowsError(try ShardWalk.planned(bytes, shards: 2, cost: .init(perEntryMicros: 1, bytesPerSecond: 0))) {
            XCTAssertEqual(($0 as? ManifestKitError)?.reason, "must be at least 1")
        }
        let other = try manifest(files(4))
        var calls = 0
        XCTAssertThrowsError(try ShardPlanner(shards: 2).plan {
            calls += 1
            return try ManifestReader(source: MemorySource(calls == 1 ? bytes : other, name: "m.gz"))
        }) {
            XCTAssertEqual($0 as? ManifestKitError, ManifestKitError(.invalidManifest, subject: "m.gz", reason: "changed between the planner's two passes"))
        }
        // An invalid manifest is the reader's error.
        XCTAssertThrowsError(try ShardWalk.planned(Array(bytes.dropLast(9)), shards: 2)) {
            XCTAssertEqual(($0 as? ManifestKitError)?.kind, .invalidManifest)
        }
    }
}
