import Primitives
import XCTest
@testable import ManifestKit

// Fixture helpers shared by the Diff*Tests and Report*Tests files (prefix `df`).

/// The baseline window starts at 1_000 ns in every fixture.
let dfWindowStart: Int64 = 1_000

func dfFile(_ path: String, _ content: String = "x", mode: UInt32 = 0o644, uid: UInt32 = 0,
            mtime: Int64 = 500, error: String? = nil, unstable: Bool = false) -> ManifestEntry {
    dfFile(Array(path.utf8), content, mode: mode, uid: uid, mtime: mtime, error: error, unstable: unstable)
}

func dfFile(_ path: [UInt8], _ content: String = "x", mode: UInt32 = 0o644, uid: UInt32 = 0,
            mtime: Int64 = 500, error: String? = nil, unstable: Bool = false) -> ManifestEntry {
    ManifestEntry(path: path, type: .file, size: UInt64(content.utf8.count), mode: mode, uid: uid,
                  mtimeNs: mtime, sha256: error == nil ? SHA256.hex(Array(content.utf8)) : nil,
                  error: error, unstable: unstable)
}

func dfDir(_ path: String, mode: UInt32 = 0o755, mtime: Int64 = 500) -> ManifestEntry {
    ManifestEntry(path: Array(path.utf8), type: .dir, mode: mode, mtimeNs: mtime)
}

func dfLink(_ path: String, _ target: String, mtime: Int64 = 500) -> ManifestEntry {
    ManifestEntry(path: Array(path.utf8), type: .symlink, size: UInt64(target.utf8.count), mode: 0o777,
                  mtimeNs: mtime, target: Array(target.utf8))
}

func dfSpecial(_ path: String, _ type: EntryType) -> ManifestEntry {
    ManifestEntry(path: Array(path.utf8), type: type, mode: 0o644, mtimeNs: 500)
}

func dfSource(_ role: ManifestRole, _ entries: [ManifestEntry]) -> ArrayEntrySource {
    ArrayEntrySource(header: ManifestHeader(role: role, startedAtNs: role == .baseline ? dfWindowStart : 2_000,
                                            tool: "manifest-worker test"), entries: entries)
}

/// Runs a diff to the end; returns every non-match finding and the tally.
func dfDiff(b: [ManifestEntry], p: [ManifestEntry]?, r: [ManifestEntry],
            options: DiffOptions = DiffOptions()) throws -> (findings: [Finding], tally: DiffTally) {
    var diff = MergeDiff(baseline: dfSource(.baseline, b), post: p.map { dfSource(.post, $0) },
                         restored: dfSource(.restored, r), options: options)
    var findings: [Finding] = []
    while let f = try diff.next() { findings.append(f) }
    return (findings, diff.tally)
}

/// The verdict and detail for one path (`nil` = absent from that input).
func dfClassify(b: ManifestEntry?, p: ManifestEntry??, r: ManifestEntry?,
                file: StaticString = #filePath, line: UInt = #line) throws -> DfVerdict {
    let post: [ManifestEntry]? = p.map { $0.map { [$0] } ?? [] }
    let result = try dfDiff(b: b.map { [$0] } ?? [], p: post, r: r.map { [$0] } ?? [])
    XCTAssertEqual(result.tally.entriesCompared, 1, file: file, line: line)
    guard let f = result.findings.first else { return DfVerdict(.match, "") }
    XCTAssertEqual(result.findings.count, 1, file: file, line: line)
    return DfVerdict(f.verdict, f.detail)
}

struct DfVerdict: Equatable, CustomStringConvertible {
    var verdict: VerdictClass
    var detail: String
    init(_ verdict: VerdictClass, _ detail: String) {
        self.verdict = verdict
        self.detail = detail
    }
    var description: String { "\(verdict.rawValue): \(detail)" }
}

final class DiffThreeWayTests: XCTestCase {
    func testMatchWhenAllThreeEqual() throws {
        let f = dfFile("a", "hello")
        XCTAssertEqual(try dfClassify(b: f, p: .some(f), r: f), DfVerdict(.match, ""))
    }

