import AWSLite
import Foundation
import XCTest
@testable import OrchestratorKit

/// Diffs that do not fit in one invocation run as a Fargate task of the worker image and
/// the run continues on its STOPPED event; a diff that runs out of time in Lambda is
/// abandoned (its uploads aborted) and moved to a task.
final class DiffPlacementTests: XCTestCase {
    let reportPrefix = "runs/\(productionFS)/\(backupJobId)/"

    /// Runs the standard run up to both manifests stopped; the baseline has `entries`.
    func runToDiff(_ world: World, entries: Int?, deadline: Date? = nil) async throws -> String {
        await world.standardSetup()
        await world.manifests.setBaselines([ManifestRef(key: "manifests/\(productionFS)/baseline/2025-03-04T04-30-00Z.ndjson.gz",
                                                        completedAt: Timestamps.parse("2025-03-04T04:40:00Z")!, entries: entries)])
        _ = try await world.handle(world.backupCompleted())
        await world.restoreCompletes()
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
        _ = try await world.handle(world.taskStopped(role: .post, exitCode: 0))
        await world.manifests.addExisting("manifests/\(productionFS)/runs/\(backupJobId)/post.ndjson.gz")
        return try await world.orchestrator.handle(world.taskStopped(role: .restored, exitCode: 0), deadline: deadline ?? world.deadline)
    }

    func testASmallDiffRunsInLambda() async throws {
        let world = try World()
        _ = try await runToDiff(world, entries: 1200)
        let diffs = await world.differ.requests.count
        XCTAssertEqual(diffs, 1)
        let run = try await world.run()
        XCTAssertEqual(run.result, .passed)
        XCTAssertNil(run.tasks[.diff])
    }

    func testADiffOverTheEntryLimitRunsAsATaskAndTheRunContinuesOnItsStop() async throws {
        var environment = testEnvironment
        environment["EBV_DIFF_IN_LAMBDA_MAX_ENTRIES"] = "1000"
        environment["EBV_SEVERITIES"] = "metadata=error,corrupt=warning"
        let world = try World(environment: environment)
        _ = try await runToDiff(world, entries: 400)  // three manifests: about 1200 entries
        var run = try await world.run()
        XCTAssertNil(run.result)
        let diffs = await world.differ.requests.count
        XCTAssertEqual(diffs, 0, "not in Lambda")
        let requests = await world.ecs.runRequests
        let request = try XCTUnwrap(requests.first { $0.group.hasSuffix(":diff") })
        XCTAssertEqual(request.taskDefinition, "manifest-worker")
        XCTAssertEqual(request.clientToken, "ebv-diff-" + backupJobId)
        XCTAssertEqual(request.command, [
            "diff", "s3://verifier-bucket/manifests/\(productionFS)/baseline/2025-03-04T04-30-00Z.ndjson.gz",
            "--post", "s3://verifier-bucket/manifests/\(productionFS)/runs/\(backupJobId)/post.ndjson.gz",
            "s3://verifier-bucket/manifests/\(productionFS)/runs/\(backupJobId)/restored.ndjson.gz",
            "--report-dir", "s3://verifier-bucket/" + reportPrefix, "--quiet",
            // The backup job's completion (05:41:05.921Z), to the nanosecond the in-Lambda diff uses.
            "--window-end", "2025-03-04T05:41:05.920999936Z"])
        XCTAssertEqual(request.environment, ["EBV_RUN_ID": backupJobId, "EBV_SEVERITY": "corrupt=warning,metadata=error"])
        XCTAssertTrue(run.history.last { $0.contains("diff task") }?.hasSuffix("about 1200 entries, over EBV_DIFF_IN_LAMBDA_MAX_ENTRIES 1000") ?? false)

        // A duplicate STOPPED event of the restored task starts no second diff task.
        _ = try await world.handle(world.taskStopped(role: .restored, exitCode: 0))
        let diffTasks = await world.ecs.runRequests.filter { $0.group.hasSuffix(":diff") }.map(\.clientToken)
        XCTAssertEqual(Set(diffTasks).count, 1)

        // The diff task found error findings (exit 1): its report decides.
        await world.differ.setPassed(false)
        _ = try await world.handle(world.taskStopped(role: .diff, exitCode: 1))
        run = try await world.run()
        XCTAssertEqual(run.result, .failed)
        XCTAssertEqual(run.phase, .done)
        XCTAssertEqual(run.report?.reportKey, reportPrefix + "report.json")
        XCTAssertNil(run.pendingReport, "the task wrote the report itself")
        let read = await world.differ.reportsRead
        XCTAssertEqual(read, [reportPrefix])
        let deleted = await world.efs.deletedFileSystems
        XCTAssertEqual(deleted, [restoredFS])
    }

