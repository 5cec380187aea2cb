import AWSLite
import Foundation
import ManifestKit
import TestSupport
import XCTest
@testable import OrchestratorKit

/// A minimal in-memory S3 (path style) for the manifest adapters: GET, HEAD, PUT, ListObjectsV2.
final class MiniS3: @unchecked Sendable {  // objects behind Locked; server set once in init
    let objects = Locked<[String: (body: [UInt8], lastModified: String)]>([:])
    /// GETs of these keys answer (status, S3 error code).
    let failing = Locked<[String: (Int, String)]>([:])
    /// `GET key` / `HEAD key` of every object request, in order.
    let requests = Locked<[String]>([])
    var server: TestHTTPServer!

    init() throws {
        server = try TestHTTPServer { [unowned self] request in self.answer(request) }
    }

    deinit { server.stop() }

    func put(_ key: String, _ body: [UInt8], lastModified: String = "2025-03-04T00:00:00.000Z") {
        objects.withLock { $0[key] = (body, lastModified) }
    }

    func answer(_ request: TestHTTPRequest) -> TestHTTPResponse {
        let parts = request.path.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.first == "bucket" else { return .text(404, "<Error><Code>NoSuchBucket</Code><Message>no</Message></Error>") }
        let key = parts.count > 1 ? (parts[1].removingPercentEncoding ?? parts[1]) : ""
        switch request.method {
        case "GET" where key.isEmpty:
            var prefix = ""
            for pair in request.query.split(separator: "&") where pair.hasPrefix("prefix=") {
                prefix = String(pair.dropFirst(7)).removingPercentEncoding ?? ""
            }
            let listed = objects.current.filter { $0.key.hasPrefix(prefix) }.sorted { $0.key < $1.key }
            let contents = listed.map {
                "<Contents><Key>\($0.key)</Key><Size>\($0.value.body.count)</Size><LastModified>\($0.value.lastModified)</LastModified><ETag>\"e\"</ETag></Contents>"
            }.joined()
            return .text(200, "<?xml version=\"1.0\"?><ListBucketResult><IsTruncated>false</IsTruncated>\(contents)</ListBucketResult>")
        case "GET", "HEAD":
            requests.withLock { $0.append("\(request.method) \(key)") }
            if let (status, code) = failing.current[key] {
                return .text(status, "<Error><Code>\(code)</Code><Message>Please reduce your request rate.</Message><RequestId>req-\(status)</RequestId></Error>")
            }
            guard let object = objects.current[key] else {
                return .text(404, request.method == "HEAD" ? "" : "<Error><Code>NoSuchKey</Code><Message>none</Message></Error>")
            }
            return TestHTTPResponse(status: 200, headers: [("ETag", "\"e\""), ("Content-Length", String(object.body.count))],
                                    body: request.method == "HEAD" ? [] : object.body)
        case "PUT":
            put(key, request.body)
            return TestHTTPResponse(status: 200, headers: [("ETag", "\"e\"")])
        default:
            return .text(400, "<Error><Code>Unexpected</Code><Message>\(request.method)</Message></Error>")
        }
    }

    var client: S3Client {
        get throws {
            try S3Client(configuration: AWSClientConfiguration(
                region: "us-east-1", credentials: StaticCredentialProvider(Credentials(accessKeyId: "AKID", secretAccessKey: "s")),
                endpoint: URL(string: server.baseURL), retry: .none))
        }
    }
}

final class S3ManifestAdapterTests: XCTestCase {
    let startedAt: Int64 = 1_741_060_000_000_000_000  // 2025-03-04T03:46:40Z

    func file(_ path: String, sha: String) -> ManifestEntry {
        ManifestEntry(path: Array(path.utf8), type: .file, size: 3, mode: 0o644, uid: 1000, gid: 1000,
                      mtimeNs: 1_700_000_000_000_000_001, ctimeNs: 1_700_000_000_000_000_002, ino: 42, nlink: 1, sha256: sha)
    }

    func manifest(_ role: ManifestRole, _ entries: [ManifestEntry], completedAtNs: Int64) throws -> [UInt8] {
        let sink = ManifestKit.MemorySink()
        let writer = try ManifestWriter(header: ManifestHeader(role: role, root: "/mnt/efs", fileSystemId: "fs-1",
                                                               startedAtNs: startedAt, tool: "manifest-worker test"), sink: sink)
        for entry in entries { try writer.append(entry) }
        _ = try writer.finish(completedAtNs: completedAtNs)
        return sink.bytes
    }

