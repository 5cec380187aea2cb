import Primitives
import XCTest
@testable import ManifestKit

/// No input may trap: extreme numbers (0, 2^63, 2^64 − 1,
/// −1, Int64.min/max, huge counts) through the reader, the diff tally and the
/// report. Each case either works exactly or fails with a clear error.
final class ExtremeValuesTests: XCTestCase {
    private let sizes: [UInt64] = [0, 1, 1 << 63, (1 << 63) - 1, UInt64.max - 1, UInt64.max]
    private let times: [Int64] = [0, -1, Int64.min, Int64.max, Int64.min + 1, 1 << 62]

    private func file(_ path: String, size: UInt64, mtime: Int64 = 500) -> ManifestEntry {
        ManifestEntry(path: Array(path.utf8), type: .file, size: size, mode: 0o644, uid: UInt32.max, gid: UInt32.max,
                      mtimeNs: mtime, ctimeNs: mtime, ino: UInt64.max, nlink: UInt64.max, sha256: Fixtures.sha)
    }

    /// A manifest holding exactly these entry lines and a trailer stating `bytes`
    /// (written by hand: the writer refuses totals past 2^64 − 1).
    private func manifest(_ entries: [ManifestEntry], bytes: UInt64) throws -> [UInt8] {
        var lines: [[UInt8]] = []
        let digest = SHA256()
        for e in entries {
            var line: [UInt8] = []
            ManifestCodec.appendEntryLine(e, to: &line)
            digest.update(line)
            lines.append(line)
        }
        var t = ManifestTrailer()
        t.entries = UInt64(entries.count)
        t.files = UInt64(entries.count)
        t.bytes = bytes
        t.completedAtNs = Fixtures.startedAt
        t.entriesSha256 = digest.finalizeHex()
        return try Fixtures.gzipLines([ManifestCodec.headerLine(Fixtures.header)] + lines + [ManifestCodec.trailerLine(t)])
    }

    // MARK: reader

    func testEveryPairOfExtremeSizesReadsOrFailsClearly() throws {
        for a in sizes {
            for b in sizes {
                let (sum, overflow) = a.addingReportingOverflow(b)
                let bytes = try manifest([file("a", size: a), file("b", size: b)], bytes: overflow ? UInt64.max : sum)
                if overflow {
                    XCTAssertThrowsError(try Fixtures.readAll(bytes), "\(a) + \(b)") { error in
                        XCTAssertEqual(error as? ManifestKitError, ManifestKitError(
                            .invalidManifest, subject: "m.gz", line: 3, reason: ManifestTrailer.bytesOverflowReason))
                    }
                } else {
                    let entries = try Fixtures.readAll(bytes)
                    XCTAssertEqual(entries.map(\.size), [a, b])
                    XCTAssertEqual(try ManifestReader.validate(MemorySource(bytes)).trailer.bytes, sum)
                }
            }
        }
    }

    func testExtremeTimesAndIdsRoundTrip() throws {
        for t in times {
            let bytes = try manifest([file("a", size: 1, mtime: t)], bytes: 1)
            let e = try XCTUnwrap(try Fixtures.readAll(bytes).first)
            XCTAssertEqual(e.mtimeNs, t)
            XCTAssertEqual(e.uid, UInt32.max)
            XCTAssertEqual(e.nlink, UInt64.max)
        }
    }

    func testOutOfRangeNumbersAreErrors() throws {
        let good = try Fixtures.lines([Fixtures.file("a")])
        let line = String(decoding: good[1], as: UTF8.self)
        let cases = [
            ("\"size\":3", "\"size\":-1"), ("\"size\":3", "\"size\":18446744073709551616"),
            ("\"uid\":1000", "\"uid\":4294967296"), ("\"mode\":420", "\"mode\":-1"),
            ("\"mtimeNs\":1700000000000000001", "\"mtimeNs\":9223372036854775808"),
            ("\"mtimeNs\":1700000000000000001", "\"mtimeNs\":-9223372036854775809"),
            ("\"size\":3", "\"size\":1e3"), ("\"size\":3", "\"size\":99999999999999999999999999"),
        ]
        for (from, to) in cases {
            XCTAssertTrue(line.contains(from), from)
            let bad = Array(line.replacingOccurrences(of: from, with: to).utf8)
            let bytes = try Fixtures.gzipLines([good[0], bad, good[2]])
            XCTAssertThrowsError(try Fixtures.readAll(bytes), to) { error in
                let e = error as? ManifestKitError
                XCTAssertEqual(e?.kind, .invalidManifest, to)
                XCTAssertEqual(e?.line, 2, to)
            }
        }
    }

