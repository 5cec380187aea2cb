import AWSLite
import Foundation
import ManifestKit
import XCTest
@testable import OrchestratorKit

/// Item 8: errors people can act on — the AWS error code, HTTP status and request id of the
/// failing call travel with the error and onto every failure log line; the baseline search
/// says why it passed over each candidate; timings come from the injected clock.
final class ErrorReportingTests: XCTestCase {
    let throttled = AWSError(kind: .service, service: "backup", operation: "DescribeRestoreJob", code: "ThrottlingException",
                             message: "Rate exceeded", httpStatus: 400, requestId: "5f3c-req")

    func testServiceErrorsKeepTheAWSDetails() {
        let error = OrchestratorError.service("DescribeRestoreJob", throttled)
        XCTAssertEqual(error.kind, .service)
        XCTAssertEqual(error.message, "DescribeRestoreJob: backup.DescribeRestoreJob ThrottlingException: Rate exceeded (HTTP 400, request id 5f3c-req)")
        XCTAssertEqual(error.awsErrorCode, "ThrottlingException")
        XCTAssertEqual(error.httpStatus, 400)
        XCTAssertEqual(error.requestId, "5f3c-req")
        XCTAssertEqual(error.logFields, ["errorType": "Orchestrator.ServiceError", "awsErrorCode": "ThrottlingException",
                                         "httpStatus": "400", "awsRequestId": "5f3c-req"])
        let transport = OrchestratorError.service("PutObject", AWSError(kind: .transport, message: "connection reset"))
        XCTAssertEqual(transport.logFields, ["errorType": "Orchestrator.ServiceError"])
        XCTAssertEqual(OrchestratorError.service("x", OrchestratorError(.conflict, "lost")), OrchestratorError(.conflict, "lost"), "passes through")
        XCTAssertEqual(OrchestratorError.logFields(throttled)["awsRequestId"], "5f3c-req")
        XCTAssertEqual(OrchestratorError.logFields(CocoaError(.fileNoSuchFile))["errorType"], nil)
    }

    func testAFailingCallInAStepSurfacesItsCodeStatusAndRequestId() async throws {
        let world = try World()
        await world.standardSetup()
        await world.backup.setDescribeBackupJobFailure(AWSError(kind: .service, service: "backup", operation: "DescribeBackupJob",
                                                                code: "AccessDeniedException", message: "not authorized",
                                                                httpStatus: 403, requestId: "req-403"))
        do {
            _ = try await world.handle(world.backupCompleted())
            XCTFail("expected the event to fail")
        } catch let error as OrchestratorError {
            XCTAssertEqual(error.awsErrorCode, "AccessDeniedException")
            XCTAssertEqual(error.httpStatus, 403)
            XCTAssertEqual(error.requestId, "req-403")
            XCTAssertEqual(error.message, "DescribeBackupJob: backup.DescribeBackupJob AccessDeniedException: not authorized (HTTP 403, request id req-403)")
        }
    }

