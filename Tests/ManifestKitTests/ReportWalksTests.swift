import Foundation
import ManifestKit
import XCTest

/// Each manifest's walk in the report set: `report.json`'s `walks`, `summary.txt`'s
/// `walks:` lines (stdout's summary has none), exact at fixed times.
final class ReportWalksTests: XCTestCase {
    private static let t0: Int64 = 1_795_000_000_000_000_000

    private func input(_ role: ManifestRole, started: Int64, completed: Int64?, files: UInt64, bytes: UInt64) -> ReportPage.Input {
        let header = ManifestHeader(role: role, root: "/mnt/efs", startedAtNs: started, tool: "manifest-worker 0.1.0")
        guard let completed else { return ReportPage.Input(source: "/mnt/tree", header: header, trailer: nil) }
        var trailer = ManifestTrailer()
        trailer.entries = files + 3
        trailer.files = files
        trailer.dirs = 3
        trailer.bytes = bytes
        trailer.errors = 1
        trailer.completedAtNs = completed
        return ReportPage.Input(source: "\(role.rawValue).ndjson.gz", header: header, trailer: trailer)
    }

    private func report(_ inputs: [ReportPage.Input]) -> DiffReport {
        var report = DiffReport(isThreeWay: inputs.count == 3, windowStartNs: Self.t0, startedAtNs: Self.t0)
        report.walks = WalkStats.byRole(inputs)
        return report
    }

    private var threeWay: [ReportPage.Input] {
        [input(.baseline, started: Self.t0, completed: Self.t0 + 723_500_000_000, files: 1000, bytes: 52_428_800),
         input(.post, started: Self.t0 + 1_000_000_000_000, completed: Self.t0 + 1_045_000_000_000, files: 10, bytes: 2_000_000),
         input(.restored, started: Self.t0 + 2_000_000_000_000, completed: Self.t0 + 9_509_000_000_000, files: 1000, bytes: 52_428_800)]
    }

    func testReportJSONHasEachRolesWalkInManifestOrder() throws {
        let json = String(decoding: report(threeWay).json(), as: UTF8.self)
        XCTAssertTrue(json.contains("""
              "walks": {
                "baseline": {"startedAtNs": 1795000000000000000, "completedAtNs": 1795000723500000000, "seconds": 723.5, "entries": 1003, "files": 1000, "bytes": 52428800, "errors": 1, "unstable": 0, "filesPerSecond": 1.4, "megabytesPerSecond": 0.1},
                "post": {"startedAtNs": 1795001000000000000, "completedAtNs": 1795001045000000000, "seconds": 45.0, "entries": 13, "files": 10, "bytes": 2000000, "errors": 1, "unstable": 0, "filesPerSecond": 0.2, "megabytesPerSecond": 0.0},
                "restored": {"startedAtNs": 1795002000000000000, "completedAtNs": 1795009509000000000, "seconds": 7509.0, "entries": 1003, "files": 1000, "bytes": 52428800, "errors": 1, "unstable": 0, "filesPerSecond": 0.1, "megabytesPerSecond": 0.0}
              },
              "findingsPerClass": 100,
            """), json)
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(report(threeWay).json())))
    }

    func testSummaryFileEndsWithTheWalksAndStdoutsSummaryHasNone() {
        let report = report(threeWay)
        XCTAssertEqual(report.summaryFileText(), """
            PASS: no findings
            three-way diff of 0 paths: 0 files verified, 0 bytes (0 B)
            walks:
              baseline: 12m03s, 1003 entries, 1000 files, 52428800 bytes, 1 errors, 1.4 files/s, 0.1 MB/s, 2026-11-18T11:06:40Z → 2026-11-18T11:18:43Z
              post: 45s, 13 entries, 10 files, 2000000 bytes, 1 errors, 0.2 files/s, 0.0 MB/s, 2026-11-18T11:23:20Z → 2026-11-18T11:24:05Z
              restored: 2h05m09s, 1003 entries, 1000 files, 52428800 bytes, 1 errors, 0.1 files/s, 0.0 MB/s, 2026-11-18T11:40:00Z → 2026-11-18T13:45:09Z

            """)
        XCTAssertEqual(report.summaryText(), "PASS: no findings\nthree-way diff of 0 paths: 0 files verified, 0 bytes (0 B)\n")
        XCTAssertEqual(DiffReport.withoutWalks(report.summaryFileText()), report.summaryText())
        XCTAssertEqual(DiffReport.withoutWalks(report.summaryText()), report.summaryText())
    }

    /// A walked tree (`verify`, `check`) has no trailer: no walk, no `walks:` lines, `{}`.
    func testWalkedTreesHaveNoWalk() {
        let walked = report([input(.baseline, started: Self.t0, completed: Self.t0 + 1_000_000_000, files: 2, bytes: 3),
                             input(.restored, started: Self.t0, completed: nil, files: 0, bytes: 0)])
        XCTAssertEqual(walked.walks.keys.sorted(), ["baseline"])
        XCTAssertTrue(walked.summaryFileText().hasSuffix("\nwalks:\n  baseline: 1s, 5 entries, 2 files, 3 bytes, 1 errors, 2.0 files/s, 0.0 MB/s, "
                                                         + "2026-11-18T11:06:40Z → 2026-11-18T11:06:41Z\n"), walked.summaryFileText())
        let none = report([input(.baseline, started: Self.t0, completed: nil, files: 0, bytes: 0),
                           input(.restored, started: Self.t0, completed: nil, files: 0, bytes: 0)])
        XCTAssertEqual(none.summaryFileText(), none.summaryText())
        XCTAssertTrue(String(decoding: none.json(), as: UTF8.self).contains("\n  \"walks\": {},\n"))
    }
}
