import AWSLite
import Foundation
import ManifestKit
import XCTest
@testable import OrchestratorKit

/// A sharded role's walks in the SNS summary (from the run's shard task records: each
/// shard's walk, its task's run time and attempts), in report.json as the orchestrator
/// reads it back (hostile values named), in the run document, and in the set index.
final class ShardWalkSummaryTests: XCTestCase {
    private static let t0: Int64 = 1_795_000_000_000_000_000
    private static let s: Int64 = 1_000_000_000

    private func walk(from: Int64, to: Int64, files: UInt64 = 100, bytes: UInt64 = 10_000_000) -> WalkStats {
        WalkStats(entries: files + 5, files: files, bytes: bytes, errors: 0, unstable: 0,
                  startedAtNs: Self.t0 + from * Self.s, completedAtNs: Self.t0 + to * Self.s)
    }

    private func date(_ seconds: Int64) -> Date { Date(timeIntervalSince1970: Double(Self.t0 / Self.s + seconds)) }

    /// Shard i's task: its part's walk, its containers' start and stop `ran` seconds apart.
    private func record(_ i: Int, _ walk: WalkStats, ran: Int64, attempt: Int? = nil, afterExit: Bool? = nil) -> TaskRecord {
        var task = TaskRecord(clientToken: "t\(i)", manifestKey: "post/part-\(i)")
        task.shard = i
        task.startedAt = date(-30)
        task.stoppedAt = date(-30 + ran)
        task.startAttempt = attempt
        task.restartedAfterExit = afterExit
        task.part = PartSummary(entries: walk.entries, entriesSha256: String(repeating: "a", count: 64), walk: walk)
        return task
    }

    private func run(records: [TaskRecord], walks: [String: WalkStats]) -> Run {
        let start = Date(timeIntervalSince1970: 0)
        var run = Run(runId: "r", origin: .backup, fileSystemId: "fs-1", createdAt: start,
                      deadline: start.addingTimeInterval(100), expiresAt: start.addingTimeInterval(200))
        run.shardTasks = [.post: records]
        run.report = ReportSummary(
            passed: true, mode: "three-way", filesVerified: 1, bytesVerified: 1, findingsBySeverity: [:], findingsByClass: [:],
            summaryText: "PASS", reportKey: "r.json", findingsKey: "f.gz", summaryKey: "s.txt", walks: walks)
        run.finish(.passed, "verified", at: start)
        return run
    }

    private func walksPart(_ run: Run) throws -> String {
        let message = Notification.forRun(run, naming: RunNaming(config: try OrchestratorConfig(environment: testEnvironment))).message
        let start = try XCTUnwrap(message.range(of: "\nWalks:\n"))
        let end = try XCTUnwrap(message.range(of: "Report page: ", range: start.upperBound..<message.endIndex))
        return String(message[start.upperBound..<end.lowerBound])
    }

    func testEachShardWithItsTaskRunTimeAndARetriedShardSaysSo() throws {
        let walks = [walk(from: 2, to: 242, files: 400), walk(from: 0, to: 200, files: 300), walk(from: 1, to: 361, files: 500)]
        let records = [record(0, walks[0], ran: 290), record(1, walks[1], ran: 250),
                       record(2, walks[2], ran: 400, attempt: 2, afterExit: true)]
        let post = try XCTUnwrap(WalkStats(shards: walks))
        let baseline = walk(from: -600, to: -540)
        XCTAssertEqual(try walksPart(run(records: records, walks: ["baseline": baseline, "post": post])), """
              baseline: 1m00s, 105 entries, 100 files, 10000000 bytes, 0 errors, 1.7 files/s, 0.2 MB/s
              post: 6m01s, 1215 entries, 1200 files, 30000000 bytes, 0 errors, 3.3 files/s, 0.1 MB/s
                shards: 3, balance 1.35 (slowest: shard 2 of 3, 6m00s; mean 4m26s)
                shard 0 of 3: 4m00s, 405 entries, 400 files, 10000000 bytes, 0 errors, 1.7 files/s, 0.0 MB/s (task ran 4m50s)
                shard 1 of 3: 3m20s, 305 entries, 300 files, 10000000 bytes, 0 errors, 1.5 files/s, 0.1 MB/s (task ran 4m10s)
                shard 2 of 3: 6m00s, 505 entries, 500 files, 10000000 bytes, 0 errors, 1.4 files/s, 0.0 MB/s (task ran 6m40s, attempt 2: retried after a non-zero exit)

            """)
        // A shard that only failed to start before: said so; a record without a walk (a
        // document of an older orchestrator) takes the report's.
        var again = records
        again[0].startAttempt = 3
        again[1].part?.walk = nil
        let lines = try walksPart(run(records: again, walks: ["post": post])).split(separator: "\n")
        XCTAssertEqual(lines[2], "    shard 0 of 3: 4m00s, 405 entries, 400 files, 10000000 bytes, 0 errors, 1.7 files/s, 0.0 MB/s "
                       + "(task ran 4m50s, attempt 3: retried after a failed start)")
        XCTAssertEqual(lines[3], "    shard 1 of 3: 3m20s, 305 entries, 300 files, 10000000 bytes, 0 errors, 1.5 files/s, 0.1 MB/s (task ran 4m10s)")
    }

