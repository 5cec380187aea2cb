import XCTest
@testable import ManifestKit

final class DiffRestoredRootTests: XCTestCase {
    private let root = "aws-backup-restore_2026-11-22T00-03-13-832Z"

    private func items(_ entries: [ManifestEntry], _ mode: RestoredRootMode) throws -> [String] {
        var adapter = RestoredRootAdapter(dfSource(.restored, entries), mode: mode)
        var out: [String] = []
        while let item = try adapter.nextItem() {
            switch item {
            case .entry(let e): out.append("entry " + e.displayPath)
            case .lostFound(let e): out.append("lost+found " + e.displayPath)
            case .outsideRoot(let e): out.append("outside " + e.displayPath)
            case .unreadableRoot(let e): out.append("unreadable root " + e.displayPath)
            }
        }
        return out
    }

    private func assertThrows(_ entries: [ManifestEntry], _ mode: RestoredRootMode, _ message: String,
                              line: UInt = #line) {
        XCTAssertThrowsError(try items(entries, mode), line: line) { error in
            XCTAssertEqual((error as? ManifestKitError)?.kind, .invalidArgument, line: line)
            XCTAssertEqual("\(error)", message, line: line)
        }
    }

    func testAutoStripsTheSingleRestoreDirectory() throws {
        let r = [dfDir(root), dfDir(root + "/d"), dfFile(root + "/d/a")]
        XCTAssertEqual(try items(r, .auto), ["entry d", "entry d/a"])
    }

    func testAutoReportsLostFoundEntriesAndSkipsTheDirectoryItself() throws {
        let r = [dfDir("aws-backup-lost+found"), dfFile("aws-backup-lost+found/frag1"), dfDir(root), dfFile(root + "/a")]
        XCTAssertEqual(try items(r, .auto), ["lost+found aws-backup-lost+found/frag1", "entry a"])
    }

    func testAutoLeavesPathsWhenThereIsNoRestoreDirectory() throws {
        XCTAssertEqual(try items([dfDir("d"), dfFile("d/a"), dfFile("z")], .auto), ["entry d", "entry d/a", "entry z"])
    }

    func testAutoRejectsASecondRestoreDirectory() {
        assertThrows([dfDir(root), dfFile(root + "/a"), dfDir("aws-backup-restore_2026-11-23")], .auto,
                     "restored-root: ambiguous restore root: '\(root)' and 'aws-backup-restore_2026-11-23'; name it explicitly or use none")
    }

    func testAutoRejectsARestoreDirectoryAfterOtherTopLevelEntries() {
        assertThrows([dfFile("Notes"), dfDir(root)], .auto,
                     "restored-root: ambiguous restore root: '\(root)' follows other top-level entries; name it explicitly or use none")
    }

    func testStrayAndFailedRestoreEntriesAreOutsideTheRoot() throws {
        let r = [dfDir("aws-backup-failed-restore_1"), dfDir(root), dfFile(root + "/a"), dfFile("zz")]
        XCTAssertEqual(try items(r, .auto), ["outside aws-backup-failed-restore_1", "entry a", "outside zz"])
    }

    func testNoneComparesPathsAsTheyAre() throws {
        let r = [dfDir("aws-backup-lost+found"), dfDir(root), dfFile(root + "/a")]
        XCTAssertEqual(try items(r, .none), ["entry aws-backup-lost+found", "entry \(root)", "entry \(root)/a"])
    }

    func testExplicitDirectory() throws {
        let r = [dfDir("keep"), dfFile("keep/a"), dfFile("other")]
        XCTAssertEqual(try items(r, try RestoredRootMode(parsing: "keep")), ["entry a", "outside other"])
        assertThrows(r, .directory(Array("absent".utf8)),
                     "restored-root: directory 'absent' not found in the restored manifest")
        assertThrows([dfFile("keep")], .directory(Array("keep".utf8)), "restored-root: 'keep' is a file, not a directory")
    }

    func testParsingModes() throws {
        XCTAssertEqual(try RestoredRootMode(parsing: "auto"), .auto)
        XCTAssertEqual(try RestoredRootMode(parsing: "none"), .none)
        XCTAssertThrowsError(try RestoredRootMode(parsing: "a/b")) { error in
            XCTAssertEqual("\(error)", "restored-root: expected auto, none or a top-level directory name, got 'a/b'")
        }
    }

    func testDiffAgainstStrippedRootWithLostFoundFindings() throws {
        let b = [dfDir("d"), dfFile("d/a"), dfFile("d/b")]
        let r = [dfDir("aws-backup-lost+found"), dfFile("aws-backup-lost+found/0001"),
                 dfDir(root), dfDir(root + "/d"), dfFile(root + "/d/a"), dfFile(root + "/d/b")]
        var diff = MergeDiff(baseline: dfSource(.baseline, b), post: dfSource(.post, b), restored: dfSource(.restored, r))
        let report = try diff.run(clock: { 0 })
        XCTAssertEqual(report.findings(of: .lostFound).map(\.displayPath), ["aws-backup-lost+found/0001"])
        XCTAssertEqual(report.findings(of: .lostFound).map(\.detail),
                       ["in aws-backup-lost+found (fragment of a file modified during the backup)"])
        XCTAssertEqual(report.tally[.match], 3)
        XCTAssertEqual(report.restoredRoot, Array(root.utf8))
        XCTAssertTrue(report.passed) // lost+found is a warning by default
        XCTAssertEqual(report.count(of: .warning), 1)
    }
}
