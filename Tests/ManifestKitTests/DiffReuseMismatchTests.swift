import XCTest
@testable import ManifestKit

/// `reuse-mismatch`: an input entry carries `reuseMismatch` (a walk with a reuse
/// manifest read content that changed behind unchanged metadata). It wins over
/// every other rule, is an error by default, and is counted and reported like
/// every class.
final class DiffReuseMismatchTests: XCTestCase {
    private func mismatched(_ e: ManifestEntry) -> ManifestEntry {
        var e = e
        e.reuseMismatch = true
        return e
    }

    func testThreeWayAPostMismatchIsItsOwnClassNotChanged() throws {
        // Without the mark this is `changed` (B and P differ, R matches P): a PASS.
        let b = dfFile("a", "old"), p = dfFile("a", "new")
        XCTAssertEqual(try dfClassify(b: b, p: .some(p), r: p).verdict, .changed)
        XCTAssertEqual(try dfClassify(b: b, p: .some(mismatched(p)), r: p), DfVerdict(
            .reuseMismatch,
            "post: content differs from its reuse manifest behind unchanged size, mtime, ctime and inode (read sha256 11507a0e…)"))
        // Even when R is absent or the baseline unreadable.
        XCTAssertEqual(try dfClassify(b: dfFile("a", error: "EIO: x"), p: .some(mismatched(p)), r: nil).verdict, .reuseMismatch)
    }

    func testTwoWayABaselineMismatch() throws {
        let b = mismatched(dfFile("a", "new"))
        XCTAssertEqual(try dfClassify(b: b, p: nil, r: dfFile("a", "new")), DfVerdict(
            .reuseMismatch,
            "baseline: content differs from its reuse manifest behind unchanged size, mtime, ctime and inode (read sha256 11507a0e…)"))
    }

    func testSeveralSidesAreJoined() throws {
        let f = mismatched(dfFile("a", "x"))
        XCTAssertEqual(try dfClassify(b: f, p: .some(f), r: dfFile("a", "x")).detail,
                       "baseline: content differs from its reuse manifest behind unchanged size, mtime, ctime and inode (read sha256 2d711642…); "
                       + "post: content differs from its reuse manifest behind unchanged size, mtime, ctime and inode (read sha256 2d711642…)")
    }

    func testBelowAnUnreadableDirectoryTheMismatchStillShows() throws {
        let r = try dfDiff(b: [dfDir("d"), mismatched(dfFile("d/a", "x"))], p: nil,
                           r: [ManifestEntry(path: Array("d".utf8), type: .dir, mtimeNs: 500, error: "EACCES: Permission denied")])
        XCTAssertEqual(r.findings.map(\.verdict), [.unverifiable, .reuseMismatch])
    }

    func testItIsAnErrorByDefaultAndCounted() throws {
        XCTAssertEqual(SeverityPolicy.default[.reuseMismatch], .error)
        XCTAssertEqual(VerdictClass(rawValue: "reuse-mismatch"), .reuseMismatch)
        XCTAssertEqual(try SeverityPolicy(parsing: "reuse-mismatch=warning")[.reuseMismatch], .warning)
        let f = mismatched(dfFile("a", "x"))
        let result = try dfDiff(b: [f, dfFile("b")], p: nil, r: [dfFile("a", "x"), dfFile("b")])
        XCTAssertEqual(result.tally[.reuseMismatch], 1)
        XCTAssertEqual(result.tally[.match], 1)
        XCTAssertEqual(result.tally.entriesCompared, 2)
    }
}
