import Foundation
import XCTest
@testable import OrchestratorKit

final class ConfigTests: XCTestCase {
    func testDefaults() throws {
        let config = try OrchestratorConfig(environment: testEnvironment)
        XCTAssertEqual(config.bucket, "verifier-bucket")
        XCTAssertEqual(config.manifestPrefix, "manifests/")
        XCTAssertEqual(config.runsPrefix, "runs/")
        XCTAssertEqual(config.restoredTaskFamily, "manifest-worker-restored")
        XCTAssertEqual(config.workerVolume, "efs")
        XCTAssertEqual(config.workerMountPath, "/mnt/efs")
        XCTAssertEqual(config.subnets, ["subnet-aaa", "subnet-bbb"])
        XCTAssertEqual(config.fileSystems, ["fs-0123456789abcdef0"])
        XCTAssertEqual(config.runTimeout, 86_400)
        XCTAssertEqual(config.resourceGrace, 21_600)
        XCTAssertEqual(config.mountTargetPollInterval, 10)
        XCTAssertEqual(config.invocationMargin, 30)
        XCTAssertTrue(config.postManifest)
        XCTAssertEqual(config.startedBy, "efs-backup-verifier")
        XCTAssertEqual(config.metricsNamespace, "EFSBackupVerifier")
        XCTAssertEqual(config.severities, [:])
    }

    func testOverrides() throws {
        var env = testEnvironment
        env["EBV_MANIFEST_PREFIX"] = "m"
        env["EBV_SEVERITIES"] = "metadata=error, omitted=ok"
        env["EBV_RUN_TIMEOUT_HOURS"] = "1.5"
        env["EBV_POST_MANIFEST"] = "no"
        env["EBV_FILE_SYSTEMS"] = " fs-1 , fs-2 "
        let config = try OrchestratorConfig(environment: env)
        XCTAssertEqual(config.manifestPrefix, "m/")
        XCTAssertEqual(config.severities, ["metadata": "error", "omitted": "ok"])
        XCTAssertEqual(config.runTimeout, 5400)
        XCTAssertFalse(config.postManifest)
        XCTAssertEqual(config.fileSystems, ["fs-1", "fs-2"])
    }

    func assertInvalid(_ changes: [String: String?], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        var env = testEnvironment
        for (key, value) in changes { env[key] = value }
        XCTAssertThrowsError(try OrchestratorConfig(environment: env), file: file, line: line) { error in
            XCTAssertEqual(error as? OrchestratorError, OrchestratorError(.configuration, message), file: file, line: line)
        }
    }

    func testEveryRequiredVariableIsNamedWhenMissing() {
        for name in ["EBV_BUCKET", "EBV_TOPIC_ARN", "EBV_CLUSTER", "EBV_WORKER_TASK_FAMILY", "EBV_WORKER_CONTAINER",
                     "EBV_SUBNETS", "EBV_SECURITY_GROUPS", "EBV_FILE_SYSTEMS", "EBV_KMS_KEY_ID", "EBV_RESTORE_ROLE_ARN"] {
            assertInvalid([name: nil], "\(name): missing")
            assertInvalid([name: "  "], "\(name): missing")
        }
    }

