import XCTest
@testable import ManifestKit

/// Below a directory one side could not read (an `error`
/// entry), every path is `unverifiable`, never `missing` or `extra`; the detail
/// names the unreadable ancestor. Two- and three-way.
final class DiffUnreadableTests: XCTestCase {
    private func errorDir(_ path: String, _ error: String = "EACCES: Permission denied") -> ManifestEntry {
        var e = dfDir(path)
        e.error = error
        return e
    }

    private func verdicts(_ findings: [Finding]) -> [String] {
        findings.map { "\($0.displayPath) \($0.verdict.rawValue): \($0.detail)" }
    }

    func testRestoredCouldNotListADirectoryTwoWay() throws {
        let b = [dfDir("d"), dfFile("d/a"), dfDir("d/sub"), dfFile("d/sub/b"), dfFile("d-next"), dfFile("e")]
        let r = [errorDir("d"), dfFile("d-next")]
        let (findings, tally) = try dfDiff(b: b, p: nil, r: r)
        let ancestor = "restored could not read ancestor 'd': EACCES: Permission denied"
        XCTAssertEqual(verdicts(findings), [
            "d unverifiable: restored error: EACCES: Permission denied",
            "d/a unverifiable: \(ancestor)",
            "d/sub unverifiable: \(ancestor)",
            "d/sub/b unverifiable: \(ancestor)",
            "e missing: absent from restored",
        ], "d-next is a sibling, not a descendant")
        XCTAssertEqual(tally[.missing], 1)
        XCTAssertEqual(tally[.unverifiable], 4)
        XCTAssertEqual(tally[.match], 1)
    }

    func testBaselineCouldNotListADirectoryTwoWay() throws {
        let b = [errorDir("d", "EIO: Input/output error")]
        let r = [dfDir("d"), dfFile("d/new", mtime: 10)]
        let (findings, _) = try dfDiff(b: b, p: nil, r: r)
        XCTAssertEqual(verdicts(findings), [
            "d unverifiable: baseline error: EIO: Input/output error",
            "d/new unverifiable: baseline could not read ancestor 'd': EIO: Input/output error",
        ], "not extra")
    }

    func testThreeWayEitherSideAndTheNearestAncestor() throws {
        let b = [dfDir("a"), dfDir("a/b"), dfFile("a/b/c"), dfFile("a/x"), dfDir("p"), dfFile("p/y")]
        let p = [dfDir("a"), dfDir("a/b"), dfFile("a/b/c"), dfFile("a/x"), errorDir("p")]
        let r = [dfDir("a"), errorDir("a/b"), dfDir("p"), dfFile("p/y"), dfFile("p/z")]
        let (findings, tally) = try dfDiff(b: b, p: p, r: r)
        XCTAssertEqual(verdicts(findings), [
            "a/b unverifiable: restored error: EACCES: Permission denied",
            "a/b/c unverifiable: restored could not read ancestor 'a/b': EACCES: Permission denied",
            "a/x missing: absent from restored",
            "p unverifiable: post error: EACCES: Permission denied",
            "p/y unverifiable: post could not read ancestor 'p': EACCES: Permission denied",
            "p/z unverifiable: post could not read ancestor 'p': EACCES: Permission denied",
        ])
        XCTAssertEqual(tally[.match], 1)
    }

    func testBothSidesUnreadableNamesBoth() throws {
        let b = [errorDir("d"), dfFile("d/a")]
        let r = [errorDir("d", "EIO: Input/output error"), dfFile("d/b")]
        let (findings, _) = try dfDiff(b: b, p: nil, r: r)
        XCTAssertEqual(findings.last?.detail, "baseline could not read ancestor 'd': EACCES: Permission denied; "
                       + "restored could not read ancestor 'd': EIO: Input/output error")
        XCTAssertEqual(findings.map(\.verdict), [.unverifiable, .unverifiable, .unverifiable])
    }

    func testAnErrorFileHasNoDescendantsAndTheRuleEndsWithTheSubtree() throws {
        let b = [dfFile("f", error: "EACCES: Permission denied"), dfDir("f.d"), dfFile("f.d/x"), dfFile("g")]
        let r = [dfFile("f"), dfDir("f.d")]
        let (findings, _) = try dfDiff(b: b, p: nil, r: r)
        XCTAssertEqual(findings.map(\.verdict), [.unverifiable, .missing, .missing])
    }

    func testAnUnreadableRestoredRootMakesEverythingUnverifiable() throws {
        let b = [dfDir("d"), dfFile("d/a"), dfFile("e")]
        let r = [dfDir("aws-backup-lost+found"), dfFile("aws-backup-lost+found/0001"), errorDir("aws-backup-restore_1")]
        let (findings, tally) = try dfDiff(b: b, p: nil, r: r)
        let detail = "restored could not read ancestor 'aws-backup-restore_1': EACCES: Permission denied"
        XCTAssertEqual(verdicts(findings), [
            "aws-backup-lost+found/0001 lost+found: in aws-backup-lost+found (fragment of a file modified during the backup)",
            "d unverifiable: \(detail)", "d/a unverifiable: \(detail)", "e unverifiable: \(detail)",
        ])
        XCTAssertEqual(tally.entriesCompared, 4, "the root itself is not a path of the diff")
    }

    func testLostFoundAndOutsideRootAreUnaffected() throws {
        let b = [errorDir("d")]
        let r = [dfDir("aws-backup-lost+found"), dfFile("aws-backup-lost+found/0001"),
                 dfDir("aws-backup-restore_1"), dfDir("aws-backup-restore_1/d"), dfFile("aws-backup-restore_1/d/x")]
        let (findings, _) = try dfDiff(b: b, p: nil, r: r)
        XCTAssertEqual(findings.map(\.verdict), [.lostFound, .unverifiable, .unverifiable])
    }
}