    func testHugeTrailerCountsAreAMismatchNotATrap() throws {
        let lines = try Fixtures.lines([Fixtures.file("a")])
        let trailer = try Fixtures.trailerLine(for: [lines[1]]) { t in
            t.entries = .max; t.files = .max; t.bytes = .max; t.errors = .max; t.completedAtNs = .min
        }
        XCTAssertThrowsError(try Fixtures.readAll(try Fixtures.gzipLines([lines[0], lines[1], trailer]))) { error in
            XCTAssertEqual(error as? ManifestKitError, ManifestKitError(
                .invalidManifest, subject: "m.gz", line: 3,
                reason: "trailer mismatch: \"entries\" is 18446744073709551615 but the entries count 1"))
        }
        // Huge settings of the report are fine too.
        var diff = MergeDiff(baseline: dfSource(.baseline, [dfFile("a")]), post: nil, restored: dfSource(.restored, []))
        let report = try diff.run(findingsPerClass: .max) { 0 }
        XCTAssertEqual(report.findings(of: .missing).count, 1)
        XCTAssertEqual(DiffReport(findingsPerClass: .min, summaryErrorLimit: .min, isThreeWay: false,
                                  windowStartNs: .min, windowEndNs: .max, startedAtNs: .max).durationMs, 0)
    }

    func testWriterRefusesATotalPastTheMaximumAndStaysUsable() throws {
        let sink = MemorySink()
        let w = try ManifestWriter(header: Fixtures.header, sink: sink)
        try w.append(file("a", size: UInt64.max))
        XCTAssertThrowsError(try w.append(file("b", size: 1))) { error in
            XCTAssertEqual(error as? ManifestKitError, ManifestKitError(
                .invalidArgument, subject: "b", reason: "invalid entry: \(ManifestTrailer.bytesOverflowReason)"))
        }
        try w.append(file("c", size: 0))
        let trailer = try w.finish(completedAtNs: 1)
        XCTAssertEqual(trailer.entries, 2)
        XCTAssertEqual(trailer.bytes, UInt64.max)
        XCTAssertEqual(try Fixtures.readAll(sink.bytes).map(\.displayPath), ["a", "c"])
    }

    // MARK: diff tally and report

    func testDiffTallyRefusesVerifiedBytesPastTheMaximum() throws {
        let entries = [file("a", size: 1 << 63), file("b", size: 1 << 63), file("c", size: 1)]
        XCTAssertThrowsError(try dfDiff(b: entries, p: nil, r: entries)) { error in
            XCTAssertEqual(error as? ManifestKitError, ManifestKitError(
                .invalidManifest, subject: "diff", reason: "verified file sizes sum past 2^64-1 bytes (18446744073709551615)"))
        }
        var tally = DiffTally()
        try tally.add(.match, verifiedBytes: UInt64.max)
        XCTAssertThrowsError(try tally.add(.match, verifiedBytes: 1))
        try tally.add(.match, verifiedBytes: 0)
        XCTAssertEqual(tally.entriesCompared, 2, "a refused path is not counted")
        XCTAssertEqual(tally.bytesVerified, UInt64.max)
    }

    func testReportOfExtremeTotalsAndTimes() throws {
        let entries = [file("a", size: UInt64.max, mtime: Int64.min), file("b", size: 0, mtime: Int64.max)]
        let changed = [file("a", size: UInt64.max, mtime: Int64.max), file("b", size: 0, mtime: Int64.min)]
        for (r, finished) in [(entries, Int64.max), (changed, Int64.min)] {
            var diff = MergeDiff(baseline: dfSource(.baseline, entries), post: nil, restored: dfSource(.restored, r))
            var clock = [Int64.min, finished].makeIterator()
            let report = try diff.run { clock.next()! }
            XCTAssertEqual(report.tally.bytesVerified, UInt64.max)
            XCTAssertEqual(report.durationMs, finished == Int64.max ? Int64.max / 1_000_000 : 0)
            let json = String(decoding: report.json(), as: UTF8.self)
            XCTAssertTrue(json.contains("\"bytesVerified\": 18446744073709551615,"), json)
            XCTAssertTrue(report.summaryText().contains("2 files verified, 18446744073709551615 bytes (15.9 EiB)"),
                          report.summaryText())
        }
        XCTAssertEqual(DiffReport.humanBytes(UInt64.max), "15.9 EiB")
        XCTAssertEqual(DiffReport.humanBytes(1 << 63), "8.0 EiB")
        XCTAssertEqual(EntryComparison.seconds(Int64.min), "-9223372036.854775808")
        XCTAssertEqual(EntryComparison.seconds(Int64.max), "9223372036.854775807")
        XCTAssertEqual(EntryComparison.octal(UInt32.max), "37777777777")
    }

    func testMetadataDetailOfExtremeTimes() throws {
        let b = file("a", size: 1, mtime: Int64.min), r = file("a", size: 1, mtime: Int64.max)
        let (findings, _) = try dfDiff(b: [b], p: nil, r: [r], options: DiffOptions(windowEndNs: 2_000))
        XCTAssertEqual(findings.map(\.detail), ["mtime -9223372036.854775808 → 9223372036.854775807 (restored mtime after the window end)"])
        XCTAssertEqual(findings.map(\.verdict), [.metadata])
    }
}
