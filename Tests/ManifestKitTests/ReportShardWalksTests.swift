import Foundation
import XCTest
@testable import ManifestKit

/// A manifest set's walk in the report set: the aggregate of its parts (earliest start,
/// latest completion, counts summed), each shard's walk and the balance in `report.json`,
/// `summary.txt` and `report.html` — exact at fixed times, short for a large K.
final class ReportShardWalksTests: XCTestCase {
    private static let t0: Int64 = 1_795_000_000_000_000_000
    private static let s: Int64 = 1_000_000_000

    /// A part's header and trailer: shard `index` of `count`, from t0 + `from` s to t0 + `to` s.
    static func part(_ index: Int, of count: Int, from: Int64, to: Int64, files: UInt64, bytes: UInt64,
                     errors: UInt64 = 0, unstable: UInt64 = 0) -> ManifestSummary {
        let header = ManifestHeader(role: .post, root: "/mnt/efs", startedAtNs: t0 + from * s, tool: "manifest-worker 0.1.0",
                                    shardIndex: index, shardCount: count, shardPlan: String(repeating: "0f", count: 32))
        var trailer = ManifestTrailer()
        trailer.entries = files + 10
        trailer.files = files
        trailer.dirs = 10
        trailer.bytes = bytes
        trailer.errors = errors
        trailer.unstable = unstable
        trailer.completedAtNs = t0 + to * s
        return ManifestSummary(header: header, trailer: trailer)
    }

    /// Three shards: shard 1 starts first, shard 2 is the slowest (6 min) and ends last.
    static let threeParts = [
        part(0, of: 3, from: 2, to: 242, files: 400, bytes: 40_000_000),
        part(1, of: 3, from: 0, to: 200, files: 300, bytes: 30_000_000),
        part(2, of: 3, from: 1, to: 361, files: 500, bytes: 50_000_000, errors: 1, unstable: 2),
    ]

    /// The set as the diff sees it: the set reader's synthesised header and trailer, and the parts.
    static func setInput(_ parts: [ManifestSummary], role: ManifestRole = .post) -> ReportPage.Input {
        var header = parts[0].header
        header.role = role
        header.startedAtNs = parts.map(\.header.startedAtNs).min()!
        var trailer = ManifestTrailer()
        trailer.completedAtNs = parts.map(\.trailer.completedAtNs).max()!
        return ReportPage.Input(source: "post.set.json", header: header, trailer: trailer, parts: parts)
    }

    static func single(_ role: ManifestRole, from: Int64, to: Int64) -> ReportPage.Input {
        let p = part(0, of: 1, from: from, to: to, files: 1000, bytes: 100_000_000)
        var header = p.header
        header.role = role
        header.shardCount = 1
        header.shardPlan = nil
        return ReportPage.Input(source: "\(role.rawValue).ndjson.gz", header: header, trailer: p.trailer)
    }

    static func report(_ inputs: [ReportPage.Input]) -> DiffReport {
        var report = DiffReport(isThreeWay: inputs.count == 3, windowStartNs: t0, startedAtNs: t0)
        report.walks = WalkStats.byRole(inputs)
        return report
    }

    static var threeWay: DiffReport {
        report([single(.baseline, from: -600, to: -300), setInput(threeParts), single(.restored, from: 1000, to: 1300)])
    }

    func testTheAggregateIsTheEarliestStartTheLatestCompletionAndTheSums() throws {
        let post = try XCTUnwrap(Self.threeWay.walks["post"])
        XCTAssertEqual(post.startedAtNs, Self.t0, "shard 1 started first")
        XCTAssertEqual(post.completedAtNs, Self.t0 + 361 * Self.s, "shard 2 ended last")
        XCTAssertEqual([post.entries, post.files, post.bytes, post.errors, post.unstable], [1230, 1200, 120_000_000, 1, 2])
        XCTAssertEqual(post.seconds, 361)
        XCTAssertEqual(post.shards.map(\.seconds), [240, 200, 360])
        XCTAssertEqual(post.balance, 1.35, "360 s over a mean of 266.7 s")
        XCTAssertEqual(post.slowestShard, 2)
        XCTAssertNil(Self.threeWay.walks["baseline"]?.balance, "one manifest has no shards")
        // Counts past 2^64-1 saturate; the shards keep their own.
        var huge = Self.part(1, of: 2, from: 0, to: 1, files: .max - 10, bytes: .max)
        huge.trailer.entries = .max
        let sum = try XCTUnwrap(WalkStats(shards: [Self.threeParts[0], huge].map { WalkStats(header: $0.header, trailer: $0.trailer) }))
        XCTAssertEqual([sum.entries, sum.files, sum.bytes], [.max, .max, .max])
        XCTAssertEqual(sum.shards[1].entries, .max)
        XCTAssertNil(WalkStats(shards: []))
    }

