import AWSLite
import Foundation
import Glibc
import ManifestKit
import TestSupport
import XCTest

/// A shard's ends (`OUT.ends.ndjson`) through moto S3 and under signals: written after
/// the part is complete, never for a part that is not.
final class ManifestWorkerShardEndsTests: XCTestCase {
    private var base: String!

    override func setUpWithError() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("ebv-ends-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: base + "/tree/d", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: base + "/out", withIntermediateDirectories: true)
        for i in 0..<20 { try Data("file \(i)".utf8).write(to: URL(fileURLWithPath: "\(base!)/tree/d/f\(i)")) }
        XCTAssertEqual(try WorkerProcess.run(["generate", base + "/tree", "-o", base + "/full.gz", "-q"], environment: [:]).status, 0)
        XCTAssertEqual(try WorkerProcess.run(["plan-shards", base + "/full.gz", "--shards", "2", "-o", base + "/plan.json", "-q"],
                                             environment: [:]).status, 0)
    }

    override func tearDown() {
        if let base { try? FileManager.default.removeItem(atPath: base) }
    }

    private func shard(_ output: String) -> [String] {
        ["generate", base + "/tree", "--plan", base + "/plan.json", "--shard", "1", "-o", output, "-q"]
    }

    private func firstAndLastLines(_ gzip: [UInt8]) throws -> [UInt8] {
        let source = try GzipDecompressingSource(wrapping: MemorySource(gzip))
        var plain: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while case let n = try buffer.withUnsafeMutableBytes({ try source.read(into: $0) }), n > 0 { plain += buffer[..<n] }
        let lines = plain.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
        return Array(lines.first!) + [0x0A] + Array(lines.last!) + [0x0A]
    }

    func testAPartAndItsEndsThroughS3() async throws {
        let aws = try await Integration.freshHarness()
        try await aws.createBucket("ends")
        let s3 = try S3Client(configuration: Integration.configuration(aws))
        let key = "manifests/fs-1/runs/r/post/part-0001.ndjson.gz"
        let result = try WorkerProcess.run(shard("s3://ends/\(key)"), environment: aws.clientEnvironment)
        XCTAssertEqual(result.status, 0, result.description)
        func object(_ key: String) async throws -> [UInt8] {
            let stream = try await s3.getObject(bucket: "ends", key: key)
            var out: [UInt8] = []
            while let chunk = try await stream.next() { out += chunk }
            return out
        }
        let ends = try await object(key + ".ends.ndjson")
        let part = try await object(key)
        XCTAssertEqual(ends, try firstAndLastLines(part))
        XCTAssertEqual(try ManifestEnds.decode(ends, name: key).header.shardIndex, 1)
        let head = try await s3.headObject(bucket: "ends", key: key + ".ends.ndjson")
        XCTAssertEqual(head.contentType, "application/x-ndjson")
        let listed = try await s3.listAllObjects(bucket: "ends", prefix: "manifests/").map(\.key)
        XCTAssertEqual(listed, [key, key + ".ends.ndjson"])
    }

    /// SIGTERM during the walk: neither the part nor its ends.
    func testASignalDuringTheWalkLeavesNoEnds() throws {
        let output = base + "/out/p1.gz"
        let worker = try WorkerProcess.start(shard(output), environment: ["EBV_TEST_PAUSE_AT": "walking"])
        defer { worker.kill() }
        let reached = worker.waitForStderr("manifest-worker: test pause at walking\n")
        XCTAssertTrue(reached)
        if reached { worker.signal(SIGTERM) }
        let result = worker.wait()
        XCTAssertEqual(result.status, 143, result.description)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: base + "/out"), [])
    }

    /// SIGTERM once the part is complete and before its ends are written: exit 143 (the
    /// orchestrator does not read the part), the complete part, no ends, no temporary file.
    func testASignalBetweenThePartAndItsEndsLeavesNoEnds() throws {
        let output = base + "/out/p1.gz"
        let worker = try WorkerProcess.start(shard(output), environment: ["EBV_TEST_PAUSE_AT": "manifest-complete"])
        defer { worker.kill() }
        let reached = worker.waitForStderr("manifest-worker: test pause at manifest-complete\n")
        XCTAssertTrue(reached)
        if reached { worker.signal(SIGTERM) }
        let result = worker.wait()
        XCTAssertEqual(result.status, 143, result.description)
        XCTAssertEqual(result.stderr, "manifest-worker: test pause at manifest-complete\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: base + "/out"), ["p1.gz"])
        XCTAssertEqual(try ManifestReader.validate(FileSource(path: output)).header.shardIndex, 1)
    }
}
