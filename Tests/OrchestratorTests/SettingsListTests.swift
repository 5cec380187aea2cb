import Foundation
import XCTest
@testable import OrchestratorKit

/// `OrchestratorSettings.all` is the one list: the code reads exactly these variables, with
/// the listed required flags and defaults, and `orchestrator config --list` prints them.
final class SettingsListTests: XCTestCase {
    /// A value other than the default for every optional setting.
    let samples: [String: String] = [
        "EBV_MANIFEST_PREFIX": "m/", "EBV_RUNS_PREFIX": "r/", "EBV_WORKER_VOLUME": "data",
        "EBV_WORKER_MOUNT_PATH": "/mnt/data", "EBV_RESTORED_TASK_FAMILY": "other", "EBV_SEVERITY": "metadata=error",
        "EBV_RUN_TIMEOUT_HOURS": "2", "EBV_RESOURCE_GRACE_HOURS": "1", "EBV_MOUNT_TARGET_POLL_SECONDS": "5",
        "EBV_INVOCATION_MARGIN_SECONDS": "60", "EBV_POST_MANIFEST": "false", "EBV_STARTED_BY": "other",
        "EBV_METRICS_NAMESPACE": "Other", "EBV_MOUNT_TARGET_SECURITY_GROUPS": "sg-222",
        "EBV_TASK_START_ATTEMPTS": "5", "EBV_TASK_START_BACKOFF_SECONDS": "10",
        "EBV_RESTORE_TESTING_WINDOW_HOURS": "12", "EBV_SIDE_EFFECT_RETRY_SECONDS": "30",
        "EBV_DIFF_IN_LAMBDA_MAX_ENTRIES": "1000", "EBV_DIFF_ENTRIES_PER_SECOND": "5000",
        "EBV_SHARDS": "4", "EBV_ENTRIES_PER_SHARD": "1000", "EBV_MAX_SHARDS": "8", "EBV_FULL_BASELINE_EVERY_DAYS": "0", "EBV_REUSE": "false",
    ]

    func testNamesAreUniqueAndEBV() {
        let names = OrchestratorSettings.all.map(\.name)
        XCTAssertEqual(Set(names).count, names.count)
        for name in names { XCTAssertTrue(name.hasPrefix("EBV_"), name) }
    }

    func testEveryRequiredSettingIsReadAsRequired() {
        let required = OrchestratorSettings.all.filter(\.required).map(\.name)
        XCTAssertEqual(Set(required), Set(testEnvironment.keys))
        for name in required {
            var env = testEnvironment
            env[name] = nil
            XCTAssertThrowsError(try OrchestratorConfig(environment: env), name) { error in
                XCTAssertEqual(error as? OrchestratorError, OrchestratorError(.configuration, "\(name): missing"))
            }
        }
    }

    func testEveryOptionalSettingIsReadAndItsDefaultApplies() throws {
        let optional = OrchestratorSettings.all.filter { !$0.required }
        XCTAssertEqual(Set(optional.map(\.name)), Set(samples.keys), "a sample value for every optional setting")
        let defaults = try OrchestratorConfig(environment: testEnvironment)
        for setting in optional {
            var env = testEnvironment
            env[setting.name] = samples[setting.name]
            XCTAssertNotEqual(try OrchestratorConfig(environment: env), defaults, "\(setting.name) is not read")
            if case .value(let text) = setting.fallback {
                env[setting.name] = text
                XCTAssertEqual(try OrchestratorConfig(environment: env), defaults, "\(setting.name)'s listed default is not the default")
            }
        }
    }

    func testUnlistedOrMislistedNamesAreConfigurationErrors() {
        let reader = EnvironmentReader(["EBV_UNLISTED": "x"])
        XCTAssertThrowsError(try reader.optional("EBV_UNLISTED")) { error in
            XCTAssertEqual(error as? OrchestratorError, OrchestratorError(.configuration, "EBV_UNLISTED: not in OrchestratorSettings.all"))
        }
        XCTAssertThrowsError(try reader.required("EBV_WORKER_VOLUME")) { error in
            XCTAssertEqual(error as? OrchestratorError,
                           OrchestratorError(.configuration, "EBV_WORKER_VOLUME: read as required but listed as optional"))
        }
    }

    func testJSONListing() throws {
        let data = Data(OrchestratorSettings.json().utf8)
        let items = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        XCTAssertEqual(items.map { $0["name"] as? String }, OrchestratorSettings.all.map(\.name))
        let bucket = try XCTUnwrap(items.first)
        XCTAssertEqual(bucket["required"] as? Bool, true)
        XCTAssertTrue(bucket["default"] is NSNull)
        XCTAssertEqual(bucket["meaning"] as? String, "S3 bucket for runs, manifests and reports")
        let family = try XCTUnwrap(items.first { $0["name"] as? String == "EBV_RESTORED_TASK_FAMILY" })
        XCTAssertEqual(family["default"] as? String, "<EBV_WORKER_TASK_FAMILY-restored>")
        XCTAssertEqual(family["required"] as? Bool, false)
        XCTAssertTrue(OrchestratorSettings.json().hasPrefix(
            #"[{"default":null,"meaning":"S3 bucket for runs, manifests and reports","name":"EBV_BUCKET","required":true},"#))
    }

    /// `orchestrator ARGS` with an empty environment and no services (listing needs none).
    func run(_ arguments: [String]) async -> (status: Int32, stdout: [String], stderr: [String]) {
        let out = MemorySink()
        let err = MemorySink()
        let status = await OrchestratorMain.run(
            arguments: arguments, environment: [:], stdout: out, stderr: err, readInput: { Data() },
            makeServices: { _, _ in throw OrchestratorError(.configuration, "no services in this test") })
        return (status, out.all, err.all)
    }

    func testConfigListCommand() async throws {
        let json = await run(["config", "--list", "--json"])
        XCTAssertEqual(json.status, 0)
        XCTAssertEqual(json.stdout, [OrchestratorSettings.json()])
        XCTAssertEqual(json.stderr, [])
        let text = await run(["config", "--list"])
        XCTAssertEqual(text.status, 0)
        XCTAssertEqual(text.stdout.count, 1)
        let lines = text.stdout[0].split(separator: "\n")
        XCTAssertEqual(lines.count, OrchestratorSettings.all.count)
        XCTAssertEqual(lines.first.map(String.init),
                       "EBV_BUCKET                        required  S3 bucket for runs, manifests and reports")
        XCTAssertTrue(text.stdout[0].contains("EBV_RUN_TIMEOUT_HOURS             optional  a run still open this long after it started fails (timed-out) (default 24)"))
        for (arguments, message) in [(["config"], "config: missing --list"), (["config", "--list", "--yaml"], "--yaml: unknown option")] {
            let outcome = await run(arguments)
            XCTAssertEqual(outcome.status, 2)
            XCTAssertEqual(outcome.stderr, ["orchestrator: \(message)", "Try 'orchestrator --help'."])
        }
    }
}