    func testChangedWhenRestoredMatchesBaselineOrPost() throws {
        let b = dfFile("a", "old", mtime: 500), p = dfFile("a", "new", mtime: 1_500)
        XCTAssertEqual(try dfClassify(b: b, p: .some(p), r: b).detail, "modified during the backup window; restored matches baseline")
        XCTAssertEqual(try dfClassify(b: b, p: .some(p), r: p).detail, "modified during the backup window; restored matches post")
        XCTAssertEqual(try dfClassify(b: b, p: .some(p), r: p).verdict, .changed)
    }

    func testChangedWhenAbsentWhereOneVersionIsAbsent() throws {
        let f = dfFile("a", "new")
        XCTAssertEqual(try dfClassify(b: nil, p: .some(f), r: nil), DfVerdict(.changed, "created during the backup window; restored matches baseline (absent)"))
        XCTAssertEqual(try dfClassify(b: nil, p: .some(f), r: f), DfVerdict(.changed, "created during the backup window; restored matches post"))
        XCTAssertEqual(try dfClassify(b: f, p: .some(nil), r: nil), DfVerdict(.changed, "deleted during the backup window; restored matches post (absent)"))
    }

    func testChangedForMetadataOnlyChangeDuringWindow() throws {
        let b = dfDir("d", mode: 0o755), p = dfDir("d", mode: 0o700)
        XCTAssertEqual(try dfClassify(b: b, p: .some(p), r: p), DfVerdict(.changed, "modified during the backup window; restored matches post"))
    }

    func testTornWhenRestoredMatchesNeither() throws {
        let b = dfFile("a", "v1", mtime: 500), p = dfFile("a", "v2", mtime: 1_500)
        let r = dfFile("a", "v3", mtime: 1_200)
        XCTAssertEqual(try dfClassify(b: b, p: .some(p), r: r), DfVerdict(.torn,
            "modified during the backup window; restored matches neither: sha256 differs: post "
            + EntryComparison.shortHash(p.sha256) + " restored " + EntryComparison.shortHash(r.sha256)))
    }

    func testTornWhenAbsentThoughBothVersionsPresent() throws {
        let b = dfFile("a", "v1"), p = dfFile("a", "v2", mtime: 1_500)
        XCTAssertEqual(try dfClassify(b: b, p: .some(p), r: nil), DfVerdict(.torn, "modified during the backup window; absent from restored"))
    }

    func testTornWhenContentOfOneVersionCarriesTheOthersMetadata() throws {
        let b = dfFile("a", "v1", mtime: 500), p = dfFile("a", "v2", mtime: 1_500)
        let r = dfFile("a", "v1", mtime: 1_500)
        XCTAssertEqual(try dfClassify(b: b, p: .some(p), r: r), DfVerdict(.torn, "modified during the backup window; restored matches neither: sha256 differs: post \(EntryComparison.shortHash(p.sha256)) restored \(EntryComparison.shortHash(r.sha256))"))
    }

    func testMetadataWhenWindowContentRestoredWithForeignMetadata() throws {
        let b = dfFile("a", "v1", mtime: 500), p = dfFile("a", "v2", mtime: 1_500)
        let r = dfFile("a", "v2", mtime: 9_000)
        XCTAssertEqual(try dfClassify(b: b, p: .some(p), r: r), DfVerdict(.metadata, "modified during the backup window; content matches post; mtime 0.000001500 → 0.000009000"))
    }

    func testMissingWhenStableAndAbsent() throws {
        let f = dfFile("a")
        XCTAssertEqual(try dfClassify(b: f, p: .some(f), r: nil), DfVerdict(.missing, "absent from restored"))
    }

    func testExtraWhenAbsentFromBaselineAndPost() throws {
        XCTAssertEqual(try dfClassify(b: nil, p: .some(nil), r: dfFile("a")), DfVerdict(.extra, "absent from baseline and post"))
    }