    func testCatalogPicksTheNewestValidManifestCompletedBeforeTheBackup() async throws {
        let s3 = try MiniS3()
        let a = String(repeating: "a", count: 64)
        let prefix = "manifests/fs-1/baseline/"
        try s3.put(prefix + "1-old.ndjson.gz", manifest(.baseline, [file("x", sha: a)], completedAtNs: startedAt + 1_000_000_000),
                   lastModified: "2025-03-04T03:50:00.000Z")
        try s3.put(prefix + "2-good.ndjson.gz", manifest(.baseline, [file("x", sha: a)], completedAtNs: startedAt + 2_000_000_000),
                   lastModified: "2025-03-04T04:00:00.000Z")
        s3.put(prefix + "3-truncated.ndjson.gz", [0x1f, 0x8b, 0x08, 0x00], lastModified: "2025-03-04T04:30:00.000Z")
        try s3.put(prefix + "4-late.ndjson.gz", manifest(.baseline, [file("x", sha: a)], completedAtNs: startedAt + 9_000_000_000_000),
                   lastModified: "2025-03-04T06:20:00.000Z")
        let catalog = S3ManifestCatalog(s3: try s3.client, bucket: "bucket")
        let before = try XCTUnwrap(Timestamps.parse("2025-03-04T05:00:31Z"))
        let found = try await catalog.newestValidManifest(prefix: prefix, before: before)
        XCTAssertEqual(found?.key, prefix + "2-good.ndjson.gz")
        XCTAssertEqual(found?.completedAt.timeIntervalSince1970 ?? 0, 1_741_060_002, accuracy: 0.001)
        let none = try await catalog.newestValidManifest(prefix: prefix, before: Timestamps.parse("2025-03-04T03:00:00Z")!)
        XCTAssertNil(none)
        let exists = try await catalog.exists(key: prefix + "2-good.ndjson.gz")
        XCTAssertTrue(exists)
        let missing = try await catalog.exists(key: prefix + "nope")
        XCTAssertFalse(missing)
    }

