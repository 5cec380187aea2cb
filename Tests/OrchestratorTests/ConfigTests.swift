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
        env["EBV_SEVERITY"] = "metadata=error, omitted=ok"
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

    func testDeprecatedSeveritiesNameIsAcceptedWithAWarning() throws {
        var env = testEnvironment
        env["EBV_SEVERITIES"] = "metadata=error"
        let old = try OrchestratorConfig(environment: env)
        XCTAssertEqual(old.severities, ["metadata": "error"])
        XCTAssertEqual(old.warnings, ["EBV_SEVERITIES is deprecated: rename it EBV_SEVERITY (as the worker names it)"])
        // The current name wins, and then the old one is not read at all.
        env["EBV_SEVERITY"] = "omitted=ok"
        let both = try OrchestratorConfig(environment: env)
        XCTAssertEqual(both.severities, ["omitted": "ok"])
        XCTAssertEqual(both.warnings, [])
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
        assertInvalid(["EBV_SEVERITY": "missing=fatal"], #"EBV_SEVERITY: unknown severity "fatal" in "missing=fatal" (ok, info, warning or error)"#)
        assertInvalid(["EBV_SEVERITY": "gone=error"],
                      #"EBV_SEVERITY: unknown class "gone" in "gone=error" (classes: changed, corrupt, extra, lost+found, match, metadata, missing, omitted, reuse-mismatch, torn, unverifiable)"#)
        assertInvalid(["EBV_SEVERITY": "torn"], #"EBV_SEVERITY: expected class=severity, got "torn""#)
        assertInvalid(["EBV_SEVERITIES": "torn"], #"EBV_SEVERITIES: expected class=severity, got "torn""#)
        assertInvalid(["EBV_RUNS_PREFIX": "/runs"], #"EBV_RUNS_PREFIX: must not start with "/": "/runs""#)
        assertInvalid(["EBV_STARTED_BY": "bad name!"], #"EBV_STARTED_BY: must be 1-128 of [A-Za-z0-9-/_]: "bad name!""#)
        assertInvalid(["EBV_RESTORED_TASK_FAMILY": "manifest-worker"], "EBV_RESTORED_TASK_FAMILY: must differ from EBV_WORKER_TASK_FAMILY")
    }
}
