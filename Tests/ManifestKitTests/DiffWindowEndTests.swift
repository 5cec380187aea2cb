import XCTest
@testable import ManifestKit

/// The two-way window closes when the backup completed. With
/// `startedAt` = 1_000 and the window end 2_000 (docs/verdicts.md, the rows
/// marked "window end"), an R mtime after the end is not explained by the window.
final class DiffWindowEndTests: XCTestCase {
    private let end = DiffOptions(windowEndNs: 2_000)

    private func classify(_ b: ManifestEntry?, _ r: ManifestEntry?, options: DiffOptions? = nil) throws -> DfVerdict {
        let (findings, tally) = try dfDiff(b: b.map { [$0] } ?? [], p: nil, r: r.map { [$0] } ?? [], options: options ?? end)
        XCTAssertEqual(tally.entriesCompared, 1)
        guard let f = findings.first else { return DfVerdict(.match, "") }
        return DfVerdict(f.verdict, f.detail)
    }

    func testTheIssueCaseDifferentContentWithACurrentMtimeIsCorrupt() throws {
        // Without an end this was `changed` (info) and the verdict PASS.
        let b = dfFile("a", "abc", mtime: 500), r = dfFile("a", "evil", mtime: 1_800_000)
        XCTAssertEqual(try classify(b, r, options: DiffOptions()),
                       DfVerdict(.changed, "modified during the backup window: size differs: baseline 3 restored 4"))
        XCTAssertEqual(try classify(b, r), DfVerdict(.corrupt, "size differs: baseline 3 restored 4 (restored mtime after the window end)"))
    }

    func testEveryRowOfTheTable() throws {
        XCTAssertEqual(try classify(dfFile("a", "old", mtime: 500), dfFile("a", "newer", mtime: 1_500)),
                       DfVerdict(.changed, "modified during the backup window: size differs: baseline 3 restored 5"))
        XCTAssertEqual(try classify(dfFile("a", "old", mtime: 500), dfFile("a", "newer", mtime: 2_000)),
                       DfVerdict(.changed, "modified during the backup window: size differs: baseline 3 restored 5"), "the end itself is inside")
        XCTAssertEqual(try classify(dfFile("a", "old", mtime: 500), dfFile("a", "newer", mtime: 2_001)),
                       DfVerdict(.corrupt, "size differs: baseline 3 restored 5 (restored mtime after the window end)"))
        XCTAssertEqual(try classify(nil, dfFile("a", mtime: 1_001)),
                       DfVerdict(.changed, "created during the backup window (restored mtime after baseline start)"))
        XCTAssertEqual(try classify(nil, dfFile("a", mtime: 2_001)),
                       DfVerdict(.extra, "absent from baseline (restored mtime after the window end)"))
        XCTAssertEqual(try classify(dfFile("a", mode: 0o644, mtime: 500), dfFile("a", mode: 0o600, mtime: 2_500)),
                       DfVerdict(.metadata, "mode 0644 → 0600, mtime 0.000000500 → 0.000002500 (restored mtime after the window end)"))
        XCTAssertEqual(try classify(dfFile("a", mode: 0o644, mtime: 500), dfFile("a", mode: 0o600, mtime: 1_500)),
                       DfVerdict(.changed, "modified during the backup window: mode 0644 → 0600, mtime 0.000000500 → 0.000001500"))
    }

    func testAbsentPathUsesItsAncestorsMtime() throws {
        let b = [dfDir("in"), dfFile("in/gone"), dfDir("late"), dfDir("late/sub"), dfFile("late/sub/gone")]
        let r = [dfDir("in", mtime: 1_500), dfDir("late", mtime: 9_000)]
        let (findings, _) = try dfDiff(b: b, p: nil, r: r, options: end)
        XCTAssertEqual(findings.map { DfVerdict($0.verdict, $0.displayPath + ": " + $0.detail) }, [
            DfVerdict(.changed, "in/gone: deleted during the backup window (parent mtime after baseline start)"),
            DfVerdict(.missing, "late/sub: absent from restored (parent mtime after the window end)"),
            DfVerdict(.missing, "late/sub/gone: absent from restored (parent mtime after the window end)"),
        ])
    }

    func testAnEndBeforeTheStartLeavesNoWindow() throws {
        let options = DiffOptions(windowEndNs: 0)
        XCTAssertEqual(try classify(nil, dfFile("a", mtime: 1_500), options: options).verdict, .extra)
        XCTAssertEqual(try classify(nil, dfFile("a", mtime: 500), options: options),
                       DfVerdict(.extra, "absent from baseline (restored mtime after the window end)"))
        XCTAssertEqual(try classify(nil, dfFile("a", mtime: -1), options: options), DfVerdict(.extra, "absent from baseline"))
    }

    func testThreeWayIgnoresTheEndAndTheReportRecordsIt() throws {
        let b = [dfFile("a", "v1", mtime: 500)], p = [dfFile("a", "v2", mtime: 1_500)], r = [dfFile("a", "v2", mtime: 9_999)]
        let (findings, _) = try dfDiff(b: b, p: p, r: r, options: end)
        XCTAssertEqual(findings.map(\.verdict), [.metadata], "judged against P, not the window")
        var diff = MergeDiff(baseline: dfSource(.baseline, b), post: nil, restored: dfSource(.restored, r), options: end)
        XCTAssertEqual(diff.windowEndNs, 2_000)
        let report = try diff.run(clock: { 0 })
        XCTAssertEqual(report.windowEndNs, 2_000)
        let json = String(decoding: report.json(), as: UTF8.self)
        XCTAssertTrue(json.contains("\n  \"windowStartNs\": 1000,\n  \"windowEndNs\": 2000,\n  \"startedAtNs\": 0,\n"), json)
        XCTAssertFalse(report.passed)
    }
}
