import XCTest
@testable import ManifestKit

final class ShardPlanTests: XCTestCase {
    private func b(_ s: String) -> [UInt8] { Array(s.utf8) }
    private let sha = String(repeating: "ab", count: 32)

    private var plan: ShardPlan {
        ShardPlan(
            source: .init(entries: 9, entriesSha256: sha, root: "/mnt/efs", fileSystemId: "fs-1"),
            cost: .init(perEntryMicros: 3000, bytesPerSecond: 100_000_000),
            shards: [
                .init(index: 0, range: ShardRange(start: nil, end: b("d/m")), entries: 4, bytes: 10, cost: 12000),
                .init(index: 1, range: ShardRange(start: b("d/m"), end: [0x65, 0xE9]), entries: 3, bytes: 0, cost: 9000),
                .init(index: 2, range: ShardRange(start: [0x65, 0xE9], end: nil), entries: 2, bytes: 200_000_000, cost: 2_006_000),
            ])
    }

    private let planText = """
        {"plan":"efs-backup-verifier/plan-1","source":{"entries":9,"entriesSha256":"\(String(repeating: "ab", count: 32))","root":"/mnt/efs","fileSystemId":"fs-1"},"cost":{"perEntryMicros":3000,"bytesPerSecond":100000000},"shards":[
        {"index":0,"start":null,"end":"d/m","entries":4,"bytes":10,"cost":12000},
        {"index":1,"start":"d/m","end":{"pathB64":"Zek="},"entries":3,"bytes":0,"cost":9000},
        {"index":2,"start":{"pathB64":"Zek="},"end":null,"entries":2,"bytes":200000000,"cost":2006000}]}

        """