    func testBalanceOfEvenUnevenAndTimelessShards() {
        XCTAssertEqual(WalkStats.balance([60, 60, 60]), 1)
        XCTAssertEqual(WalkStats.balance([0, 0]), 1, "nothing to balance")
        XCTAssertEqual(WalkStats.balance([0, 0, 0, 90]), 4, "one shard did all the work")
        XCTAssertEqual(WalkStats.balance([.nan, -1, 30, .infinity]), 4, "nonsense durations count as 0")
        XCTAssertNil(WalkStats.balance([]))
    }

    func testReportJSONKeepsTheAggregateAndAddsTheShardsAndBalance() throws {
        let json = String(decoding: Self.threeWay.json(), as: UTF8.self)
        XCTAssertTrue(json.contains("""
              "walks": {
                "baseline": {"startedAtNs": 1794999400000000000, "completedAtNs": 1794999700000000000, "seconds": 300.0, "entries": 1010, "files": 1000, "bytes": 100000000, "errors": 0, "unstable": 0, "filesPerSecond": 3.3, "megabytesPerSecond": 0.3},
                "post": {"startedAtNs": 1795000000000000000, "completedAtNs": 1795000361000000000, "seconds": 361.0, "entries": 1230, "files": 1200, "bytes": 120000000, "errors": 1, "unstable": 2, "filesPerSecond": 3.3, "megabytesPerSecond": 0.3, "balance": 1.35, "shards": [
                  {"index": 0, "startedAtNs": 1795000002000000000, "completedAtNs": 1795000242000000000, "seconds": 240.0, "entries": 410, "files": 400, "bytes": 40000000, "errors": 0, "unstable": 0, "filesPerSecond": 1.7, "megabytesPerSecond": 0.2},
                  {"index": 1, "startedAtNs": 1795000000000000000, "completedAtNs": 1795000200000000000, "seconds": 200.0, "entries": 310, "files": 300, "bytes": 30000000, "errors": 0, "unstable": 0, "filesPerSecond": 1.5, "megabytesPerSecond": 0.2},
                  {"index": 2, "startedAtNs": 1795000001000000000, "completedAtNs": 1795000361000000000, "seconds": 360.0, "entries": 510, "files": 500, "bytes": 50000000, "errors": 1, "unstable": 2, "filesPerSecond": 1.4, "megabytesPerSecond": 0.1}
                ]},
                "restored": {"startedAtNs": 1795001000000000000, "completedAtNs": 1795001300000000000, "seconds": 300.0, "entries": 1010, "files": 1000, "bytes": 100000000, "errors": 0, "unstable": 0, "filesPerSecond": 3.3, "megabytesPerSecond": 0.3}
              },
              "findingsPerClass": 100,
            """), json)
        let parsed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(Self.threeWay.json())) as? [String: Any])
        let walks = try XCTUnwrap(parsed["walks"] as? [String: [String: Any]])
        XCTAssertEqual((walks["post"]?["shards"] as? [Any])?.count, 3)
        XCTAssertNil(walks["baseline"]?["shards"], "one manifest: as before")
    }

    func testSummaryListsEveryShardUnderItsRoleZeroBased() {
        let report = Self.threeWay
        XCTAssertEqual(report.walksText, """
            walks:
              baseline: 5m00s, 1010 entries, 1000 files, 100000000 bytes, 0 errors, 3.3 files/s, 0.3 MB/s, 2026-11-18T10:56:40Z → 2026-11-18T11:01:40Z
              post: 6m01s, 1230 entries, 1200 files, 120000000 bytes, 1 errors, 3.3 files/s, 0.3 MB/s, 2026-11-18T11:06:40Z → 2026-11-18T11:12:41Z
                shards: 3, balance 1.35 (slowest: shard 2 of 3, 6m00s; mean 4m26s)
                shard 0 of 3: 4m00s, 410 entries, 400 files, 40000000 bytes, 0 errors, 1.7 files/s, 0.2 MB/s, 2026-11-18T11:06:42Z → 2026-11-18T11:10:42Z
                shard 1 of 3: 3m20s, 310 entries, 300 files, 30000000 bytes, 0 errors, 1.5 files/s, 0.2 MB/s, 2026-11-18T11:06:40Z → 2026-11-18T11:10:00Z
                shard 2 of 3: 6m00s, 510 entries, 500 files, 50000000 bytes, 1 errors, 1.4 files/s, 0.1 MB/s, 2026-11-18T11:06:41Z → 2026-11-18T11:12:41Z
              restored: 5m00s, 1010 entries, 1000 files, 100000000 bytes, 0 errors, 3.3 files/s, 0.3 MB/s, 2026-11-18T11:23:20Z → 2026-11-18T11:28:20Z

            """)
        XCTAssertEqual(DiffReport.withoutWalks(report.summaryFileText()), report.summaryText())
    }

    /// K = 1 (one manifest per role): the lines are what they were before shards.
    func testUnshardedSummaryIsUnchanged() {
        let report = Self.report([Self.single(.baseline, from: 0, to: 60), Self.single(.restored, from: 100, to: 160)])
        XCTAssertEqual(report.walksText, """
            walks:
              baseline: 1m00s, 1010 entries, 1000 files, 100000000 bytes, 0 errors, 16.7 files/s, 1.7 MB/s, 2026-11-18T11:06:40Z → 2026-11-18T11:07:40Z
              restored: 1m00s, 1010 entries, 1000 files, 100000000 bytes, 0 errors, 16.7 files/s, 1.7 MB/s, 2026-11-18T11:08:20Z → 2026-11-18T11:09:20Z

            """)
    }

    /// Beyond 16 shards: the balance, the 5 slowest (slowest first) and how many more —
    /// whatever K, a fixed number of lines; report.json keeps every shard.
    func testALargeSetListsOnlyTheSlowestShards() throws {
        let count = 40
        let parts = (0..<count).map { i in
            Self.part(i, of: count, from: 0, to: 100 + Int64((i * 7) % count), files: 100, bytes: 1_000_000)
        }
        let report = Self.report([Self.single(.baseline, from: -600, to: -300), Self.setInput(parts)])
        let lines = report.walksText.split(separator: "\n").map(String.init)
        XCTAssertEqual(Array(lines.dropFirst(2)), [
            "  restored: 2m19s, 4400 entries, 4000 files, 40000000 bytes, 0 errors, 28.8 files/s, 0.3 MB/s, 2026-11-18T11:06:40Z → 2026-11-18T11:08:59Z",
            "    shards: 40, balance 1.16 (slowest: shard 17 of 40, 2m19s; mean 1m59s)",
            "    shard 17 of 40: 2m19s, 110 entries, 100 files, 1000000 bytes, 0 errors, 0.7 files/s, 0.0 MB/s, 2026-11-18T11:06:40Z → 2026-11-18T11:08:59Z",
            "    shard 34 of 40: 2m18s, 110 entries, 100 files, 1000000 bytes, 0 errors, 0.7 files/s, 0.0 MB/s, 2026-11-18T11:06:40Z → 2026-11-18T11:08:58Z",
            "    shard 11 of 40: 2m17s, 110 entries, 100 files, 1000000 bytes, 0 errors, 0.7 files/s, 0.0 MB/s, 2026-11-18T11:06:40Z → 2026-11-18T11:08:57Z",
            "    shard 28 of 40: 2m16s, 110 entries, 100 files, 1000000 bytes, 0 errors, 0.7 files/s, 0.0 MB/s, 2026-11-18T11:06:40Z → 2026-11-18T11:08:56Z",
            "    shard 5 of 40: 2m15s, 110 entries, 100 files, 1000000 bytes, 0 errors, 0.7 files/s, 0.0 MB/s, 2026-11-18T11:06:40Z → 2026-11-18T11:08:55Z",
            "    … 35 more shards, none slower (report.json lists every shard)",
        ])
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(report.json())) as? [String: Any])
        let shards = try XCTUnwrap(((json["walks"] as? [String: Any])?["restored"] as? [String: Any])?["shards"] as? [[String: Any]])
        XCTAssertEqual(shards.map { $0["index"] as? Int }, Array(0..<count))
        // 16 shards: every one, in order.
        let sixteen = Self.report([Self.single(.baseline, from: -600, to: -300),
                                   Self.setInput(Array(parts.prefix(16)).enumerated().map { i, p in
                                       var p = p
                                       p.header.shardIndex = i
                                       p.header.shardCount = 16
                                       return p
                                   })])
        let shardLines = sixteen.walksText.split(separator: "\n").filter { $0.hasPrefix("    shard ") }
        XCTAssertEqual(shardLines.map { String($0.prefix(19)) }, (0..<16).map { String("    shard \($0) of 16: ".prefix(19)) })
    }

    func testHTMLHasAShardRowUnderTheRoleAndTheBalance() {
        let html = String(decoding: ReportPage(report: Self.threeWay, inputs: [], findingsLocation: "f.gz", generatedAtNs: Self.t0).html(),
                          as: UTF8.self)
        XCTAssertTrue(html.contains("""
            <tr><td>post</td><td>2026-11-18T11:06:40Z</td><td>2026-11-18T11:12:41Z</td><td class="num">6m01s</td>\
            <td class="num">1230</td><td class="num">1200</td><td class="num">120000000</td><td class="num">1</td>\
            <td class="num">3.3</td><td class="num">0.3</td></tr>
            <tr class="shard"><td>shard 0 of 3</td><td>2026-11-18T11:06:42Z</td><td>2026-11-18T11:10:42Z</td><td class="num">4m00s</td>\
            <td class="num">410</td><td class="num">400</td><td class="num">40000000</td><td class="num">0</td>\
            <td class="num">1.7</td><td class="num">0.2</td></tr>
            <tr class="shard"><td>shard 1 of 3</td>
            """), html)
        XCTAssertTrue(html.contains("""
            </tbody>
            </table>
            <p class="note">post: 3 shards, balance 1.35 (the longest shard duration over the mean): \
            slowest shard 2 of 3, 6m00s; mean 4m26s.</p>
            </section>
            """), html)
        XCTAssertEqual(html.components(separatedBy: "<tr class=\"shard\">").count - 1, 3)
    }
}
