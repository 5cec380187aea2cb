import AWSLite
import Foundation
import ManifestKit
import TestSupport
import XCTest
@testable import OrchestratorKit

/// Ends are a claim, not a proof: the orchestrator builds the set index from them, and
/// the sharded diff (the real `manifest-worker diff` over that index) checks every
/// part's own trailer against it. Ends that lie fail the diff with a clear error (exit
/// 2), never a PASS.
final class PartEndsTrustTests: XCTestCase {
    private var dir: String!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("ebv-ends-trust-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/t/d", withIntermediateDirectories: true)
        for i in 1...4 { try Data("\(i)".utf8).write(to: URL(fileURLWithPath: dir + "/t/d/\(i)")) }
        for i in 1...5 { try Data("\(i)".utf8).write(to: URL(fileURLWithPath: dir + "/t/e\(i)")) }
    }

    override func tearDown() {
        if let dir { try? FileManager.default.removeItem(atPath: dir) }
    }

    /// Runs the built `manifest-worker`: (status, stdout, stderr).
    private func worker(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltWorker.path)
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin", "EBV_PROGRESS_INTERVAL": "0"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let errData = Locked(Data())
        let errRead = DispatchSemaphore(value: 0)
        Thread {
            errData.withLock { $0 = err.fileHandleForReading.readDataToEndOfFile() }
            errRead.signal()
        }.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        errRead.wait()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData.current, as: UTF8.self))
    }

    /// The baseline, a 3-shard plan and three post parts with their ends, in S3 as the
    /// workers leave them (ends edited by `lie`); the orchestrator reads each part's ends
    /// and writes the set index; then the diff task's command runs over it.
    private func shardedDiff(lie: (Int, inout ManifestEnds) -> Void) async throws -> (status: Int32, out: String, err: String) {
        XCTAssertEqual(try worker(["generate", dir + "/t", "--role", "baseline", "-o", dir + "/base.gz", "-q"]).status, 0)
        XCTAssertEqual(try worker(["plan-shards", dir + "/base.gz", "--shards", "3", "-o", dir + "/plan.json", "-q"]).status, 0)
        let digest = ShardPlan.digest(of: [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/plan.json"))))
        let s3 = try MiniS3()
        var parts: [SetIndex.Part] = []
        for i in 0..<3 {
            let local = dir + "/part-000\(i).ndjson.gz"
            let walked = try worker(["generate", dir + "/t", "--role", "post", "--plan", dir + "/plan.json", "--shard", "\(i)", "-o", local, "-q"])
            XCTAssertEqual(walked.status, 0, walked.err)
            let key = "manifests/fs-1/runs/r/post/part-000\(i).ndjson.gz"
            s3.put(key, [UInt8](try Data(contentsOf: URL(fileURLWithPath: local))))
            var ends = try ManifestEnds.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: local + ".ends.ndjson"))), name: local)
            lie(i, &ends)
            s3.put(key + ".ends.ndjson", ends.encoded())
            let read = try await S3ManifestCatalog(s3: try s3.client, bucket: "bucket").readPart(key: key)
            XCTAssertEqual(read.readFrom, key + ".ends.ndjson")
            XCTAssertEqual(read.planDigest, digest)
            // The set points at the local copies, which the worker's diff reads.
            parts.append(SetIndex.Part(location: local, summary: read.summary))
        }
        XCTAssertFalse(s3.requests.current.contains { $0.hasSuffix(".ndjson.gz") }, "a part was read: \(s3.requests.current)")
        let set = try SetIndex.encode(planDigest: digest, role: "post", parts: parts, key: "post.set.json")
        try set.write(to: URL(fileURLWithPath: dir + "/post.set.json"))
        return try worker(["diff", dir + "/base.gz", dir + "/post.set.json", "--restored-root", "none", "-q"])
    }

    func testHonestEndsGiveTheSingleWalksDiff() async throws {
        let diff = try await shardedDiff { _, _ in }
        XCTAssertEqual(diff.status, 0, diff.err)
        XCTAssertEqual(diff.err, "")
    }

    func testEndsLyingAboutEntriesSha256FailTheDiff() async throws {
        var real = ""
        let claimed = String(repeating: "0", count: 64)
        let diff = try await shardedDiff { i, ends in
            guard i == 1 else { return }
            real = ends.trailer.entriesSha256
            ends.trailer.entriesSha256 = claimed
        }
        XCTAssertEqual(diff.status, 2, diff.out)
        XCTAssertEqual(diff.out, "")
        XCTAssertEqual(diff.err, "manifest-worker: \(dir!)/part-0001.ndjson.gz: its trailer states 3 entries with digest \(real), "
                       + "but the set index lists 3 with digest \(claimed)\n")
    }

    func testEndsLyingAboutTheCompletionFailTheDiff() async throws {
        var real: Int64 = 0
        let diff = try await shardedDiff { i, ends in
            real = max(real, ends.trailer.completedAtNs)
            guard i == 0 else { return }
            ends.trailer.completedAtNs += 86_400_000_000_000
        }
        XCTAssertEqual(diff.status, 2, diff.out)
        XCTAssertTrue(diff.err.hasPrefix("manifest-worker: \(dir!)/post.set.json: the set index states \"completedAt\" "), diff.err)
        // The real completion as the trailer line writes it.
        var trailer = ManifestTrailer()
        trailer.completedAtNs = real
        let line = String(decoding: ManifestCodec.trailerLine(trailer), as: UTF8.self)
        let time = try XCTUnwrap(line.components(separatedBy: "\"completedAt\":\"").last?.prefix(30))
        XCTAssertTrue(diff.err.hasSuffix(", but the latest part completed at \(time)\n"), diff.err)
    }
}