    func testEncodesExactBytesAndDecodesBack() throws {
        let bytes = plan.encoded()
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), planText)
        XCTAssertEqual(try ShardPlan.decode(bytes, name: "plan.json"), plan)
        XCTAssertEqual(ShardPlan.digest(of: bytes), SHA256.hex(bytes))
        XCTAssertEqual(ShardPlan.digest(of: bytes).count, 64)
    }

    func testDecodeAcceptsWhitespaceUnknownKeysAndAbsentOptionalSourceFields() throws {
        let text = """
            { "future": [1, {"x": null}],
              "plan": "efs-backup-verifier/plan-1",
              "source": {"entries": 0, "entriesSha256": "\(sha)", "root": null},
              "cost": {"perEntryMicros": 1, "bytesPerSecond": 1, "note": "x"},
              "shards": [ {"index": 0, "start": null, "end": null, "entries": 0, "bytes": 0, "cost": 0, "x": 1} ] }
            """
        let p = try ShardPlan.decode(b(text), name: "p")
        XCTAssertEqual(p.count, 1)
        XCTAssertNil(p.source.root)
        XCTAssertEqual(p.range(of: 0), .all)
    }

    func testRangesContainsAndShardIndex() {
        let p = plan
        XCTAssertEqual(p.range(of: 1), ShardRange(start: b("d/m"), end: [0x65, 0xE9]))
        XCTAssertNil(p.range(of: 3))
        XCTAssertNil(p.range(of: -1))
        XCTAssertTrue(p.contains(b("d"), shard: 0))
        XCTAssertTrue(p.contains(b("d/l/zzz"), shard: 0))
        XCTAssertFalse(p.contains(b("d/m"), shard: 0))
        XCTAssertTrue(p.contains(b("d/m"), shard: 1))
        XCTAssertTrue(p.contains(b("e"), shard: 1))
        XCTAssertTrue(p.contains([0x65, 0xE9], shard: 2))
        XCTAssertFalse(p.contains(b("a"), shard: 7))
        for (path, shard) in [("a", 0), ("d", 0), ("d/m", 1), ("d/m/x", 1), ("e", 1), ("z", 2)] {
            XCTAssertEqual(p.shardIndex(of: b(path)), shard, path)
        }
        XCTAssertEqual(p.shardIndex(of: [0x65, 0xE9, 0x2F, 0x61]), 2)
    }

    func testCostModel() {
        let m = ShardPlan.CostModel(perEntryMicros: 3000, bytesPerSecond: 100_000_000)
        XCTAssertEqual(m.micros(for: ManifestEntry(path: b("d"), type: .dir, size: 4096)), 3000)
        XCTAssertEqual(m.micros(for: ManifestEntry(path: b("f"), type: .file, size: 0)), 3000)
        XCTAssertEqual(m.micros(for: ManifestEntry(path: b("f"), type: .file, size: 100_000_000)), 1_003_000)
        XCTAssertEqual(m.micros(for: ManifestEntry(path: b("f"), type: .file, size: 50)), 3000)
        XCTAssertEqual(m.micros(for: ManifestEntry(path: b("f"), type: .file, size: .max)), 184_467_440_737_095_516 + 3000)
        XCTAssertEqual(ShardPlan.CostModel(perEntryMicros: 1, bytesPerSecond: 1).micros(for: ManifestEntry(path: b("f"), type: .file, size: .max)), .max)
        XCTAssertEqual(ShardPlan.CostModel(perEntryMicros: .max, bytesPerSecond: 1).micros(for: ManifestEntry(path: b("f"), type: .file, size: 1)), .max)
    }

    func testEveryBadPlanIsRejectedWithItsReason() {
        let shards0 = "{\"index\":0,\"start\":null,\"end\":null,\"entries\":0,\"bytes\":0,\"cost\":0}"
        let src = "\"source\":{\"entries\":1,\"entriesSha256\":\"\(sha)\"}"
        let cost = "\"cost\":{\"perEntryMicros\":1,\"bytesPerSecond\":1}"
        let tag = "\"plan\":\"efs-backup-verifier/plan-1\""
        func shard(_ i: Int, _ s: String, _ e: String) -> String {
            "{\"index\":\(i),\"start\":\(s),\"end\":\(e),\"entries\":0,\"bytes\":0,\"cost\":0}"
        }
        let cases: [(String, String)] = [
            ("", "invalid JSON at column 1: unexpected end of line"),
            ("[]", "invalid JSON at column 1: expected '{'"),
            ("{\(tag),\(src),\(cost),\"shards\":[\(shards0)]} x", "invalid JSON at column \(tag.count + src.count + cost.count + shards0.count + 18): unexpected data after the object"),
            ("{\(src),\(cost),\"shards\":[\(shards0)]}", "not a shard plan: missing \"plan\""),
            ("{\"plan\":\"efs-backup-verifier/plan-2\"}", "unsupported plan version \"efs-backup-verifier/plan-2\" (expected \"efs-backup-verifier/plan-1\")"),
            ("{\(tag),\(tag)}", "duplicate key \"plan\""),
            ("{\(tag),\(cost),\"shards\":[\(shards0)]}", "missing \"source\""),
            ("{\(tag),\(src),\"shards\":[\(shards0)]}", "missing \"cost\""),
            ("{\(tag),\(src),\(cost)}", "missing \"shards\""),
            ("{\(tag),\"source\":[],\(cost),\"shards\":[]}", "\"source\" must be an object"),
            ("{\(tag),\"source\":{\"entries\":1},\(cost),\"shards\":[]}", "\"source\" is missing \"entriesSha256\""),
            ("{\(tag),\"source\":{\"entries\":-1,\"entriesSha256\":\"\(sha)\"},\(cost),\"shards\":[]}", "\"source.entries\" is out of range"),
            ("{\(tag),\"source\":{\"entries\":1,\"entriesSha256\":\"x\"},\(cost),\"shards\":[\(shards0)]}", "\"source.entriesSha256\" must be 64 lower-case hex digits"),
            ("{\(tag),\(src),\"cost\":{\"perEntryMicros\":1},\"shards\":[]}", "\"cost\" is missing \"bytesPerSecond\""),
            ("{\(tag),\(src),\"cost\":{\"perEntryMicros\":1.5,\"bytesPerSecond\":1},\"shards\":[]}", "\"cost.perEntryMicros\" must be an integer"),
            ("{\(tag),\(src),\"cost\":{\"perEntryMicros\":1,\"bytesPerSecond\":0},\"shards\":[\(shards0)]}", "\"cost.bytesPerSecond\" must be at least 1"),
            ("{\(tag),\(src),\(cost),\"shards\":{}}", "\"shards\" must be an array"),
            ("{\(tag),\(src),\(cost),\"shards\":[]}", "\"shards\" is empty"),
            ("{\(tag),\(src),\(cost),\"shards\":[1]}", "\"shards[0]\" must be an object"),
            ("{\(tag),\(src),\(cost),\"shards\":[\(shards0) \(shards0)]}", "invalid JSON at column \(tag.count + src.count + cost.count + shards0.count + 16): expected ',' or ']'"),
            ("{\(tag),\(src),\(cost),\"shards\":[{\"index\":0,\"start\":null,\"end\":null,\"entries\":0,\"bytes\":0}]}", "\"shards[0]\" is missing \"cost\""),
            ("{\(tag),\(src),\(cost),\"shards\":[\(shard(1, "null", "null"))]}", "\"shards[0]\" has \"index\" 1"),
            ("{\(tag),\(src),\(cost),\"shards\":[\(shard(0, "\"a\"", "null"))]}", "shard 0 must start at null (the beginning)"),
            ("{\(tag),\(src),\(cost),\"shards\":[\(shard(0, "null", "\"a\""))]}", "the last shard (0) must end at null (the end)"),
            ("{\(tag),\(src),\(cost),\"shards\":[\(shard(0, "null", "\"a\"")),\(shard(1, "\"b\"", "null"))]}", "shard 1 starts at \"b\", not where shard 0 ends"),
            ("{\(tag),\(src),\(cost),\"shards\":[\(shard(0, "null", "\"a\"")),\(shard(1, "null", "null"))]}", "shard 1 starts at null, only shard 0 may"),
            ("{\(tag),\(src),\(cost),\"shards\":[\(shard(0, "null", "null")),\(shard(1, "null", "null"))]}", "shard 0 ends at null, only the last shard may"),
            ("{\(tag),\(src),\(cost),\"shards\":[\(shard(0, "null", "\"b\"")),\(shard(1, "\"b\"", "\"a\"")),\(shard(2, "\"a\"", "null"))]}",
             "shard 1: \"start\" \"b\" does not sort before \"end\" \"a\""),
            ("{\(tag),\(src),\(cost),\"shards\":[\(shard(0, "null", "\"a/../b\"")),\(shard(1, "\"a/../b\"", "null"))]}",
             "\"shards[0].end\" path \"a/../b\" has a \"..\" component"),
            ("{\(tag),\(src),\(cost),\"shards\":[\(shard(0, "null", "{\"pathB64\":\"Zek\"}")),\(shard(1, "\"b\"", "null"))]}",
             "\"shards[0].end.pathB64\" is not valid base64"),
            ("{\(tag),\(src),\(cost),\"shards\":[{\"index\":0,\"index\":0}]}", "duplicate key \"index\""),
        ]
        for (text, reason) in cases {
            XCTAssertThrowsError(try ShardPlan.decode(b(text), name: "p.json"), text) {
                XCTAssertEqual($0 as? ManifestKitError, ManifestKitError(.invalidManifest, subject: "p.json", reason: "invalid shard plan: \(reason)"), text)
            }
        }
    }

    private func pad(_ i: Int) -> String {
        let d = String(i)
        return String(repeating: "0", count: max(0, 6 - d.count)) + d
    }

    func testTooManyShardsIsRejected() {
        var p = plan
        p.shards = (0...ShardPlan.maxShards).map { i in
            ShardRange(start: i == 0 ? nil : b(pad(i)), end: i == ShardPlan.maxShards ? nil : b(pad(i + 1)))
        }.enumerated().map { ShardPlan.Shard(index: $0.offset, range: $0.element, entries: 0, bytes: 0, cost: 0) }
        XCTAssertEqual(p.problem, "10001 shards (at most 10000)")
        XCTAssertThrowsError(try ShardPlan.decode(p.encoded(), name: "p")) {
            XCTAssertEqual(($0 as? ManifestKitError)?.reason, "invalid shard plan: more than 10000 shards")
        }
    }
}