    func testCorruptForDigestSizeTypeAndTarget() throws {
        let f = dfFile("a", "abc"), g = dfFile("a", "abd"), h = dfFile("a", "abcd")
        XCTAssertEqual(try dfClassify(b: f, p: .some(f), r: g), DfVerdict(.corrupt, "sha256 differs: baseline ba7816bf… restored \(EntryComparison.shortHash(g.sha256))"))
        XCTAssertEqual(try dfClassify(b: f, p: .some(f), r: h), DfVerdict(.corrupt, "size differs: baseline 3 restored 4"))
        XCTAssertEqual(try dfClassify(b: f, p: .some(f), r: dfDir("a")), DfVerdict(.corrupt, "type differs: baseline file restored dir"))
        let l = dfLink("a", "t1")
        XCTAssertEqual(try dfClassify(b: l, p: .some(l), r: dfLink("a", "t2")), DfVerdict(.corrupt, "target differs: baseline 't1' restored 't2'"))
    }

    func testMetadataWhenContentMatches() throws {
        let f = dfFile("a", mode: 0o644, uid: 1000)
        XCTAssertEqual(try dfClassify(b: f, p: .some(f), r: dfFile("a", mode: 0o600, uid: 0)), DfVerdict(.metadata, "mode 0644 → 0600, uid 1000 → 0"))
        XCTAssertEqual(try dfClassify(b: f, p: .some(f), r: dfFile("a", mode: 0o644, uid: 1000, mtime: 7)), DfVerdict(.metadata, "mtime 0.000000500 → 0.000000007"))
    }

    func testDirectoryMtimeAndSymlinkModeAreNotMetadata() throws {
        let d = dfDir("d", mtime: 500)
        XCTAssertEqual(try dfClassify(b: d, p: .some(d), r: dfDir("d", mtime: 9_999)).verdict, .match)
        let l = dfLink("l", "t")
        var r = dfLink("l", "t", mtime: 9_999)
        r.mode = 0o755
        XCTAssertEqual(try dfClassify(b: l, p: .some(l), r: r).verdict, .match)
    }

    func testUnverifiableWhenAnyInputHasErrorOrIsUnstable() throws {
        let f = dfFile("a")
        XCTAssertEqual(try dfClassify(b: dfFile("a", error: "EACCES: Permission denied"), p: .some(f), r: f), DfVerdict(.unverifiable, "baseline error: EACCES: Permission denied"))
        XCTAssertEqual(try dfClassify(b: f, p: .some(dfFile("a", unstable: true)), r: dfFile("a", unstable: true)), DfVerdict(.unverifiable, "post unstable; restored unstable"))
    }

    func testOmittedForFifoAndSocketAbsentFromRestored() throws {
        let fifo = dfSpecial("p", .fifo), sock = dfSpecial("s", .socket)
        XCTAssertEqual(try dfClassify(b: fifo, p: .some(fifo), r: nil), DfVerdict(.omitted, "fifo absent from restored (not backed up)"))
        XCTAssertEqual(try dfClassify(b: sock, p: .some(nil), r: nil), DfVerdict(.omitted, "socket absent from restored (not backed up)"))
        let dev = dfSpecial("c", .char)
        XCTAssertEqual(try dfClassify(b: dev, p: .some(dev), r: nil).verdict, .missing)
    }

    func testWholeTreeFindingsAndTally() throws {
        let b = [dfDir("d"), dfFile("d/a", "aaa"), dfFile("d/b", "bbb"), dfFile("d/c", "ccc"), dfSpecial("f", .fifo)]
        let p = [dfDir("d"), dfFile("d/a", "aaa"), dfFile("d/b", "BBBB", mtime: 1_500), dfFile("d/c", "ccc"), dfSpecial("f", .fifo)]
        let r = [dfDir("d"), dfFile("d/a", "aaa"), dfFile("d/b", "BBBB", mtime: 1_500), dfFile("d/x", "x")]
        let (findings, tally) = try dfDiff(b: b, p: p, r: r)
        XCTAssertEqual(findings.map(\.displayPath), ["d/b", "d/c", "d/x", "f"])
        XCTAssertEqual(findings.map(\.verdict), [.changed, .missing, .extra, .omitted])
        XCTAssertEqual(findings.map(\.severity), [.info, .error, .error, .info])
        XCTAssertEqual(findings.map(\.type), [.file, .file, .file, .fifo])
        XCTAssertEqual(tally[.match], 2)
        XCTAssertEqual(tally.entriesCompared, 6)
        XCTAssertEqual(tally.filesVerified, 2)
        XCTAssertEqual(tally.bytesVerified, 7)
    }
}
