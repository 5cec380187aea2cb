import XCTest
@testable import ManifestKit

final class ManifestSetTests: XCTestCase {
    private func b(_ s: String) -> [UInt8] { Array(s.utf8) }
    private let plan = String(repeating: "0f", count: 32)
    private let other = String(repeating: "1e", count: 32)
    private let sha = String(repeating: "ab", count: 32)

    private var set: ManifestSet {
        ManifestSet(plan: plan, role: .post, startedAtNs: 1_700_000_000_000_000_000, completedAtNs: 1_700_000_060_000_000_001, parts: [
            .init(index: 0, location: "part-0000.ndjson.gz", entries: 5, entriesSha256: sha),
            .init(index: 1, location: "s3://b/x/part-0001.ndjson.gz", entries: 0, entriesSha256: sha),
        ])
    }

    func testEncodesExactBytesAndDecodesBack() throws {
        let bytes = set.encoded()
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), """
            {"manifestSet":"efs-backup-verifier/set-1","plan":"\(plan)","role":"post","startedAt":"2023-11-14T22:13:20.000000000Z","completedAt":"2023-11-14T22:14:20.000000001Z","parts":[
            {"index":0,"location":"part-0000.ndjson.gz","entries":5,"entriesSha256":"\(sha)"},
            {"index":1,"location":"s3://b/x/part-0001.ndjson.gz","entries":0,"entriesSha256":"\(sha)"}]}

            """)
        XCTAssertEqual(try ManifestSet.decode(bytes, name: "post.set.json"), set)
        XCTAssertTrue(ManifestSet.looksLikeSet(bytes))
        XCTAssertTrue(ManifestSet.looksLikeSet(b("  \n{\"manifestSet\":1")))
        XCTAssertFalse(ManifestSet.looksLikeSet([0x1F, 0x8B, 8, 0]))
        XCTAssertFalse(ManifestSet.looksLikeSet(b("{\"plan\":1}")))
        XCTAssertFalse(ManifestSet.looksLikeSet([]))
        XCTAssertEqual(set.entries, 5)
    }

    func testOptionalTimesMayBeAbsentOrNull() throws {
        var s = set
        s.startedAtNs = nil
        s.completedAtNs = nil
        XCTAssertFalse(String(decoding: s.encoded(), as: UTF8.self).contains("At\""))
        XCTAssertEqual(try ManifestSet.decode(s.encoded(), name: "s"), s)
        let text = "{\"manifestSet\":\"efs-backup-verifier/set-1\",\"plan\":\"\(plan)\",\"role\":\"baseline\",\"startedAt\":null,\"x\":{},"
            + "\"parts\":[{\"index\":0,\"location\":\"p\",\"entries\":1,\"entriesSha256\":\"\(sha)\",\"y\":[]}]}"
        XCTAssertEqual(try ManifestSet.decode(b(text), name: "s").parts.count, 1)
    }

    func testResolveLocation() {
        XCTAssertEqual(ManifestSet.resolve("part-0.gz", against: "s3://bucket/runs/r1/post.set.json"), "s3://bucket/runs/r1/part-0.gz")
        XCTAssertEqual(ManifestSet.resolve("post/part-0.gz", against: "/tmp/x/post.set.json"), "/tmp/x/post/part-0.gz")
        XCTAssertEqual(ManifestSet.resolve("part-0.gz", against: "post.set.json"), "part-0.gz")
        XCTAssertEqual(ManifestSet.resolve("/abs/p.gz", against: "s3://b/k/s.json"), "/abs/p.gz")
        XCTAssertEqual(ManifestSet.resolve("s3://o/p.gz", against: "/tmp/s.json"), "s3://o/p.gz")
    }

    func testEveryBadSetIsRejectedWithItsReason() {
        let tag = "\"manifestSet\":\"efs-backup-verifier/set-1\""
        let head = "\(tag),\"plan\":\"\(plan)\",\"role\":\"post\""
        func part(_ i: Int, _ loc: String = "p", sha: String? = nil) -> String {
            "{\"index\":\(i),\"location\":\"\(loc)\",\"entries\":1,\"entriesSha256\":\"\(sha ?? self.sha)\"}"
        }
        let cases: [(String, String)] = [
            ("", "invalid JSON at column 1: unexpected end of line"),
            ("{\"plan\":\"\(plan)\"}", "not a manifest set: missing \"manifestSet\""),
            ("{\"manifestSet\":\"efs-backup-verifier/set-9\"}", "unsupported set version \"efs-backup-verifier/set-9\" (expected \"efs-backup-verifier/set-1\")"),
            ("{\(tag),\"role\":\"post\",\"parts\":[]}", "\"manifestSet\" is missing \"plan\""),
            ("{\(tag),\"plan\":\"\(plan)\",\"parts\":[]}", "\"manifestSet\" is missing \"role\""),
            ("{\(head)}", "\"manifestSet\" is missing \"parts\""),
            ("{\(head),\"role\":\"post\",\"parts\":[]}", "duplicate key \"role\""),
            ("{\(tag),\"plan\":\"\(plan)\",\"role\":\"prod\",\"parts\":[]}", "unknown role \"prod\""),
            ("{\(tag),\"plan\":\"x\",\"role\":\"post\",\"parts\":[\(part(0))]}", "\"plan\" must be 64 lower-case hex digits"),
            ("{\(head),\"startedAt\":\"soon\",\"parts\":[]}", "\"startedAt\" is not an RFC 3339 timestamp"),
            ("{\(head),\"parts\":[]}", "\"parts\" is empty"),
            ("{\(head),\"parts\":\"p\"}", "\"parts\" must be an array"),
            ("{\(head),\"parts\":[null]}", "\"parts[0]\" must be an object"),
            ("{\(head),\"parts\":[\(part(1))]}", "\"parts[0]\" has \"index\" 1 (parts are listed in order 0 … K-1)"),
            ("{\(head),\"parts\":[\(part(0)),\(part(0))]}", "\"parts[1]\" has \"index\" 0 (parts are listed in order 0 … K-1)"),
            ("{\(head),\"parts\":[{\"index\":0,\"location\":\"p\",\"entries\":1}]}", "\"parts[0]\" is missing \"entriesSha256\""),
            ("{\(head),\"parts\":[{\"index\":0,\"location\":7,\"entries\":1,\"entriesSha256\":\"\(sha)\"}]}", "\"parts[0].location\" must be a string"),
            ("{\(head),\"parts\":[{\"index\":0,\"location\":\"p\",\"entries\":1e3,\"entriesSha256\":\"\(sha)\"}]}", "\"parts[0].entries\" must be an integer"),
            ("{\(head),\"parts\":[\(part(0, sha: "AB"))]}", "part 0: \"entriesSha256\" must be 64 lower-case hex digits"),
            ("{\(head),\"parts\":[\(part(0, ""))]}", "part 0: \"location\" \"\" is empty"),
            ("{\(head),\"parts\":[\(part(0, "../x"))]}", "part 0: \"location\" \"../x\" has a \"..\" component"),
            ("{\(head),\"parts\":[\(part(0, "a/\\u0000"))]}", "part 0: \"location\" \"a/\\u0000\" contains a NUL byte"),
        ]
        for (text, reason) in cases {
            XCTAssertThrowsError(try ManifestSet.decode(b(text), name: "s.set.json"), text) {
                XCTAssertEqual($0 as? ManifestKitError, ManifestKitError(.invalidManifest, subject: "s.set.json", reason: "invalid manifest set: \(reason)"), text)
            }
        }
    }

    // MARK: - Builder

    private func header(_ index: Int, of count: Int = 3, plan: String? = nil, role: ManifestRole = .post,
                        root: String? = "/mnt/efs", started: Int64 = 100) -> ManifestHeader {
        ManifestHeader(role: role, root: root, startedAtNs: started, tool: "t", shardIndex: index, shardCount: count,
                       shardPlan: plan ?? self.plan)
    }

    private func trailer(_ entries: UInt64, completed: Int64 = 200) -> ManifestTrailer {
        var t = ManifestTrailer()
        t.entries = entries
        t.completedAtNs = completed
        t.entriesSha256 = sha
        return t
    }

    func testBuilderAcceptsPartsInAnyOrderAndBuildsTheIndex() throws {
        var builder = ManifestSetBuilder(plan: plan, count: 3)
        try builder.add(location: "part-2", header: header(2, started: 90), trailer: trailer(3, completed: 300))
        XCTAssertEqual(builder.missing, [0, 1])
        try builder.add(location: "part-0", header: header(0, started: 110), trailer: trailer(1))
        try builder.add(location: "part-1", header: header(1), trailer: trailer(2, completed: 250))
        XCTAssertEqual(builder.missing, [])
        XCTAssertEqual(try builder.build(), ManifestSet(plan: plan, role: .post, startedAtNs: 90, completedAtNs: 300, parts: [
            .init(index: 0, location: "part-0", entries: 1, entriesSha256: sha),
            .init(index: 1, location: "part-1", entries: 2, entriesSha256: sha),
            .init(index: 2, location: "part-2", entries: 3, entriesSha256: sha),
        ]))
    }

    func testBuilderRejections() throws {
        func rejects(_ location: String, _ h: ManifestHeader, _ reason: String, requireOrder: Bool = false,
                     prepare: (inout ManifestSetBuilder) throws -> Void = { _ in }, line: UInt = #line) throws {
            var builder = ManifestSetBuilder(plan: plan, count: 3, requireOrder: requireOrder)
            try prepare(&builder)
            XCTAssertThrowsError(try builder.add(location: location, header: h, trailer: trailer(1)), line: line) {
                XCTAssertEqual($0 as? ManifestKitError, ManifestKitError(.invalidManifest, subject: location, reason: reason), line: line)
            }
        }
        var unplanned = header(0)
        unplanned.shardPlan = nil
        try rejects("a.gz", unplanned, "not a shard of a plan: its header has no \"shard.plan\"")
        try rejects("a.gz", header(0, plan: other), "belongs to plan \(other), not to plan \(plan)")
        try rejects("a.gz", header(0, of: 4), "is shard 0 of 4, but the plan has 3 shards")
        try rejects("b.gz", header(0), "shard 0 is already in the set (\"a.gz\")") {
            try $0.add(location: "a.gz", header: self.header(0), trailer: self.trailer(1))
        }
        try rejects("c.gz", header(2), "out of order: expected shard 2 of 3 (index 1), found index 2", requireOrder: true) {
            try $0.add(location: "a.gz", header: self.header(0), trailer: self.trailer(1))
        }
        try rejects("c.gz", header(1), "out of order: expected shard 1 of 3 (index 0), found index 1", requireOrder: true)
        try rejects("b.gz", header(1, role: .baseline), "\"role\" is \"baseline\", but \"a.gz\" has \"post\"") {
            try $0.add(location: "a.gz", header: self.header(0), trailer: self.trailer(1))
        }
        try rejects("b.gz", header(1, root: nil), "\"root\" is \"null\", but \"a.gz\" has \"/mnt/efs\"") {
            try $0.add(location: "a.gz", header: self.header(0), trailer: self.trailer(1))
        }
    }

    func testBuilderChecksRangesAgainstThePlan() throws {
        let shardPlan = ShardPlan(source: .init(entries: 0, entriesSha256: sha), cost: .init(perEntryMicros: 1, bytesPerSecond: 1), shards: [
            .init(index: 0, range: ShardRange(start: nil, end: b("m")), entries: 0, bytes: 0, cost: 0),
            .init(index: 1, range: ShardRange(start: b("m"), end: nil), entries: 0, bytes: 0, cost: 0),
        ])
        var builder = ManifestSetBuilder(plan: plan, shardPlan: shardPlan)
        var h = header(1, of: 2)
        h.shardRange = ShardRange(start: b("n"), end: nil)
        XCTAssertThrowsError(try builder.add(location: "p1", header: h, trailer: trailer(0))) {
            XCTAssertEqual(($0 as? ManifestKitError)?.reason, "shard 1's range in its header differs from the plan's")
        }
        h.shardRange = ShardRange(start: b("m"), end: nil)
        try builder.add(location: "p1", header: h, trailer: trailer(0))
    }

    func testBuildNamesTheMissingShards() throws {
        var builder = ManifestSetBuilder(plan: plan, count: 3)
        try builder.add(location: "p1", header: header(1), trailer: trailer(1))
        XCTAssertThrowsError(try builder.build()) {
            XCTAssertEqual($0 as? ManifestKitError, ManifestKitError(.invalidManifest, subject: "manifest set", reason: "incomplete: missing shards 0, 2 of 3 (0-based)"))
        }
        try builder.add(location: "p0", header: header(0), trailer: trailer(1))
        XCTAssertThrowsError(try builder.build()) {
            XCTAssertEqual(($0 as? ManifestKitError)?.reason, "incomplete: missing shard 2 of 3 (0-based)")
        }
    }
}