    func testADiffThatDoesNotFitTheRemainingTimeRunsAsATask() async throws {
        var environment = testEnvironment
        environment["EBV_DIFF_ENTRIES_PER_SECOND"] = "10"
        let world = try World(environment: environment)
        // 3 × 1200 entries at 10/s × 1.5 = 540 s; 900 s − 30 s margin leaves 870 s: fits.
        _ = try await runToDiff(world, entries: 1200)
        var diffs = await world.differ.requests.count
        XCTAssertEqual(diffs, 1)

        let tight = try World(environment: environment)
        // 300 s left: does not fit.
        _ = try await runToDiff(tight, entries: 1200, deadline: tight.clock.now().addingTimeInterval(300))
        diffs = await tight.differ.requests.count
        XCTAssertEqual(diffs, 0)
        let run = try await tight.run()
        XCTAssertNotNil(run.tasks[.diff])
        XCTAssertTrue(run.history.last { $0.contains("diff task") }?.hasSuffix("about 3600 entries at 10 per second need 540 s, 270 s left") ?? false,
                      run.history.joined(separator: "\n"))
    }

    func testADiffThatRunsOutOfTimeInLambdaMovesToATask() async throws {
        let world = try World()
        await world.differ.setOutOfTime(true)
        _ = try await runToDiff(world, entries: 1200)
        let run = try await world.run()
        XCTAssertEqual(run.diffRanOutOfTime, true)
        XCTAssertNil(run.result)
        XCTAssertNotNil(run.tasks[.diff], "the same invocation started the task")
        XCTAssertTrue(run.history.contains { $0.hasSuffix("diff ran out of time in Lambda (its uploads aborted); it runs as a task next") })
        _ = try await world.handle(world.taskStopped(role: .diff, exitCode: 0))
        let done = try await world.run()
        XCTAssertEqual(done.result, .passed)
    }

    func testAFailedDiffTaskEndsTheRunInError() async throws {
        var environment = testEnvironment
        environment["EBV_DIFF_IN_LAMBDA_MAX_ENTRIES"] = "1"
        let world = try World(environment: environment)
        _ = try await runToDiff(world, entries: 1200)
        _ = try await world.handle(world.taskStopped(role: .diff, exitCode: 2))
        let run = try await world.run()
        XCTAssertEqual(run.result, .error)
        XCTAssertEqual(run.phase, .done)
        XCTAssertTrue(run.resultMessage?.hasPrefix("diff task exit code 2") ?? false, run.resultMessage ?? "")
    }

    func testReportSummaryFromAReportSet() throws {
        let json = #"{"format":"efs-backup-verifier-report/1","passed":false,"mode":"three-way","filesVerified":53,"bytesVerified":3217828,"counts":{"match":66,"corrupt":1,"missing":1},"severities":{"ok":66,"error":2}}"#
        let summary = try ReportSummary(reportJSON: Array(json.utf8), summaryText: "FAIL\n", reportPrefix: "p/")
        XCTAssertEqual(summary, ReportSummary(passed: false, mode: "three-way", filesVerified: 53, bytesVerified: 3217828,
                                              findingsBySeverity: ["ok": 66, "error": 2], findingsByClass: ["match": 66, "corrupt": 1, "missing": 1],
                                              summaryText: "FAIL\n", reportKey: "p/report.json", findingsKey: "p/findings.ndjson.gz",
                                              summaryKey: "p/summary.txt"))
        for (bad, message) in [
            (#"{"format":"x"}"#, "p/report.json: format: not efs-backup-verifier-report/1"),
            (#"{"format":"efs-backup-verifier-report/1","passed":true,"mode":"two-way","filesVerified":1e30,"bytesVerified":1,"counts":{},"severities":{}}"#,
             "p/report.json: filesVerified: not a count"),
            (#"{"format":"efs-backup-verifier-report/1","passed":true,"mode":"two-way","filesVerified":-1,"bytesVerified":1,"counts":{},"severities":{}}"#,
             "p/report.json: filesVerified: not a count"),
            (#"{"format":"efs-backup-verifier-report/1","passed":true,"mode":"two-way","filesVerified":1,"bytesVerified":1.5,"counts":{},"severities":{}}"#,
             "p/report.json: bytesVerified: not a count"),
            (#"{"format":"efs-backup-verifier-report/1","passed":true,"mode":"two-way","filesVerified":1,"bytesVerified":1,"counts":{"match":"x"},"severities":{}}"#,
             "p/report.json: counts.match: not a number"),
            ("[]", "p/report.json: not a JSON object"),
        ] {
            XCTAssertThrowsError(try ReportSummary(reportJSON: Array(bad.utf8), summaryText: "", reportPrefix: "p/"), bad) { error in
                XCTAssertEqual("\(error)", message)
            }
        }
    }
}
