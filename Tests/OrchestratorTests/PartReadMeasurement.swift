import AWSLite
import Foundation
import ManifestKit
import TestSupport
import XCTest
@testable import OrchestratorKit

/// A measurement, not a check (skipped unless `EBV_MEASURE_PART_READ=ENTRIES`, e.g.
/// 200000): the orchestrator's `readPart` of one part in moto S3, the whole part
/// streamed through the validating reader against its ends. docs/scaling.md quotes it.
///
/// ```sh
/// EBV_VENV=… EBV_MEASURE_PART_READ=200000 swift test -c release --filter PartReadMeasurement
/// ```
final class PartReadMeasurement: XCTestCase {
    func testReadPartWholeAgainstEnds() async throws {
        guard let entries = ProcessInfo.processInfo.environment["EBV_MEASURE_PART_READ"].flatMap(Int.init), entries > 0 else {
            throw XCTSkip("a measurement: set EBV_MEASURE_PART_READ=ENTRIES")
        }
        let sink = ManifestKit.MemorySink()
        let header = ManifestHeader(role: .post, root: "/mnt/efs", fileSystemId: "fs-1", startedAtNs: 1_741_060_000_000_000_000,
                                    tool: "manifest-worker measure", shardIndex: 0, shardCount: 2,
                                    shardPlan: String(repeating: "c", count: 64))
        let writer = try ManifestWriter(header: header, sink: sink)
        // Paths and digests that vary like a real tree's (the digests do not compress).
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for i in 0..<entries {
            var digest = ""
            for _ in 0..<4 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let hex = String(state, radix: 16)
                digest += String(repeating: "0", count: 16 - hex.count) + hex
            }
            let path = String(format: "home/user%03d/project%02d/file%06d.dat", i / 10_000, i / 100 % 100, i)
            try writer.append(ManifestEntry(path: Array(path.utf8), type: .file, size: UInt64(i % 65_536), mode: 0o644,
                                            uid: 1000, gid: 1000, mtimeNs: 1_741_000_000_000_000_000 + Int64(i),
                                            ctimeNs: 1_741_000_000_000_000_000 + Int64(i), ino: UInt64(i + 100), nlink: 1, sha256: digest))
        }
        let trailer = try writer.finish(completedAtNs: 1_741_060_600_000_000_000)
        let ends = ManifestEnds(header: header, trailer: trailer).encoded()

        let aws = try LocalAWS.shared()
        try await aws.reset()
        try await aws.createBucket("measure")
        let s3 = try S3Client(configuration: AWSClientConfiguration(
            region: aws.region, credentials: StaticCredentialProvider(Credentials(accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey)),
            endpoint: aws.endpoint, retry: .none))
        let key = "manifests/fs-1/runs/r/post/part-0000.ndjson.gz"
        _ = try await s3.putObject(S3PutObjectRequest(bucket: "measure", key: key, body: sink.bytes, contentType: "application/gzip"))
        let catalog = S3ManifestCatalog(s3: s3, bucket: "measure")

        func median(_ rounds: Int, _ body: () async throws -> Void) async throws -> Double {
            var times: [Double] = []
            for _ in 0..<rounds {
                let start = DispatchTime.now().uptimeNanoseconds
                try await body()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            return times.sorted()[rounds / 2]
        }
        let whole = try await median(3) {
            let read = try await catalog.readPart(key: key)
            XCTAssertEqual(read.readFrom, key)
        }
        _ = try await s3.putObject(S3PutObjectRequest(bucket: "measure", key: key + ".ends.ndjson", body: ends, contentType: "application/x-ndjson"))
        let fromEnds = try await median(5) {
            let read = try await catalog.readPart(key: key)
            XCTAssertEqual(read.readFrom, key + ".ends.ndjson")
        }
        print("readPart of \(entries) entries (part \(sink.bytes.count) bytes, ends \(ends.count) bytes) from moto: "
              + "whole part \(String(format: "%.3f", whole)) s, ends \(String(format: "%.4f", fromEnds)) s (medians)")
    }
}