    func testReconcileFailureLinesCarryTheAWSDetails() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.backup.setDescribeRestoreJobFailure(throttled)
        _ = try await world.handle(.reconcile)
        let line = try XCTUnwrap(world.logs.records.first { ($0["message"] as? String) == "could not fetch the run's state from AWS" })
        XCTAssertEqual(line["awsErrorCode"] as? String, "ThrottlingException")
        XCTAssertEqual(line["httpStatus"] as? String, "400")
        XCTAssertEqual(line["awsRequestId"] as? String, "5f3c-req")
        XCTAssertEqual(line["restoreJobId"] as? String, "restore-1")
        XCTAssertEqual(line["reason"] as? String, "DescribeRestoreJob: backup.DescribeRestoreJob ThrottlingException: Rate exceeded (HTTP 400, request id 5f3c-req)")
    }

    func testTheRuntimeLoopsFailureLineCarriesTheAWSDetails() async throws {
        let standIn = try RuntimeStandIn([.init(requestId: "req-1", deadlineMs: "1741067777000", traceId: nil, body: "{}")])
        let sink = MemorySink()
        let error = OrchestratorError.service("StartRestoreJob", throttled)
        try await runRuntimeLoop(client: try RuntimeHTTPClient(endpoint: standIn.endpoint),
                                 logger: Logger(sink: sink, clock: FakeClock(Date(timeIntervalSince1970: 0))),
                                 maxInvocations: 1, setTraceId: { _ in }) { _, _ in throw error }
        let line = try XCTUnwrap(sink.records.first { ($0["message"] as? String) == "invocation failed" })
        XCTAssertEqual(line["errorType"] as? String, "Orchestrator.ServiceError")
        XCTAssertEqual(line["awsErrorCode"] as? String, "ThrottlingException")
        XCTAssertEqual(line["httpStatus"] as? String, "400")
        XCTAssertEqual(line["awsRequestId"] as? String, "5f3c-req")
        XCTAssertEqual(line["requestId"] as? String, "req-1", "the Lambda request id stays the invocation's")
    }

    func testSkippedBaselineCandidatesAreLoggedWithTheirReasons() async throws {
        let world = try World()
        await world.standardSetup()
        await world.manifests.setSkipped([
            SkippedCandidate(key: "manifests/\(productionFS)/baseline/2025-03-04T05-00-00Z.ndjson.gz", reason: "invalid manifest: digest mismatch"),
        ])
        _ = try await world.handle(world.backupCompleted())
        let line = try XCTUnwrap(world.logs.records.first { ($0["message"] as? String) == "baseline candidate skipped" })
        XCTAssertEqual(line["key"] as? String, "manifests/\(productionFS)/baseline/2025-03-04T05-00-00Z.ndjson.gz")
        XCTAssertEqual(line["reason"] as? String, "invalid manifest: digest mismatch")
        XCTAssertEqual(line["level"] as? String, "warn")
    }

    // MARK: - The S3 catalog

    let startedAt: Int64 = 1_741_060_000_000_000_000  // 2025-03-04T03:46:40Z

    func manifest(completedAtNs: Int64, sha: Character = "a") throws -> [UInt8] {
        let sink = ManifestKit.MemorySink()
        let writer = try ManifestWriter(header: ManifestHeader(role: .baseline, root: "/mnt/efs", fileSystemId: "fs-1",
                                                               startedAtNs: startedAt, tool: "manifest-worker test"), sink: sink)
        try writer.append(ManifestEntry(path: Array("x".utf8), type: .file, size: 3, mode: 0o644, uid: 1000, gid: 1000,
                                        mtimeNs: 1_700_000_000_000_000_001, ctimeNs: 1_700_000_000_000_000_002, ino: 42, nlink: 1,
                                        sha256: String(repeating: sha, count: 64)))
        _ = try writer.finish(completedAtNs: completedAtNs)
        return sink.bytes
    }

    func testTheCatalogSaysWhyEachNewerCandidateWasSkipped() async throws {
        let s3 = try MiniS3()
        let prefix = "manifests/fs-1/baseline/"
        try s3.put(prefix + "1-good.ndjson.gz", manifest(completedAtNs: startedAt + 1_000_000_000), lastModified: "2025-03-04T04:00:00.000Z")
        s3.put(prefix + "2-truncated.ndjson.gz", [0x1f, 0x8b, 0x08, 0x00], lastModified: "2025-03-04T04:30:00.000Z")
        var tampered = try manifest(completedAtNs: startedAt + 2_000_000_000)
        tampered[tampered.count / 2] ^= 0x01
        s3.put(prefix + "3-tampered.ndjson.gz", tampered, lastModified: "2025-03-04T04:40:00.000Z")
        try s3.put(prefix + "4-late.ndjson.gz", manifest(completedAtNs: startedAt + 9_000_000_000_000), lastModified: "2025-03-04T05:10:00.000Z")
        let catalog = S3ManifestCatalog(s3: try s3.client, bucket: "bucket")
        let search = try await catalog.searchBaseline(prefix: prefix, before: XCTUnwrap(Timestamps.parse("2025-03-04T05:00:31Z")))
        XCTAssertEqual(search.found?.key, prefix + "1-good.ndjson.gz")
        XCTAssertEqual(search.skipped.map(\.key), [prefix + "4-late.ndjson.gz", prefix + "3-tampered.ndjson.gz", prefix + "2-truncated.ndjson.gz"])
        XCTAssertEqual(search.skipped.first?.reason, "completed at 2025-03-04T06:16:40.000Z, not before 2025-03-04T05:00:31.000Z")
        XCTAssertTrue(search.skipped[1].reason.hasPrefix("invalid manifest: "), search.skipped[1].reason)
        XCTAssertTrue(search.skipped[2].reason.hasPrefix("invalid manifest: "), search.skipped[2].reason)
    }

    func testAThrottledCandidateFailsTheSearchInsteadOfFallingBackToAnOlderOne() async throws {
        let s3 = try MiniS3()
        let prefix = "manifests/fs-1/baseline/"
        try s3.put(prefix + "1-old.ndjson.gz", manifest(completedAtNs: startedAt + 1_000_000_000), lastModified: "2025-03-04T04:00:00.000Z")
        try s3.put(prefix + "2-new.ndjson.gz", manifest(completedAtNs: startedAt + 2_000_000_000), lastModified: "2025-03-04T04:30:00.000Z")
        s3.failing.withLock { $0[prefix + "2-new.ndjson.gz"] = (503, "SlowDown") }
        let catalog = S3ManifestCatalog(s3: try s3.client, bucket: "bucket")
        do {
            let search = try await catalog.searchBaseline(prefix: prefix, before: XCTUnwrap(Timestamps.parse("2025-03-04T05:00:31Z")))
            XCTFail("an older baseline was chosen: \(String(describing: search.found))")
        } catch let error as OrchestratorError {
            XCTAssertEqual(error.kind, .service)
            XCTAssertEqual(error.awsErrorCode, "SlowDown")
            XCTAssertEqual(error.httpStatus, 503)
            XCTAssertTrue(error.message.hasPrefix("read baseline candidate s3://bucket/\(prefix)2-new.ndjson.gz: "), error.message)
        }
    }

    func testTheDiffIsTimedByTheInjectedClock() async throws {
        let s3 = try MiniS3()
        try s3.put("m/baseline.ndjson.gz", manifest(completedAtNs: startedAt + 1))
        try s3.put("m/restored.ndjson.gz", manifest(completedAtNs: startedAt + 2))
        let clock = FakeClock(try XCTUnwrap(Timestamps.parse("2030-01-02T03:04:05Z")))
        let differ = S3ManifestDiffer(s3: try s3.client, bucket: "bucket", clock: clock)
        _ = try await differ.diffAndReport(DiffRequest(baselineKey: "m/baseline.ndjson.gz", postKey: nil, restoredKey: "m/restored.ndjson.gz",
                                                       reportPrefix: "r/", severities: [:]))
        let report = try XCTUnwrap(s3.objects.current["r/report.json"]?.body)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(report)) as? [String: Any])
        XCTAssertEqual((json["startedAtNs"] as? NSNumber)?.int64Value, 1_893_553_445_000_000_000)
        XCTAssertEqual((json["finishedAtNs"] as? NSNumber)?.int64Value, 1_893_553_445_000_000_000)
    }
}
