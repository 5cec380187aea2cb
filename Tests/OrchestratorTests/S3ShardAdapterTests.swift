import AWSLite
import Foundation
import ManifestKit
import XCTest
@testable import OrchestratorKit

/// The S3 catalog's sharded side: a part's header and trailer, and set-index baselines.
final class S3ShardAdapterTests: XCTestCase {
    let startedAt: Int64 = 1_741_060_000_000_000_000  // 2025-03-04T03:46:40Z
    let plan = String(repeating: "c", count: 64)

    func part(index: Int, count: Int, entries: [String], completedAtNs: Int64) throws -> [UInt8] {
        let sink = ManifestKit.MemorySink()
        let writer = try ManifestWriter(header: ManifestHeader(
            role: .baseline, root: "/mnt/efs", fileSystemId: "fs-1", startedAtNs: startedAt, tool: "manifest-worker test",
            shardIndex: index, shardCount: count, shardPlan: plan), sink: sink)
        for path in entries {
            try writer.append(ManifestEntry(path: Array(path.utf8), type: .file, size: 3, mode: 0o644, uid: 0, gid: 0,
                                            mtimeNs: 1, ctimeNs: 2, ino: 42, nlink: 1, sha256: String(repeating: "a", count: 64)))
        }
        _ = try writer.finish(completedAtNs: completedAtNs)
        return sink.bytes
    }

    func testReadPartGivesTheHeadersShardAndTheTrailer() async throws {
        let s3 = try MiniS3()
        try s3.put("p/part-0001.ndjson.gz", part(index: 1, count: 2, entries: ["m", "n"], completedAtNs: startedAt + 5_000_000_000))
        s3.put("p/bad.ndjson.gz", [0x1f, 0x8b, 0x08, 0x00])
        let catalog = S3ManifestCatalog(s3: try s3.client, bucket: "bucket")
        let read = try await catalog.readPart(key: "p/part-0001.ndjson.gz")
        XCTAssertEqual(read.shardIndex, 1)
        XCTAssertEqual(read.shardCount, 2)
        XCTAssertEqual(read.planDigest, plan)
        XCTAssertEqual(read.summary.entries, 2)
        XCTAssertEqual(read.summary.entriesSha256.count, 64)
        XCTAssertEqual(read.summary.walk?.seconds, 5)
        do {
            _ = try await catalog.readPart(key: "p/bad.ndjson.gz")
            XCTFail("a truncated part is unreadable")
        } catch let error as PartUnreadable {
            XCTAssertEqual(error.key, "p/bad.ndjson.gz")
            XCTAssertTrue(error.reason.hasPrefix("invalid manifest: "), error.reason)
        }
    }

    func testASetIndexIsABaselineOnlyWhileEveryPartExists() async throws {
        let s3 = try MiniS3()
        let prefix = "manifests/fs-1/baseline/"
        let parts = "manifests/fs-1/baseline-shards/baseline-20250304T040000Z/baseline-manifest/"
        try s3.put(prefix + "1-old.ndjson.gz", part(index: 0, count: 1, entries: [], completedAtNs: startedAt + 1_000_000_000),
                   lastModified: "2025-03-04T03:50:00.000Z")
        try s3.put(parts + "part-0000.ndjson.gz", part(index: 0, count: 2, entries: ["a"], completedAtNs: startedAt + 2_000_000_000))
        try s3.put(parts + "part-0001.ndjson.gz", part(index: 1, count: 2, entries: ["m"], completedAtNs: startedAt + 3_000_000_000))
        func set(_ names: [String]) -> [UInt8] {
            ManifestSet(plan: plan, role: .baseline, startedAtNs: startedAt, completedAtNs: startedAt + 3_000_000_000,
                        parts: names.enumerated().map { ManifestSet.Part(index: $0, location: "s3://bucket/" + parts + $1, entries: 1,
                                                                         entriesSha256: String(repeating: "d", count: 64)) }).encoded()
        }
        s3.put(prefix + "2-set.set.json", set(["part-0000.ndjson.gz", "part-0001.ndjson.gz"]), lastModified: "2025-03-04T04:00:00.000Z")
        s3.put(prefix + "3-gone.set.json", set(["part-0000.ndjson.gz", "part-0009.ndjson.gz"]), lastModified: "2025-03-04T04:10:00.000Z")
        s3.put(prefix + "4-junk.set.json", Array("{\"manifestSet\":1}".utf8), lastModified: "2025-03-04T04:20:00.000Z")
        let catalog = S3ManifestCatalog(s3: try s3.client, bucket: "bucket")
        let search = try await catalog.searchBaseline(prefix: prefix, before: Timestamps.parse("2025-03-04T05:00:00Z")!)
        XCTAssertEqual(search.found?.key, prefix + "2-set.set.json")
        XCTAssertEqual(search.found?.entries, 2)
        XCTAssertEqual(search.found?.completedAt.timeIntervalSince1970 ?? 0, 1_741_060_003, accuracy: 0.001)
        XCTAssertEqual(search.skipped.map(\.key), [prefix + "4-junk.set.json", prefix + "3-gone.set.json"])
        XCTAssertTrue(search.skipped[0].reason.hasPrefix("invalid manifest set: "), search.skipped[0].reason)
        XCTAssertEqual(search.skipped[1].reason, "part 1 missing: s3://bucket/\(parts)part-0009.ndjson.gz")
    }
}
