import AWSLite
import Foundation
import ManifestKit
import TestSupport
import XCTest
@testable import OrchestratorKit

/// `readPart` over S3 with a part's ends (`<key>.ends.ndjson`): one small GET, the part
/// itself never read; the whole part when there are no ends; ends that are not ends.
final class S3PartEndsAdapterTests: XCTestCase {
    let startedAt: Int64 = 1_741_060_000_000_000_000  // 2025-03-04T03:46:40Z
    let plan = String(repeating: "c", count: 64)
    let key = "manifests/fs-1/runs/r/post/part-0001.ndjson.gz"
    var endsKey: String { key + ".ends.ndjson" }

    /// Part 1 of 2 with entries `m`, `n`, and its ends.
    func part() throws -> (bytes: [UInt8], ends: ManifestEnds) {
        let sink = ManifestKit.MemorySink()
        let header = ManifestHeader(role: .post, root: "/mnt/efs", fileSystemId: "fs-1", startedAtNs: startedAt, tool: "manifest-worker test",
                                    shardIndex: 1, shardCount: 2, shardPlan: plan)
        let writer = try ManifestWriter(header: header, sink: sink)
        for path in ["m", "n"] {
            try writer.append(ManifestEntry(path: Array(path.utf8), type: .file, size: 3, mode: 0o644, uid: 0, gid: 0,
                                            mtimeNs: 1, ctimeNs: 2, ino: 42, nlink: 1, sha256: String(repeating: "a", count: 64)))
        }
        let trailer = try writer.finish(completedAtNs: startedAt + 5_000_000_123)
        return (sink.bytes, ManifestEnds(header: header, trailer: trailer))
    }

    func testTheEndsAreReadAndThePartIsNot() async throws {
        let s3 = try MiniS3()
        let (bytes, ends) = try part()
        s3.put(key, bytes)
        s3.put(endsKey, ends.encoded())
        let catalog = S3ManifestCatalog(s3: try s3.client, bucket: "bucket")
        let read = try await catalog.readPart(key: key)
        XCTAssertEqual(s3.requests.current, ["GET \(endsKey)"])
        XCTAssertEqual(read, PartRead(shardIndex: 1, shardCount: 2, planDigest: plan,
                                      summary: PartSummary(entries: 2, entriesSha256: ends.trailer.entriesSha256,
                                                           walk: WalkStats(header: ends.header, trailer: ends.trailer)),
                                      readFrom: endsKey))
        XCTAssertEqual(read.summary.walk?.completedAtNs, startedAt + 5_000_000_123)
        // The same as the whole part says (an older worker's part: no ends).
        s3.objects.withLock { $0[endsKey] = nil }
        s3.requests.withLock { $0 = [] }
        var whole = try await catalog.readPart(key: key)
        XCTAssertEqual(whole.readFrom, key)
        XCTAssertEqual(Array(s3.requests.current.prefix(2)), ["GET \(endsKey)", "GET \(key)"])
        whole.readFrom = endsKey
        XCTAssertEqual(whole, read)
    }

    func testEndsThatAreNotEndsMakeThePartUnreadableWithoutReadingIt() async throws {
        let s3 = try MiniS3()
        let (bytes, ends) = try part()
        s3.put(key, bytes)
        let catalog = S3ManifestCatalog(s3: try s3.client, bucket: "bucket")
        let header = ManifestCodec.headerLine(ends.header)
        let cases: [([UInt8], String)] = [
            (header, "\(endsKey):2: truncated: no trailer"),
            (Array("not json\n".utf8), "\(endsKey):1: invalid JSON at column 1: expected '{'"),
            (header + ManifestCodec.trailerLine({ var t = ends.trailer; t.files = 5; return t }()),
             "\(endsKey):2: \"entries\" is 2 but \"files\", \"dirs\", \"symlinks\" and \"others\" sum to 5"),
            (bytes, "\(endsKey):1: invalid JSON at column 1: expected '{'"),
            ([UInt8](repeating: 0x0A, count: ManifestEnds.maxBytes + 1), "\(endsKey): 1048577 bytes: ends are at most 1048576 bytes"),
        ]
        for (body, reason) in cases {
            s3.put(endsKey, body)
            s3.requests.withLock { $0 = [] }
            do {
                _ = try await catalog.readPart(key: key)
                XCTFail("accepted \(reason)")
            } catch let error as PartUnreadable {
                XCTAssertEqual(error, PartUnreadable(key: key, reason: "invalid ends: " + reason))
            }
            XCTAssertEqual(s3.requests.current, ["GET \(endsKey)"], reason)
        }
    }

    /// Empty ends (S3 answers a ranged GET of an empty object with 416; AWSLite then reads
    /// it whole): ends that are not ends, never a service failure retried forever.
    func testEmptyEndsMakeThePartUnreadable() async throws {
        let s3 = try MiniS3()
        let (bytes, _) = try part()
        s3.put(key, bytes)
        s3.put(endsKey, [])
        let catalog = S3ManifestCatalog(s3: try s3.client, bucket: "bucket")
        do {
            _ = try await catalog.readPart(key: key)
            XCTFail("empty ends accepted")
        } catch let error as PartUnreadable {
            XCTAssertEqual(error, PartUnreadable(key: key, reason: "invalid ends: \(endsKey):1: empty: no header"))
        }
        XCTAssertFalse(s3.requests.current.contains("GET \(key)"), "the part is not read")
    }

    /// Ends that cannot be fetched (throttling, access denied) fail the step, to be
    /// retried: never a fall back to reading the whole part, never a verdict.
    func testEndsThatCannotBeFetchedAreAServiceError() async throws {
        let s3 = try MiniS3()
        let (bytes, ends) = try part()
        s3.put(key, bytes)
        s3.put(endsKey, ends.encoded())
        s3.failing.withLock { $0[endsKey] = (503, "SlowDown") }
        let catalog = S3ManifestCatalog(s3: try s3.client, bucket: "bucket")
        do {
            _ = try await catalog.readPart(key: key)
            XCTFail("a throttled GET is not an answer")
        } catch let error as OrchestratorError {
            XCTAssertTrue(error.description.contains("read s3://bucket/\(endsKey)"), error.description)
            XCTAssertTrue(error.description.contains("SlowDown"), error.description)
        }
        XCTAssertEqual(s3.requests.current, ["GET \(endsKey)"])
    }
}