    func testDifferWritesTheReportSet() async throws {
        let s3 = try MiniS3()
        let a = String(repeating: "a", count: 64)
        let b = String(repeating: "b", count: 64)
        let entries = [file("x", sha: a), file("y", sha: b)]
        try s3.put("m/baseline.ndjson.gz", manifest(.baseline, entries, completedAtNs: startedAt + 1))
        try s3.put("m/post.ndjson.gz", manifest(.post, entries, completedAtNs: startedAt + 2))
        try s3.put("m/restored.ndjson.gz", manifest(.restored, [file("x", sha: a)], completedAtNs: startedAt + 3))
        let differ = S3ManifestDiffer(s3: try s3.client, bucket: "bucket")
        let summary = try await differ.diffAndReport(DiffRequest(
            baselineKey: "m/baseline.ndjson.gz", postKey: "m/post.ndjson.gz", restoredKey: "m/restored.ndjson.gz",
            reportPrefix: "runs/fs-1/r1/", severities: [:]))
        XCTAssertFalse(summary.passed)
        XCTAssertEqual(summary.mode, "three-way")
        XCTAssertEqual(summary.filesVerified, 1)
        XCTAssertEqual(summary.bytesVerified, 3)
        XCTAssertEqual(summary.findingsByClass["match"], 1)
        XCTAssertEqual(summary.findingsByClass["missing"], 1)
        XCTAssertEqual(summary.findingsBySeverity["error"], 1)
        XCTAssertEqual(summary.reportKey, "runs/fs-1/r1/report.json")
        // Each manifest's walk, from its header and trailer.
        XCTAssertEqual(summary.walks?.keys.sorted(), ["baseline", "post", "restored"])
        XCTAssertEqual(summary.walks?["restored"]?.entries, 1)
        XCTAssertEqual(summary.walks?["post"]?.files, 2)
        XCTAssertEqual(summary.walks?["restored"]?.seconds, 0)
        let stored = s3.objects.current
        // summary.txt: the summary, then each walk (the SNS message puts them in itself).
        let summaryFile = try XCTUnwrap(stored["runs/fs-1/r1/summary.txt"].map { String(decoding: $0.body, as: UTF8.self) })
        XCTAssertEqual(DiffReport.withoutWalks(summaryFile), summary.summaryText)
        XCTAssertTrue(summaryFile.hasPrefix(summary.summaryText + "walks:\n  baseline: 0s, 2 entries, 2 files, 6 bytes, 0 errors, "), summaryFile)
        let report = try XCTUnwrap(stored["runs/fs-1/r1/report.json"]?.body)
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(report)) as? [String: Any])
        let findings = try XCTUnwrap(stored["runs/fs-1/r1/findings.ndjson.gz"]?.body)
        XCTAssertEqual(Array(findings.prefix(2)), [0x1f, 0x8b], "gzip")

        let relaxed = try await differ.diffAndReport(DiffRequest(
            baselineKey: "m/baseline.ndjson.gz", postKey: nil, restoredKey: "m/restored.ndjson.gz",
            reportPrefix: "runs/fs-1/r2/", severities: ["missing": "warning"]))
        XCTAssertTrue(relaxed.passed)
        XCTAssertEqual(relaxed.mode, "two-way")
    }

    func testDifferClosesTheTwoWayWindowAtTheGivenEnd() async throws {
        let s3 = try MiniS3()
        let a = String(repeating: "a", count: 64), b = String(repeating: "b", count: 64)
        var restored = file("x", sha: b)
        restored.mtimeNs = startedAt + 7_200_000_000_000  // two hours after the baseline started
        try s3.put("m/baseline.ndjson.gz", manifest(.baseline, [file("x", sha: a)], completedAtNs: startedAt + 1))
        try s3.put("m/restored.ndjson.gz", manifest(.restored, [restored], completedAtNs: startedAt + 3))
        let differ = S3ManifestDiffer(s3: try s3.client, bucket: "bucket")
        let open = try await differ.diff(DiffRequest(
            baselineKey: "m/baseline.ndjson.gz", postKey: nil, restoredKey: "m/restored.ndjson.gz",
            reportPrefix: "runs/fs-1/r1/", severities: [:])).summary
        XCTAssertEqual(open.findingsByClass["changed"], 1)
        XCTAssertTrue(open.passed)
        let end = Date(timeIntervalSince1970: 1_741_060_060)  // one minute after the baseline started
        let closedOutcome = try await differ.diff(DiffRequest(
            baselineKey: "m/baseline.ndjson.gz", postKey: nil, restoredKey: "m/restored.ndjson.gz",
            reportPrefix: "runs/fs-1/r2/", severities: [:], windowEnd: end))
        let closed = closedOutcome.summary
        XCTAssertEqual(closed.findingsByClass["corrupt"], 1)
        XCTAssertFalse(closed.passed)
        try await differ.writeReport(closedOutcome.documents)
        let report = String(decoding: try XCTUnwrap(s3.objects.current["runs/fs-1/r2/report.json"]?.body), as: UTF8.self)
        XCTAssertTrue(report.contains("\n  \"windowEndNs\": 1741060060000000000,\n"), report)
    }

    /// A diff still running at its deadline stops with `DiffOutOfTime` and aborts its
    /// findings upload: nothing is left under the report prefix.
    func testDifferPastItsDeadlineStopsAndAbortsItsUploads() async throws {
        let s3 = try MiniS3()
        let a = String(repeating: "a", count: 64)
        try s3.put("m/baseline.ndjson.gz", manifest(.baseline, [file("x", sha: a)], completedAtNs: startedAt + 1))
        try s3.put("m/restored.ndjson.gz", manifest(.restored, [file("x", sha: a)], completedAtNs: startedAt + 1))
        let differ = S3ManifestDiffer(s3: try s3.client, bucket: "bucket")
        do {
            _ = try await differ.diff(DiffRequest(baselineKey: "m/baseline.ndjson.gz", postKey: nil, restoredKey: "m/restored.ndjson.gz",
                                                  reportPrefix: "runs/late/", severities: [:], deadline: Date().addingTimeInterval(-1)))
            XCTFail("expected DiffOutOfTime")
        } catch is DiffOutOfTime {}
        XCTAssertEqual(s3.objects.current.keys.filter { $0.hasPrefix("runs/late/") }, [])
        let outcome = try await differ.diff(DiffRequest(baselineKey: "m/baseline.ndjson.gz", postKey: nil, restoredKey: "m/restored.ndjson.gz",
                                                        reportPrefix: "runs/ok/", severities: [:], deadline: Date().addingTimeInterval(600)))
        XCTAssertEqual(outcome.entriesCompared, 1)
        XCTAssertTrue(outcome.summary.passed)
        // What a diff task's report set reads back as: the same summary, walks included
        // (report.json's `walks`; summary.txt's `walks:` lines are left out of the text).
        try await differ.writeReport(outcome.documents)
        let read = try await differ.readReport(reportPrefix: "runs/ok/")
        XCTAssertEqual(outcome.summary.walks?.keys.sorted(), ["baseline", "restored"])
        XCTAssertEqual(read, outcome.summary)
    }

    func testDifferRejectsAnInvalidManifest() async throws {
        let s3 = try MiniS3()
        let a = String(repeating: "a", count: 64)
        try s3.put("m/baseline.ndjson.gz", manifest(.baseline, [file("x", sha: a)], completedAtNs: startedAt + 1))
        let good = try manifest(.restored, [file("x", sha: a)], completedAtNs: startedAt + 1)
        s3.put("m/restored.ndjson.gz", Array(good.dropLast(12)))
        let differ = S3ManifestDiffer(s3: try s3.client, bucket: "bucket")
        do {
            _ = try await differ.diffAndReport(DiffRequest(baselineKey: "m/baseline.ndjson.gz", postKey: nil,
                                                           restoredKey: "m/restored.ndjson.gz", reportPrefix: "runs/x/", severities: [:]))
            XCTFail("expected an invalid manifest")
        } catch let error as ManifestKitError {
            XCTAssertEqual(error.kind, .invalidManifest)
            XCTAssertEqual(error.subject, "s3://bucket/m/restored.ndjson.gz")
        }
        XCTAssertNil(s3.objects.current["runs/x/report.json"])
        XCTAssertNil(s3.objects.current["runs/x/findings.ndjson.gz"], "an aborted upload leaves no findings object")
    }
}
