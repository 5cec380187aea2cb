import AWSLite
import Foundation
import ManifestKit
import XCTest
@testable import OrchestratorKit

/// Each manifest's walk in the run document and the SNS summary: counts, duration, throughput.
final class WalkStatsTests: XCTestCase {
    private func stats(started: Int64, completed: Int64, files: UInt64 = 1000, bytes: UInt64 = 52_428_800) -> WalkStats {
        let header = ManifestHeader(role: .restored, root: "/mnt/efs", startedAtNs: started, tool: "manifest-worker 0.1.0")
        var trailer = ManifestTrailer()
        trailer.entries = 1200
        trailer.files = files
        trailer.bytes = bytes
        trailer.errors = 2
        trailer.unstable = 1
        trailer.completedAtNs = completed
        return WalkStats(header: header, trailer: trailer)
    }

    func testCountsDurationAndThroughputFromTheManifest() {
        let walk = stats(started: 1_000_000_000_000, completed: 1_723_500_000_000)
        XCTAssertEqual(walk.seconds, 723.5)
        XCTAssertEqual(walk.filesPerSecond, 1.4)
        XCTAssertEqual(walk.megabytesPerSecond, 0.1)
        XCTAssertEqual(walk.line, "12m03s, 1200 entries, 1000 files, 52428800 bytes, 2 errors, 1.4 files/s, 0.1 MB/s")
        XCTAssertEqual(walk.startedAt, Date(timeIntervalSince1970: 1000))
    }

    func testExtremesDoNotTrap() {
        XCTAssertEqual(stats(started: 5_000_000_000, completed: 1_000_000_000).line,
                       "0s, 1200 entries, 1000 files, 52428800 bytes, 2 errors, 0.0 files/s, 0.0 MB/s")
        XCTAssertEqual(stats(started: .min, completed: .max).seconds, 0)
        XCTAssertEqual(stats(started: 0, completed: .max, files: .max, bytes: .max).line.hasPrefix("2562047h47m16s, "), true)
        XCTAssertEqual(WalkStats.duration(.infinity), "0s")
        XCTAssertEqual(WalkStats.duration(.nan), "0s")
        XCTAssertEqual(WalkStats.duration(1e300), "0s")
    }

