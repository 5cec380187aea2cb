import XCTest
@testable import ManifestKit

/// The header's `shard` object with a plan digest and a range.
final class ShardHeaderTests: XCTestCase {
    private func b(_ s: String) -> [UInt8] { Array(s.utf8) }
    private let digest = String(repeating: "0f", count: 32)
    private let base = "{\"manifest\":\"efs-backup-verifier/1\",\"role\":\"post\",\"startedAt\":\"2023-11-14T22:13:20Z\",\"tool\":\"t\",\"hash\":\"sha256\""

    func testPlannedShardHeaderExactBytesAndRoundTrip() throws {
        var h = ManifestHeader(role: .post, startedAtNs: 1_700_000_000_000_000_000, tool: "t")
        h.shardIndex = 1
        h.shardCount = 3
        h.shardPlan = digest
        h.shardRange = ShardRange(start: b("d/m"), end: [0x65, 0xE9])
        let line = ManifestCodec.headerLine(h)
        XCTAssertEqual(String(decoding: line, as: UTF8.self), "{\"manifest\":\"efs-backup-verifier/1\",\"role\":\"post\","
            + "\"startedAt\":\"2023-11-14T22:13:20.000000000Z\",\"tool\":\"t\",\"hash\":\"sha256\","
            + "\"shard\":{\"index\":1,\"count\":3,\"plan\":\"\(digest)\",\"start\":\"d/m\",\"end\":{\"pathB64\":\"Zek=\"}}}\n")
        XCTAssertEqual(try ManifestCodec.decodeHeader(Array(line.dropLast())), h)

        h.shardIndex = 0
        h.shardRange = ShardRange(start: nil, end: b("d/m"))
        let first = ManifestCodec.headerLine(h)
        XCTAssertTrue(String(decoding: first, as: UTF8.self).hasSuffix(
            "\"shard\":{\"index\":0,\"count\":3,\"plan\":\"\(digest)\",\"start\":null,\"end\":\"d/m\"}}\n"))
        XCTAssertEqual(try ManifestCodec.decodeHeader(Array(first.dropLast())), h)
    }

    func testHeaderWithoutPlanIsWrittenAsBeforeAndOldHeadersStillRead() throws {
        let h = ManifestHeader(role: .post, startedAtNs: 1_700_000_000_000_000_000, tool: "t", shardIndex: 2, shardCount: 4)
        XCTAssertTrue(String(decoding: ManifestCodec.headerLine(h), as: UTF8.self).hasSuffix("\"shard\":{\"index\":2,\"count\":4}}\n"))
        let old = try ManifestCodec.decodeHeader(b("\(base),\"shard\":{\"index\":2,\"count\":4}}"))
        XCTAssertEqual(old, h)
        XCTAssertNil(old.shardPlan)
        XCTAssertEqual(old.shardRange, .all)
        let none = try ManifestCodec.decodeHeader(b("\(base)}"))
        XCTAssertEqual(none.shardCount, 1)
        XCTAssertNil(none.shardPlan)
        // Unknown keys in "shard" are still ignored.
        XCTAssertEqual(try ManifestCodec.decodeHeader(b("\(base),\"shard\":{\"index\":0,\"count\":1,\"x\":[1]}}")).shardCount, 1)
        // A plan with absent bounds is unbounded.
        let open = try ManifestCodec.decodeHeader(b("\(base),\"shard\":{\"index\":0,\"count\":1,\"plan\":\"\(digest)\"}}"))
        XCTAssertEqual(open.shardPlan, digest)
        XCTAssertEqual(open.shardRange, .all)
    }

    func testShardRejections() {
        let cases = [
            ("\"plan\":\"abc\"", "\"shard.plan\" must be 64 lower-case hex digits"),
            ("\"plan\":\"\(digest.uppercased())\"", "\"shard.plan\" must be 64 lower-case hex digits"),
            ("\"plan\":7", "\"shard.plan\" must be a string"),
            ("\"plan\":\"\(digest)\",\"plan\":\"\(digest)\"", "duplicate key \"plan\""),
            ("\"start\":\"a\"", "\"shard\" has a range but no \"plan\""),
            ("\"end\":null", "\"shard\" has a range but no \"plan\""),
            ("\"plan\":\"\(digest)\",\"start\":\"b\",\"end\":\"a\"", "\"shard\" range: \"start\" \"b\" does not sort before \"end\" \"a\""),
            ("\"plan\":\"\(digest)\",\"start\":\"a//b\"", "\"shard.start\" path \"a//b\" has an empty component"),
            ("\"plan\":\"\(digest)\",\"end\":\"\"", "\"shard.end\" path \"\" is empty"),
            ("\"plan\":\"\(digest)\",\"end\":5", "\"shard.end\" must be a path string, {\"pathB64\":…} or null"),
            ("\"plan\":\"\(digest)\",\"end\":{\"pathB64\":\"!!\"}", "\"shard.end.pathB64\" is not valid base64"),
            ("\"plan\":\"\(digest)\",\"end\":{}", "\"shard.end\" object has no \"pathB64\""),
            ("\"plan\":\"\(digest)\",\"end\":{\"pathB64\":\"YQ==\",\"pathB64\":\"Yg==\"}", "\"shard.end\" has \"pathB64\" twice"),
            ("\"plan\":\"\(digest)\",\"start\":\"a\",\"start\":\"b\"", "duplicate key \"start\""),
        ]
        for (extra, reason) in cases {
            let line = "\(base),\"shard\":{\"index\":0,\"count\":1,\(extra)}}"
            XCTAssertThrowsError(try ManifestCodec.decodeHeader(b(line)), line) {
                XCTAssertEqual(($0 as? ManifestKitError)?.reason, reason, line)
            }
        }
    }

    func testWriterRefusesAPlannedHeaderWithABadRange() {
        var h = ManifestHeader(role: .post, startedAtNs: 0, tool: "t")
        h.shardPlan = digest
        h.shardRange = ShardRange(start: b("z"), end: b("a"))
        XCTAssertThrowsError(try ManifestWriter(header: h, sink: MemorySink())) {
            XCTAssertEqual($0 as? ManifestKitError, ManifestKitError(.invalidArgument, subject: "manifest header",
                reason: "\"shard\" range: \"start\" \"z\" does not sort before \"end\" \"a\""))
        }
    }
}
