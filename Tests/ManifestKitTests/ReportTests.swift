import XCTest
@testable import ManifestKit

/// A sink that keeps everything in memory.
final class DfMemorySink: ByteSink {
    var bytes: [UInt8] = []
    var writes = 0
    var finished = false
    func write(_ buffer: UnsafeRawBufferPointer) throws {
        bytes.append(contentsOf: buffer)
        writes += 1
    }
    func finish() throws { finished = true }
    func abort() {}
    var text: String { String(decoding: bytes, as: UTF8.self) }
}

final class ReportTests: XCTestCase {
    private let root = "aws-backup-restore_2026-11-22T00-03-13-832Z"

    /// d/a corrupt, d/b metadata, d/c match, gone missing, one lost+found fragment.
    private func smallReport(findings: FindingsWriter? = nil, perClass: Int = 100) throws -> DiffReport {
        let b = [dfDir("d"), dfFile("d/a", "abc"), dfFile("d/b", "hello", mode: 0o644), dfFile("d/c", "1234567890"), dfFile("gone")]
        let r = [dfDir("aws-backup-lost+found"), dfFile("aws-backup-lost+found/frag", "zz"),
                 dfDir(root), dfDir(root + "/d"), dfFile(root + "/d/a", "abd"), dfFile(root + "/d/b", "hello", mode: 0o600),
                 dfFile(root + "/d/c", "1234567890")]
        var diff = MergeDiff(baseline: dfSource(.baseline, b), post: dfSource(.post, b), restored: dfSource(.restored, r))
        var ticks: [Int64] = [5_000_000_000, 5_250_000_000]
        return try diff.run(findings: findings, findingsPerClass: perClass, clock: { ticks.removeFirst() })
    }

    private let lostFoundLine = #"{"path":"aws-backup-lost+found/frag","class":"lost+found","severity":"warning","type":"file","detail":"in aws-backup-lost+found (fragment of a file modified during the backup)"}"#
    private let corruptLine = #"{"path":"d/a","class":"corrupt","severity":"error","type":"file","detail":"sha256 differs: baseline ba7816bf… restored a52d159f…"}"#
    private let metadataLine = #"{"path":"d/b","class":"metadata","severity":"warning","type":"file","detail":"mode 0644 → 0600"}"#
    private let missingLine = #"{"path":"gone","class":"missing","severity":"error","type":"file","detail":"absent from restored"}"#

    func testJSONIsExact() throws {
        let json = String(decoding: try smallReport().json(), as: UTF8.self)
        XCTAssertEqual(json, """
        {
          "format": "efs-backup-verifier-report/1",
          "passed": false,
          "mode": "three-way",
          "restoredRoot": "aws-backup-restore_2026-11-22T00-03-13-832Z",
          "windowStartNs": 1000,
          "windowEndNs": null,
          "startedAtNs": 5000000000,
          "finishedAtNs": 5250000000,
          "durationMs": 250,
          "entriesCompared": 6,
          "filesVerified": 2,
          "bytesVerified": 15,
          "counts": {"match": 2, "changed": 0, "torn": 0, "missing": 1, "extra": 0, "corrupt": 1, "metadata": 1, "unverifiable": 0, "omitted": 0, "lost+found": 1, "reuse-mismatch": 0},
          "severities": {"ok": 2, "info": 0, "warning": 2, "error": 2},
          "policy": {"match": "ok", "changed": "info", "torn": "error", "missing": "error", "extra": "error", "corrupt": "error", "metadata": "warning", "unverifiable": "warning", "omitted": "info", "lost+found": "warning", "reuse-mismatch": "error"},
          "findingsPerClass": 100,
          "findings": {
            "missing": [
              \(missingLine)
            ],
            "corrupt": [
              \(corruptLine)
            ],
            "metadata": [
              \(metadataLine)
            ],
            "lost+found": [
              \(lostFoundLine)
            ]
          }
        }

        """)
    }

    func testJSONWithoutKeptFindingsAndTwoWay() throws {
        var diff = MergeDiff(baseline: dfSource(.baseline, [dfFile("a")]), post: nil,
                             restored: dfSource(.restored, [dfFile("a")]), options: DiffOptions(restoredRoot: .none))
        let json = String(decoding: try diff.run(clock: { 7 }).json(), as: UTF8.self)
        XCTAssertTrue(json.contains("\n  \"passed\": true,\n  \"mode\": \"two-way\",\n  \"restoredRoot\": null,\n"), json)
        XCTAssertTrue(json.hasSuffix("\n  \"findingsPerClass\": 100,\n  \"findings\": {}\n}\n"), json)
    }

