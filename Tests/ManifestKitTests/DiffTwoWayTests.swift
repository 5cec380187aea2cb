import XCTest
@testable import ManifestKit

/// Two-way (no post manifest): the window is "R's mtime later than the
/// baseline's startedAt" (1_000 ns in these fixtures).
final class DiffTwoWayTests: XCTestCase {
    private func classify(_ b: ManifestEntry?, _ r: ManifestEntry?) throws -> DfVerdict {
        try dfClassify(b: b, p: nil, r: r)
    }

    func testMatch() throws {
        XCTAssertEqual(try classify(dfFile("a"), dfFile("a")), DfVerdict(.match, ""))
    }

    func testChangedWhenModifiedInWindow() throws {
        XCTAssertEqual(try classify(dfFile("a", "old", mtime: 500), dfFile("a", "newer", mtime: 1_500)),
                       DfVerdict(.changed, "modified during the backup window: size differs: baseline 3 restored 5"))
    }

    func testChangedWhenCreatedInWindow() throws {
        XCTAssertEqual(try classify(nil, dfFile("a", mtime: 1_001)),
                       DfVerdict(.changed, "created during the backup window (restored mtime after baseline start)"))
    }

    func testExtraWhenCreatedBeforeWindow() throws {
        XCTAssertEqual(try classify(nil, dfFile("a", mtime: 1_000)), DfVerdict(.extra, "absent from baseline"))
    }

    func testMissingPathUsesParentDirectoryMtimeInRestored() throws {
        let b = [dfDir("new"), dfFile("new/gone"), dfDir("old"), dfFile("old/gone")]
        let r = [dfDir("new", mtime: 1_200), dfDir("old", mtime: 900)]
        let (findings, tally) = try dfDiff(b: b, p: nil, r: r)
        XCTAssertEqual(findings.map { DfVerdict($0.verdict, $0.displayPath + ": " + $0.detail) }, [
            DfVerdict(.changed, "new/gone: deleted during the backup window (parent mtime after baseline start)"),
            DfVerdict(.missing, "old/gone: absent from restored"),
        ])
        XCTAssertEqual(tally[.match], 2)
    }

    func testMissingSubtreeUsesNearestAncestorPresentInRestored() throws {
        let b = [dfDir("a"), dfDir("a/b"), dfFile("a/b/c"), dfDir("z"), dfFile("z/y")]
        let r = [dfDir("a", mtime: 5_000), dfDir("z", mtime: 10)]
        let (findings, _) = try dfDiff(b: b, p: nil, r: r)
        XCTAssertEqual(findings.map(\.displayPath), ["a/b", "a/b/c", "z/y"])
        XCTAssertEqual(findings.map(\.verdict), [.changed, .changed, .missing])
    }

    func testTopLevelMissingPathIsMissing() throws {
        XCTAssertEqual(try classify(dfFile("a"), nil), DfVerdict(.missing, "absent from restored"))
    }

    func testCorruptWhenContentDiffersWithUnchangedSizeAndMtime() throws {
        let b = dfFile("a", "abc", mtime: 1_500), r = dfFile("a", "abd", mtime: 1_500)
        XCTAssertEqual(try classify(b, r), DfVerdict(.corrupt,
            "sha256 differs: baseline ba7816bf… restored \(EntryComparison.shortHash(r.sha256)) (size and mtime unchanged)"))
    }

    func testCorruptWhenContentDiffersOutsideWindow() throws {
        XCTAssertEqual(try classify(dfFile("a", "abc", mtime: 500), dfFile("a", "abcd", mtime: 800)),
                       DfVerdict(.corrupt, "size differs: baseline 3 restored 4"))
        XCTAssertEqual(try classify(dfFile("a"), dfDir("a", mtime: 800)),
                       DfVerdict(.corrupt, "type differs: baseline file restored dir"))
    }

    func testMetadataOutsideWindowAndChangedInside() throws {
        XCTAssertEqual(try classify(dfFile("a", mode: 0o644), dfFile("a", mode: 0o4755)),
                       DfVerdict(.metadata, "mode 0644 → 4755"))
        XCTAssertEqual(try classify(dfFile("a", mtime: 500), dfFile("a", mtime: 2_000)),
                       DfVerdict(.changed, "modified during the backup window: mtime 0.000000500 → 0.000002000"))
    }

    func testUnverifiable() throws {
        XCTAssertEqual(try classify(dfFile("a"), dfFile("a", error: "EIO: Input/output error")),
                       DfVerdict(.unverifiable, "restored error: EIO: Input/output error"))
        XCTAssertEqual(try classify(dfFile("a", unstable: true), dfFile("a")),
                       DfVerdict(.unverifiable, "baseline unstable"))
    }

    func testOmitted() throws {
        XCTAssertEqual(try classify(dfSpecial("p", .fifo), nil), DfVerdict(.omitted, "fifo absent from restored (not backed up)"))
        XCTAssertEqual(try classify(dfSpecial("s", .socket), nil), DfVerdict(.omitted, "socket absent from restored (not backed up)"))
    }

    func testTwoWayIsNotThreeWayWithEmptyPost() throws {
        // An empty post manifest means "everything was deleted during the window".
        XCTAssertEqual(try dfClassify(b: dfFile("a"), p: .some(nil), r: dfFile("a")),
                       DfVerdict(.changed, "deleted during the backup window; restored matches baseline"))
        XCTAssertEqual(try classify(dfFile("a"), dfFile("a")), DfVerdict(.match, ""))
    }
}
