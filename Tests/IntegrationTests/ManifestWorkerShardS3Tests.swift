import AWSLite
import Foundation
import ManifestKit
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Sharded walks through moto S3 (signature checks on): the plan read from
/// `s3://`, the parts uploaded, a set index next to them read as one manifest by
/// `show`, `diff` and `join`.
final class ManifestWorkerShardS3Tests: XCTestCase {
    private var aws: LocalAWS!
    private var s3: S3Client!
    private var tree: String!
    private let bucket = "shards"

    override func setUp() async throws {
        aws = try await Integration.freshHarness()
        try await aws.createBucket(bucket)
        s3 = try S3Client(configuration: Integration.configuration(aws))
        var template = Array("/tmp/ebv-s3-shards.XXXXXX".utf8CString)
        tree = String(cString: try XCTUnwrap(mkdtemp(&template)))
    }

    override func tearDown() {
        if let tree { try? FileManager.default.removeItem(atPath: tree) }
    }

    private func object(_ key: String) async throws -> [UInt8] {
        let stream = try await s3.getObject(bucket: bucket, key: key)
        var out: [UInt8] = []
        while let chunk = try await stream.next() { out += chunk }
        return out
    }

    func testShardsThroughS3ReadAsOneManifest() async throws {
        let root = tree + "/t"
        try FileManager.default.createDirectory(atPath: root + "/big", withIntermediateDirectories: true)
        for i in 0..<40 { try Data("\(i)\n".utf8).write(to: URL(fileURLWithPath: root + "/big/f\(i)")) }
        try Data("z".utf8).write(to: URL(fileURLWithPath: root + "/z"))
        let env = aws.clientEnvironment
        let full = tree + "/full.gz"
        XCTAssertEqual(try WorkerProcess.run(["generate", root, "-o", full, "-q"], environment: [:]).status, 0)
        let plan = "s3://\(bucket)/runs/r/plan.json"
        let planned = try WorkerProcess.run(["plan-shards", full, "--shards", "3", "-o", plan, "-q"], environment: env)
        XCTAssertEqual(planned.status, 0, planned.description)
        let planBytes = try await object("runs/r/plan.json")
        let digest = ShardPlan.digest(of: planBytes)
        XCTAssertEqual(try ShardPlan.decode(planBytes, name: plan).count, 3)

        var builder = ManifestSetBuilder(plan: digest, count: 3)
        for i in 0..<3 {
            let key = "runs/r/post/part-000\(i).ndjson.gz"
            // Shard 1 is chosen through the environment, as the task definition does.
            let arguments = i == 1 ? ["generate", root, "-o", "s3://\(bucket)/\(key)", "-q"]
                : ["generate", root, "--plan", plan, "--shard", "\(i)", "-o", "s3://\(bucket)/\(key)", "-q"]
            var environment = env
            if i == 1 { environment.merge(["EBV_PLAN": plan, "EBV_SHARD": "1"]) { $1 } }
            let part = try WorkerProcess.run(arguments, environment: environment)
            XCTAssertEqual(part.status, 0, part.description)
            let summary = try ManifestReader.validate(MemorySource(try await object(key), name: key))
            XCTAssertEqual(summary.header.shardPlan, digest)
            try builder.add(location: "post/part-000\(i).ndjson.gz", header: summary.header, trailer: summary.trailer)
        }
        _ = try await s3.putObject(S3PutObjectRequest(bucket: bucket, key: "runs/r/post.set.json", body: try builder.build().encoded(),
                                                      contentType: "application/json"))
        let set = "s3://\(bucket)/runs/r/post.set.json"

        let fromSet = try WorkerProcess.run(["show", set, "--format", "sha256sum"], environment: env)
        let fromFull = try WorkerProcess.run(["show", full, "--format", "sha256sum"], environment: [:])
        XCTAssertEqual(fromSet.status, 0, fromSet.description)
        XCTAssertEqual(fromSet.stdout, fromFull.stdout)
        XCTAssertEqual(fromSet.stdout.split(separator: "\n").count, 41)
        let diff = try WorkerProcess.run(["diff", full, set, "--restored-root", "none"], environment: env)
        XCTAssertEqual(diff.status, 0, diff.description)
        let joined = tree + "/joined.gz"
        let join = try WorkerProcess.run(["join", set, "-o", joined, "-q"], environment: env)
        XCTAssertEqual(join.status, 0, join.description)
        XCTAssertEqual(try ManifestReader.validate(FileSource(path: joined)).trailer.entriesSha256,
                       try ManifestReader.validate(FileSource(path: full)).trailer.entriesSha256)
        // A part missing from the bucket is named.
        try await s3.deleteObject(bucket: bucket, key: "runs/r/post/part-0002.ndjson.gz")
        let broken = try WorkerProcess.run(["join", set, "-o", tree + "/broken.gz"], environment: env)
        XCTAssertEqual(broken.status, 2)
        XCTAssertTrue(broken.stderr.hasPrefix("manifest-worker: s3://\(bucket)/runs/r/post/part-0002.ndjson.gz: "), broken.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tree + "/broken.gz"))
    }
}