    func testFindingsPerClassLimitKeepsCountsWhole() throws {
        let report = try smallReport(perClass: 0)
        XCTAssertEqual(report.findings(of: .corrupt), [])
        XCTAssertEqual(report.tally[.corrupt], 1)
        XCTAssertFalse(report.passed)
        XCTAssertEqual(report.firstErrors.map(\.displayPath), ["d/a", "gone"])
    }

    func testSummaryIsExact() throws {
        XCTAssertEqual(try smallReport().summaryText(), """
        FAIL: 2 error, 2 warning findings
        three-way diff of 6 paths: 2 files verified, 15 bytes (15 B)
        match 2 (ok)
        missing 1 (error)
        corrupt 1 (error)
        metadata 1 (warning)
        lost+found 1 (warning)
        errors:
          corrupt d/a: sha256 differs: baseline ba7816bf… restored a52d159f…
          missing gone: absent from restored

        """)
    }

    func testSummaryIsBounded() throws {
        let b = (0..<8).map { dfFile("f\($0)", String(repeating: "x", count: 3_000)) }
        var diff = MergeDiff(baseline: dfSource(.baseline, b), post: nil, restored: dfSource(.restored, [dfFile("zz")]))
        let text = try diff.run(clock: { 0 }).summaryText()
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, 11)
        XCTAssertEqual(lines[0], "FAIL: 9 error findings")
        XCTAssertEqual(lines[1], "two-way diff of 9 paths: 0 files verified, 0 bytes (0 B)")
        XCTAssertEqual(lines[2], "missing 8 (error)")
        XCTAssertEqual(lines[3], "extra 1 (error)")
        XCTAssertEqual(lines[9], "  missing f4: absent from restored")
        XCTAssertEqual(lines[10], "  … and 4 more in the findings file")
    }

    func testPassingSummary() throws {
        var diff = MergeDiff(baseline: dfSource(.baseline, [dfFile("a", String(repeating: "y", count: 1_572_864))]),
                             post: nil, restored: dfSource(.restored, [dfFile("a", String(repeating: "y", count: 1_572_864))]))
        XCTAssertEqual(try diff.run(clock: { 0 }).summaryText(), """
        PASS: no findings
        two-way diff of 1 paths: 1 files verified, 1572864 bytes (1.5 MiB)
        match 1 (ok)

        """)
    }

    func testFindingsFileHasOneLinePerFindingInDiffOrder() throws {
        let sink = DfMemorySink()
        let writer = FindingsWriter(sink: sink)
        _ = try smallReport(findings: writer)
        XCTAssertEqual(sink.text, [lostFoundLine, corruptLine, metadataLine, missingLine].map { $0 + "\n" }.joined())
        XCTAssertEqual(sink.writes, 1)
        XCTAssertEqual(writer.count, 4)
        XCTAssertFalse(sink.finished)
        try writer.finish()
        XCTAssertTrue(sink.finished)
    }

    func testFindingsFileEncodesNonUTF8PathsAsBase64AndEscapesText() throws {
        let sink = DfMemorySink()
        let writer = FindingsWriter(sink: sink, bufferSize: 1)
        try writer.write(Finding(path: [0x66, 0xFF, 0x6F], verdict: .extra, severity: .error, type: .file, detail: "x"))
        try writer.write(Finding(path: Array("q\"\\\n\u{1}é".utf8), verdict: .torn, severity: .error, type: nil, detail: "tab\there"))
        XCTAssertEqual(sink.text,
            #"{"pathB64":"Zv9v","class":"extra","severity":"error","type":"file","detail":"x"}"# + "\n"
            + #"{"path":"q\"\\\n\u0001é","class":"torn","severity":"error","detail":"tab\there"}"# + "\n")
        XCTAssertEqual(sink.writes, 2)
    }

    func testHumanBytes() {
        XCTAssertEqual(DiffReport.humanBytes(0), "0 B")
        XCTAssertEqual(DiffReport.humanBytes(1023), "1023 B")
        XCTAssertEqual(DiffReport.humanBytes(1536), "1.5 KiB")
        XCTAssertEqual(DiffReport.humanBytes(1_073_741_824 * 5), "5.0 GiB")
        XCTAssertEqual(DiffReport.humanBytes(UInt64.max), "15.9 EiB")
    }
}