    func testInvalidValues() {
        assertInvalid(["EBV_TOPIC_ARN": "verifier"], #"EBV_TOPIC_ARN: not an sns ARN: "verifier""#)
        assertInvalid(["EBV_RESTORE_ROLE_ARN": "arn:aws:sns:us-east-1:1:x"], #"EBV_RESTORE_ROLE_ARN: not an iam ARN: "arn:aws:sns:us-east-1:1:x""#)
        assertInvalid(["EBV_SUBNETS": "subnet-a,sg-1"], #"EBV_SUBNETS: not a subnet-… id: "sg-1""#)
        assertInvalid(["EBV_SECURITY_GROUPS": "sg-"], #"EBV_SECURITY_GROUPS: not a sg-… id: "sg-""#)
        assertInvalid(["EBV_FILE_SYSTEMS": ","], "EBV_FILE_SYSTEMS: missing")
        assertInvalid(["EBV_RUN_TIMEOUT_HOURS": "0"], #"EBV_RUN_TIMEOUT_HOURS: not a positive number: "0""#)
        assertInvalid(["EBV_MOUNT_TARGET_POLL_SECONDS": "soon"], #"EBV_MOUNT_TARGET_POLL_SECONDS: not a positive number: "soon""#)
        assertInvalid(["EBV_POST_MANIFEST": "maybe"], #"EBV_POST_MANIFEST: not true or false: "maybe""#)
        assertInvalid(["EBV_SEVERITIES": "missing=fatal"], #"EBV_SEVERITIES: expected class=severity, got "missing=fatal""#)
        assertInvalid(["EBV_SEVERITIES": "torn"], #"EBV_SEVERITIES: expected class=severity, got "torn""#)
        assertInvalid(["EBV_RUNS_PREFIX": "/runs"], #"EBV_RUNS_PREFIX: must not start with "/": "/runs""#)
        assertInvalid(["EBV_STARTED_BY": "bad name!"], #"EBV_STARTED_BY: must be 1-128 of [A-Za-z0-9-/_]: "bad name!""#)
        assertInvalid(["EBV_RESTORED_TASK_FAMILY": "manifest-worker"], "EBV_RESTORED_TASK_FAMILY: must differ from EBV_WORKER_TASK_FAMILY")
    }
}

final class NamingTests: XCTestCase {
    func testTokensAreAtMost64PrintableASCII() {
        XCTAssertEqual(RunNaming.token("restore", runId: "a827233a-d405-4a86-a440-759fa94f34dd"), "ebv-restore-a827233a-d405-4a86-a440-759fa94f34dd")
        let long = RunNaming.token("restored", runId: "rt-AB123456-78C9-0123-456D-789012E34567-and-then-some-more-text")
        XCTAssertEqual(long.count, 53)
        XCTAssertTrue(long.hasPrefix("ebv-restored-"))
        XCTAssertEqual(RunNaming.token("restored", runId: "rt-AB123456-78C9-0123-456D-789012E34567-and-then-some-more-text"), long, "stable")
        let spaced = RunNaming.token("ap", runId: "has space")
        XCTAssertTrue(spaced.utf8.allSatisfy { $0 >= 33 && $0 <= 126 })
        XCTAssertEqual(spaced.count, 47)
    }

    func testTaskGroupRoundTrip() throws {
        let naming = RunNaming(config: try OrchestratorConfig(environment: testEnvironment))
        let group = naming.taskGroup(fileSystemId: "fs-1", runId: "run-1", role: "post")
        XCTAssertEqual(group, "ebv:fs-1:run-1:post")
        XCTAssertEqual(naming.parseTaskGroup(group)?.runId, "run-1")
        XCTAssertNil(naming.parseTaskGroup("family:manifest-worker"))
        XCTAssertNil(naming.parseTaskGroup("ebv:fs-1:run-1:baseline"))
    }

    func testFileSystemIdFromArn() {
        XCTAssertEqual(RunNaming.fileSystemId(fromArn: restoredArn), restoredFS)
        XCTAssertEqual(RunNaming.fileSystemId(fromArn: "fs-1"), "fs-1")
        XCTAssertNil(RunNaming.fileSystemId(fromArn: "arn:aws:s3:::bucket"))
    }
}

final class TimestampTests: XCTestCase {
    func testFormatAndParse() throws {
        let date = try XCTUnwrap(Timestamps.parse("2025-03-04T05:41:05.921Z"))
        XCTAssertEqual(date.timeIntervalSince1970, 1_741_066_865.921, accuracy: 0.0005)
        XCTAssertEqual(Timestamps.rfc3339Millis(date), "2025-03-04T05:41:05.921Z")
        XCTAssertEqual(Timestamps.rfc3339(date), "2025-03-04T05:41:05Z")
        XCTAssertEqual(Timestamps.parse("2025-03-04T07:41:05+02:00"), Timestamps.parse("2025-03-04T05:41:05Z"))
        XCTAssertEqual(Timestamps.rfc3339(Date(timeIntervalSince1970: 0)), "1970-01-01T00:00:00Z")
        XCTAssertEqual(Timestamps.rfc3339(Timestamps.parse("2024-02-29T23:59:59Z")!), "2024-02-29T23:59:59Z")
        for bad in ["", "2025-03-04", "2025-13-04T05:41:05Z", "2025-03-04T05:41:05", "2025-03-04T05:41:05.Z", "2025-03-04T05:41:05Zjunk"] {
            XCTAssertNil(Timestamps.parse(bad), bad)
        }
    }
}

final class LoggerTests: XCTestCase {
    func testOneJSONObjectPerLineWithStandardKeys() {
        let sink = MemorySink()
        let clock = FakeClock(Timestamps.parse("2025-03-04T05:41:17.5Z")!)
        let logger = Logger(sink: sink, clock: clock).with(requestId: "req-1").with(runId: "run-1")
        logger.info("restore started", ["restoreJobId": "R1", "level": "ignored", "note": "quote \" and\nnewline"])
        Logger(sink: sink, clock: clock).warn("no ids")
        XCTAssertEqual(sink.all, [
            #"{"level":"info","message":"restore started","note":"quote \" and\nnewline","requestId":"req-1","restoreJobId":"R1","runId":"run-1","timestamp":"2025-03-04T05:41:17.500Z"}"#,
            #"{"level":"warn","message":"no ids","timestamp":"2025-03-04T05:41:17.500Z"}"#,
        ])
    }

    func testEMFDocumentShape() throws {
        let line = EMF.document(namespace: "NS", timestamp: Date(timeIntervalSince1970: 1_574_109_732.004),
                                dimensions: ["ResourceType": "EFS"], dimensionSets: [["ResourceType"]],
                                metrics: [EMFMetric("VerifyDuration", "Milliseconds", 1234)], properties: ["restoreJobId": "r"])
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? NSDictionary)
        let expected = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(#"{"ResourceType":"EFS","VerifyDuration":1234,"_aws":{"CloudWatchMetrics":[{"Dimensions":[["ResourceType"]],"Metrics":[{"Name":"VerifyDuration","Unit":"Milliseconds"}],"Namespace":"NS"}],"Timestamp":1574109732004},"restoreJobId":"r"}"#.utf8)) as? NSDictionary)
        XCTAssertEqual(parsed, expected)
        XCTAssertFalse(line.contains("\n"))
    }
}