    /// One task per role (K = 1): the lines are what they were before shards.
    func testAnUnshardedRunIsUnchanged() throws {
        var run = run(records: [], walks: ["restored": walk(from: 0, to: 723)])
        run.shardTasks = nil
        var task = TaskRecord(clientToken: "t", manifestKey: "k")
        task.startedAt = date(-10)
        task.stoppedAt = date(725)
        run.tasks[.restored] = task
        XCTAssertEqual(try walksPart(run), """
              restored: 12m03s, 105 entries, 100 files, 10000000 bytes, 0 errors, 0.1 files/s, 0.0 MB/s (task ran 12m15s)

            """)
    }

    /// A sharded baseline walked by an earlier run: no task records here, the report's shards.
    func testASetBaselineOfAnEarlierRunListsTheReportsShards() throws {
        let baseline = try XCTUnwrap(WalkStats(shards: [walk(from: 0, to: 60), walk(from: 0, to: 90)]))
        XCTAssertEqual(try walksPart(run(records: [], walks: ["baseline": baseline])), """
              baseline: 1m30s, 210 entries, 200 files, 20000000 bytes, 0 errors, 2.2 files/s, 0.2 MB/s
                shards: 2, balance 1.2 (slowest: shard 1 of 2, 1m30s; mean 1m15s)
                shard 0 of 2: 1m00s, 105 entries, 100 files, 10000000 bytes, 0 errors, 1.7 files/s, 0.2 MB/s
                shard 1 of 2: 1m30s, 105 entries, 100 files, 10000000 bytes, 0 errors, 1.1 files/s, 0.1 MB/s

            """)
    }

    /// 100 shards (the orchestrator's most): the balance, the 5 slowest and a count — a few
    /// lines whatever K, far inside SNS's 256 KiB.
    func testManyShardsListOnlyTheSlowest() throws {
        let count = 100
        let walks = (0..<count).map { walk(from: 0, to: 100 + Int64(($0 * 3) % count)) }
        let records = walks.enumerated().map { record($0.offset, $0.element, ran: 300, attempt: $0.offset == 99 ? 2 : nil) }
        let text = try walksPart(run(records: records, walks: ["post": try XCTUnwrap(WalkStats(shards: walks))]))
        XCTAssertEqual(text, """
              post: 3m19s, 10500 entries, 10000 files, 1000000000 bytes, 0 errors, 50.3 files/s, 5.0 MB/s
                shards: 100, balance 1.33 (slowest: shard 33 of 100, 3m19s; mean 2m29s)
                shard 33 of 100: 3m19s, 105 entries, 100 files, 10000000 bytes, 0 errors, 0.5 files/s, 0.1 MB/s (task ran 5m00s)
                shard 66 of 100: 3m18s, 105 entries, 100 files, 10000000 bytes, 0 errors, 0.5 files/s, 0.1 MB/s (task ran 5m00s)
                shard 99 of 100: 3m17s, 105 entries, 100 files, 10000000 bytes, 0 errors, 0.5 files/s, 0.1 MB/s (task ran 5m00s, attempt 2: retried after a failed start)
                shard 32 of 100: 3m16s, 105 entries, 100 files, 10000000 bytes, 0 errors, 0.5 files/s, 0.1 MB/s (task ran 5m00s)
                shard 65 of 100: 3m15s, 105 entries, 100 files, 10000000 bytes, 0 errors, 0.5 files/s, 0.1 MB/s (task ran 5m00s)
                … 95 more shards, none slower (report.json lists every shard)

            """)
    }