    func testTheSummaryShowsEachWalkAndTheTaskRunTime() throws {
        let start = Date(timeIntervalSince1970: 0)
        var run = Run(runId: "r", origin: .backup, fileSystemId: "fs-1", createdAt: start,
                      deadline: start.addingTimeInterval(100), expiresAt: start.addingTimeInterval(200))
        var task = TaskRecord(clientToken: "t", manifestKey: "k")
        task.startedAt = Date(timeIntervalSince1970: 990)
        task.stoppedAt = Date(timeIntervalSince1970: 1725)
        run.tasks[.restored] = task
        run.report = ReportSummary(
            passed: true, mode: "two-way", filesVerified: 1, bytesVerified: 1, findingsBySeverity: [:], findingsByClass: [:],
            summaryText: "PASS", reportKey: "r.json", findingsKey: "f.gz", summaryKey: "s.txt",
            walks: ["restored": stats(started: 1_000_000_000_000, completed: 1_723_500_000_000),
                    "baseline": stats(started: 0, completed: 60_000_000_000)])
        run.finish(.passed, "verified", at: start)
        let naming = RunNaming(config: try OrchestratorConfig(environment: testEnvironment))
        let message = Notification.forRun(run, naming: naming).message
        XCTAssertTrue(message.contains("""

            Walks:
              baseline: 1m00s, 1200 entries, 1000 files, 52428800 bytes, 2 errors, 16.7 files/s, 0.9 MB/s
              restored: 12m03s, 1200 entries, 1000 files, 52428800 bytes, 2 errors, 1.4 files/s, 0.1 MB/s (task ran 12m15s)
            Report page: https://
            """), message)
        // The run document keeps them; one written before they existed still decodes.
        let encoded = try JSONEncoder().encode(run.report)
        XCTAssertEqual(try JSONDecoder().decode(ReportSummary.self, from: encoded), run.report)
        var old = try XCTUnwrap(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        old["walks"] = nil
        let decoded = try JSONDecoder().decode(ReportSummary.self, from: try JSONSerialization.data(withJSONObject: old))
        XCTAssertNil(decoded.walks)
    }

    /// report.html's run timeline: when each task started, and how long it ran beside its stop.
    func testTheTimelineShowsEachTaskStartAndRunTime() throws {
        let start = Date(timeIntervalSince1970: 0)
        var run = Run(runId: "r", origin: .backup, fileSystemId: "fs-1", createdAt: start,
                      deadline: start.addingTimeInterval(100), expiresAt: start.addingTimeInterval(200))
        var task = TaskRecord(clientToken: "t", manifestKey: "k")
        task.startedAt = Date(timeIntervalSince1970: 990)
        task.stoppedAt = Date(timeIntervalSince1970: 1725)
        run.tasks[.restored] = task
        run.tasks[.post] = TaskRecord(clientToken: "p", manifestKey: "p")
        let events = RunReportSection.timeline(run).filter { $0.label.contains("task") || $0.label.contains("manifest") }
        XCTAssertEqual(events, [
            ReportPage.TimelineEvent("post manifest", atNs: nil, note: "task not stopped"),
            ReportPage.TimelineEvent("restored task started", atNs: 990_000_000_000),
            ReportPage.TimelineEvent("restored manifest", atNs: 1_725_000_000_000, note: "task not stopped; task took 12 min 15 s"),
        ])
    }

    /// A diff task's report set (report.json, summary.txt) read back: the walks from
    /// report.json, the summary without its `walks:` lines (the SNS message shows each walk itself).
    func testADiffTasksWalksAreReadFromReportJSON() throws {
        var report = DiffReport(isThreeWay: false, windowStartNs: 0, startedAtNs: 0)
        report.walks = ["baseline": stats(started: 0, completed: 60_000_000_000),
                        "restored": stats(started: 1_000_000_000_000, completed: 1_723_500_000_000)]
        let summary = try ReportSummary(reportJSON: report.json(), summaryText: report.summaryFileText(), reportPrefix: "p/")
        XCTAssertEqual(summary.walks, report.walks)
        XCTAssertEqual(summary.summaryText, report.summaryText())
        XCTAssertEqual(summary.summaryText, "PASS: no findings\ntwo-way diff of 0 paths: 0 files verified, 0 bytes (0 B)\n")
        let json = String(decoding: report.json(), as: UTF8.self)
        for (bad, message) in [
            (#""walks": {}"#, nil),
            (#""walks": []"#, "p/report.json: walks: not an object"),
            (#""walks": {"diff": {}}"#, "p/report.json: walks.diff: not a role's walk"),
            (#""walks": {"post": {"entries": -1}}"#, "p/report.json: walks.post.entries: not a count"),
            (#""walks": {"post": {"entries": 1, "files": 1, "bytes": 1, "errors": 0, "unstable": 0, "startedAtNs": 1.5, "completedAtNs": 2}}"#,
             "p/report.json: walks.post.startedAtNs: not a time in nanoseconds"),
            (#""walks": {"post": {"entries": 1, "files": 1, "bytes": 1, "errors": 0, "unstable": 0, "startedAtNs": 1e30, "completedAtNs": 2}}"#,
             "p/report.json: walks.post.startedAtNs: not a time in nanoseconds"),
        ] as [(String, String?)] {
            let parsed = try Self.parse(json, walks: bad, expecting: message)
            if message == nil { XCTAssertEqual(parsed?.walks, [:], bad) }
        }
    }

    /// `json` (a `report.json`) with its `walks` member replaced by `walks`, parsed: the
    /// summary when `message` is nil, else the parser must refuse it with exactly `message`.
    static func parse(_ json: String, walks: String, expecting message: String?,
                      file: StaticString = #filePath, line: UInt = #line) throws -> ReportSummary? {
        let start = try XCTUnwrap(json.range(of: "\"walks\": {"))
        let end = try XCTUnwrap(json.range(of: "},\n  \"findingsPerClass\"", range: start.upperBound..<json.endIndex))
        let text = json.replacingCharacters(in: start.lowerBound..<json.index(after: end.lowerBound), with: walks)
        do {
            let parsed = try ReportSummary(reportJSON: Array(text.utf8), summaryText: "", reportPrefix: "p/")
            XCTAssertNil(message, walks, file: file, line: line)
            return parsed
        } catch {
            XCTAssertEqual((error as? OrchestratorError)?.message, message, walks, file: file, line: line)
            return nil
        }
    }

    func testTaskStartTimeFromTheStateChangeEvent() throws {
        guard case .task(let task) = try EventDecoder(workerContainer: "manifest-worker").decode(Fixture.data("ecs-task-stopped.json")) else {
            return XCTFail("kind")
        }
        XCTAssertEqual(task.startedAt.map(Timestamps.rfc3339Millis), "2025-03-04T07:20:40.021Z")
    }
}