    /// report.json read back: the aggregate, each shard and the balance; an older report
    /// (no shards) still parses; hostile values are named.
    func testShardsAreReadFromReportJSONAndHostileValuesAreNamed() throws {
        var report = DiffReport(isThreeWay: false, windowStartNs: 0, startedAtNs: 0)
        report.walks = ["baseline": walk(from: 0, to: 60),
                        "restored": try XCTUnwrap(WalkStats(shards: [walk(from: 0, to: 60), walk(from: 5, to: 95)]))]
        let summary = try ReportSummary(reportJSON: report.json(), summaryText: report.summaryFileText(), reportPrefix: "p/")
        XCTAssertEqual(summary.walks, report.walks)
        XCTAssertEqual(summary.walks?["restored"]?.shards.count, 2)
        XCTAssertEqual(summary.summaryText, report.summaryText(), "the walks and shard lines are left to the SNS message")
        // The run document keeps them (a shard's own walk has no "shards").
        let encoded = try JSONEncoder().encode(summary)
        XCTAssertEqual(try JSONDecoder().decode(ReportSummary.self, from: encoded), summary)
        let part = String(decoding: try JSONEncoder().encode(PartSummary(entries: 1, entriesSha256: "a", walk: walk(from: 0, to: 1))), as: UTF8.self)
        XCTAssertFalse(part.contains("shards"), part)

        let json = String(decoding: report.json(), as: UTF8.self)
        let fields = #""entries": 1, "files": 1, "bytes": 1, "errors": 0, "unstable": 0, "startedAtNs": 1, "completedAtNs": 2"#
        for (bad, message) in [
            (#""walks": {"post": {\#(fields)}}"#, nil),
            (#""walks": {"post": {\#(fields), "balance": 1, "shards": [{"index": 0, \#(fields)}]}}"#, nil),
            (#""walks": {"post": {\#(fields), "balance": 1, "shards": {}}}"#, "p/report.json: walks.post.shards: not a list of 1 to 10000 shards"),
            (#""walks": {"post": {\#(fields), "balance": 1, "shards": []}}"#, "p/report.json: walks.post.shards: not a list of 1 to 10000 shards"),
            (#""walks": {"post": {\#(fields), "shards": [{"index": 0, \#(fields)}]}}"#, "p/report.json: walks.post.balance: missing or not a number"),
            (#""walks": {"post": {\#(fields), "balance": "1", "shards": [{"index": 0, \#(fields)}]}}"#, "p/report.json: walks.post.balance: missing or not a number"),
            (#""walks": {"post": {\#(fields), "balance": 1}}"#, "p/report.json: walks.post.balance: without shards"),
            (#""walks": {"post": {\#(fields), "balance": 1, "shards": [7]}}"#, "p/report.json: walks.post.shards[0]: not a shard's walk"),
            (#""walks": {"post": {\#(fields), "balance": 1, "shards": [{"index": 1, \#(fields)}]}}"#,
             "p/report.json: walks.post.shards[0].index: not 0 (shards are listed in order 0 … K-1)"),
            (#""walks": {"post": {\#(fields), "balance": 1, "shards": [{\#(fields)}]}}"#, "p/report.json: walks.post.shards[0].index: not a number"),
            (#""walks": {"post": {\#(fields), "balance": 1, "shards": [{"index": 0, "entries": -1}]}}"#,
             "p/report.json: walks.post.shards[0].entries: not a count"),
            (#""walks": {"post": {\#(fields), "balance": 1, "shards": [{"index": 0, \#(fields.replacingOccurrences(of: "\"startedAtNs\": 1", with: "\"startedAtNs\": 1e300"))}]}}"#,
             "p/report.json: walks.post.shards[0].startedAtNs: not a time in nanoseconds"),
        ] as [(String, String?)] {
            let parsed = try WalkStatsTests.parse(json, walks: bad, expecting: message)
            if message == nil { XCTAssertEqual(parsed?.walks?["post"]?.entries, 1, bad) }
        }
        // Too many shards for any set.
        let many = "[" + Array(repeating: #"{"index": 0}"#, count: ShardPlan.maxShards + 1).joined(separator: ",") + "]"
        let text = json.replacingOccurrences(of: "\"balance\": 1.2, \"shards\": [", with: "\"balance\": 1.2, \"shards\": \(many), \"x\": [")
        XCTAssertThrowsError(try ReportSummary(reportJSON: Array(text.utf8), summaryText: "", reportPrefix: "p/")) {
            XCTAssertEqual(($0 as? OrchestratorError)?.message, "p/report.json: walks.restored.shards: not a list of 1 to 10000 shards")
        }
    }

    /// The set index keeps its parts' times to the nanosecond: through a `Date` (milliseconds)
    /// the set's completion fell before its last part's.
    func testTheSetIndexKeepsThePartsNanoseconds() throws {
        var early = walk(from: 0, to: 10)
        early.startedAtNs += 123_456_789
        var late = walk(from: 1, to: 20)
        late.completedAtNs += 987_654_321
        let parts = [early, late].enumerated().map { i, w in
            SetIndex.Part(location: "s3://b/part-\(i)", summary: PartSummary(entries: w.entries, entriesSha256: String(repeating: "a", count: 64), walk: w))
        }
        let data = try SetIndex.encode(planDigest: String(repeating: "0f", count: 32), role: "post", parts: parts, key: "post.set.json")
        let set = try ManifestSet.decode(Array(data), name: "post.set.json")
        XCTAssertEqual(set.startedAtNs, early.startedAtNs)
        XCTAssertEqual(set.completedAtNs, late.completedAtNs)
    }
}
