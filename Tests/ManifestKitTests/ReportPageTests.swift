import XCTest
@testable import ManifestKit

/// report.html: exact structure (golden file), hostile names shown as text,
/// size bounded by the findings kept, the run section replaced in place.
final class ReportPageTests: XCTestCase {
    /// Tests/Golden/report-small.html (outside the target: no resource bundle).
    /// `EBV_UPDATE_GOLDEN=1 swift test --filter ReportPageTests` rewrites it.
    private static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Golden/report-small.html")

    private static let t0: Int64 = 1_795_000_000_000_000_000

    private func finding(_ path: String, _ verdict: VerdictClass, _ severity: Severity, _ detail: String,
                         type: EntryType? = .file) -> Finding {
        Finding(path: Array(path.utf8), verdict: verdict, severity: severity, type: type, detail: detail)
    }

    /// Two matches, one corrupt, one missing, one metadata change; three-way, window closed.
    private func smallReport() throws -> DiffReport {
        var report = DiffReport(findingsPerClass: 100, isThreeWay: true, windowStartNs: Self.t0,
                                windowEndNs: Self.t0 + 600_000_000_000, startedAtNs: Self.t0 + 900_000_000_000)
        var tally = DiffTally()
        try tally.add(.match, verifiedBytes: 10)
        try tally.add(.match, verifiedBytes: 5)
        try tally.add(.corrupt)
        try tally.add(.missing)
        try tally.add(.metadata, verifiedBytes: 5)
        report.add(finding("d/a", .corrupt, .error, "sha256 differs: baseline ba7816bf… restored a52d159f…"))
        report.add(finding("gone", .missing, .error, "absent from restored"))
        report.add(finding("d/b", .metadata, .warning, "mode 0644 → 0600"))
        report.finish(tally: tally, restoredRoot: Array("aws-backup-restore_x".utf8), finishedAtNs: Self.t0 + 900_250_000_000)
        return report
    }

    private func inputs() -> [ReportPage.Input] {
        var trailer = ManifestTrailer()
        trailer.entries = 5; trailer.files = 4; trailer.dirs = 1; trailer.bytes = 20
        trailer.completedAtNs = Self.t0 + 60_000_000_000
        trailer.entriesSha256 = String(repeating: "ab", count: 32)
        trailer.reuse = ReuseCounts(reused: 3, sampled: 1, mismatches: 0, seed: 42)  // made with --reuse-from
        let baseline = ManifestHeader(role: .baseline, root: "/mnt/efs", fileSystemId: "fs-0123",
                                      startedAtNs: Self.t0, tool: "manifest-worker 0.1.0")
        let restored = ManifestHeader(role: .restored, root: "/mnt/restored", fileSystemId: "fs-0123",
                                      recoveryPointArn: "arn:aws:backup:eu-west-1:111122223333:recovery-point:rp-1",
                                      startedAtNs: Self.t0 + 700_000_000_000, tool: "manifest-worker 0.1.0")
        return [ReportPage.Input(source: "baseline.ndjson.gz", header: baseline, trailer: trailer),
                ReportPage.Input(source: "/mnt/restored", header: restored, trailer: nil)]
    }

    private func runSection() -> ReportPage.RunSection {
        ReportPage.RunSection(
            verdict: ReportPage.Verdict(title: "FAIL", tone: .fail, reason: "three-way diff: 2 error findings",
                                        facts: [ReportPage.Fact("File system", "fs-0123"), ReportPage.Fact("Run", "job-1")]),
            timeline: [ReportPage.TimelineEvent("backup completed", atNs: Self.t0 + 600_000_000_000),
                       ReportPage.TimelineEvent("restore completed", atNs: nil, note: "not recorded by the run")],
            resources: [ReportPage.Resource(kind: "EFS file system", id: "fs-restored", status: "deleted")])
    }

    func testSmallPageMatchesGoldenFile() throws {
        let page = ReportPage(run: runSection(), report: try smallReport(), inputs: inputs(),
                              findingsLocation: "findings.ndjson.gz", generatedAtNs: Self.t0 + 901_000_000_000)
        let html = page.html()
        if ProcessInfo.processInfo.environment["EBV_UPDATE_GOLDEN"] == "1" {
            try Data(html).write(to: Self.golden)
        }
        let expected = try Data(contentsOf: Self.golden)
        XCTAssertEqual(String(decoding: html, as: UTF8.self), String(decoding: expected, as: UTF8.self))
    }

    func testCLIPageTakesVerdictAndFactsFromTheReport() throws {
        let page = ReportPage(report: try smallReport(), inputs: inputs(), findingsLocation: "findings.ndjson.gz",
                              generatedAtNs: Self.t0)
        XCTAssertEqual(page.run.verdict, ReportPage.Verdict(
            title: "FAIL", tone: .fail, reason: "2 error, 1 warning findings",
            facts: [ReportPage.Fact("File system", "fs-0123"),
                    ReportPage.Fact("Recovery point", "arn:aws:backup:eu-west-1:111122223333:recovery-point:rp-1"),
                    ReportPage.Fact("Comparison", "three-way"),
                    ReportPage.Fact("Backup window", "2026-11-18T11:06:40Z → 2026-11-18T11:16:40Z")]))
    }

    /// Every tag in the page is one the renderer writes; none comes from data.
    private static let allowedTags: Set<String> = [
        "!doctype", "html", "head", "meta", "title", "style", "body", "main", "section", "h1", "h2", "h3", "p", "dl", "dt",
        "dd", "table", "thead", "tbody", "tr", "th", "td", "span", "svg", "rect", "br", "code", "footer", "!--ebv:run--",
        "!--/ebv:run--", "!--ebv:run-timeline--", "!--/ebv:run-timeline--",
    ]

    private func tags(_ html: String) -> Set<String> {
        var found: Set<String> = []
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            rest = rest[rest.index(after: open)...]
            let name = rest.prefix { $0 != " " && $0 != ">" && $0 != "\n" }
            found.insert(name.lowercased().hasPrefix("/") && !name.hasPrefix("/ebv") ? String(name.dropFirst()).lowercased()
                         : name.lowercased())
        }
        return found
    }

    func testHostileNamesAreShownAsText() throws {
        var report = DiffReport(isThreeWay: false, windowStartNs: 0, startedAtNs: 0)
        let hostile: [[UInt8]] = [
            Array("a/<script>alert(1)</script>".utf8),
            Array("\"><img src=x onerror=alert(1)>".utf8),
            Array("rtl\u{202E}txt.exe".utf8),
            Array("line\n<!--/ebv:run-->".utf8),
            [0x66, 0xFF, 0x3C],
            Array("it's & \u{1B}[2J".utf8),
        ]
        var tally = DiffTally()
        for path in hostile {
            try tally.add(.missing)
            report.add(Finding(path: path, verdict: .missing, severity: .error, type: .file,
                               detail: "absent <b>bold</b> \u{2066}x"))
        }
        report.finish(tally: tally, restoredRoot: nil, finishedAtNs: 0)
        let header = ManifestHeader(role: .baseline, root: "<style>*{display:none}</style>",
                                    fileSystemId: "fs-<i>", startedAtNs: 0, tool: "x\"><script>")
        let run = ReportPage.RunSection(
            verdict: ReportPage.Verdict(title: "<FAIL>", tone: .fail, reason: "why <script>",
                                        facts: [ReportPage.Fact("Run", "<!--/ebv:run-->")]),
            timeline: [ReportPage.TimelineEvent("<t>", atNs: 0, note: "'\"")],
            resources: [ReportPage.Resource(kind: "<k>", id: "<id>", status: "<s>")])
        let page = ReportPage(run: run, report: report, inputs: [ReportPage.Input(source: "<src>", header: header, trailer: nil)],
                              findingsLocation: "<loc>", generatedAtNs: 0)
        let html = String(decoding: page.html(), as: UTF8.self)
        XCTAssertEqual(tags(html).subtracting(Self.allowedTags), [])
        XCTAssertEqual(html.components(separatedBy: ReportPage.runStartMarker).count, 2)
        XCTAssertEqual(html.components(separatedBy: ReportPage.runEndMarker).count, 2)
        XCTAssertTrue(html.contains("a/&lt;script&gt;alert(1)&lt;/script&gt;"))
        XCTAssertTrue(html.contains("&quot;\\&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&quot;"))
        XCTAssertTrue(html.contains("&quot;rtl\\u{202E}txt.exe&quot;"))
        XCTAssertTrue(html.contains("&quot;line\\n&lt;!--/ebv:run--&gt;&quot;"))
        XCTAssertTrue(html.contains("&quot;f\\xff&lt;&quot;"))
        XCTAssertTrue(html.contains("it&#39;s &amp; \\x1b[2J"))
        XCTAssertTrue(html.contains("absent &lt;b&gt;bold&lt;/b&gt; \\u{2066}x"))
        XCTAssertTrue(html.contains("<h1>&lt;FAIL&gt;</h1>"))
        // No bidi control, C0 control (other than the renderer's newlines) or invalid UTF-8 survives.
        XCTAssertFalse(html.unicodeScalars.contains { HumanText.isEscapedScalar($0.value) })
        XCTAssertFalse(html.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        XCTAssertFalse(html.contains("\u{FFFD}"))
    }

    func testHTMLTextEscapesTheFiveCharactersAfterTheVisibleForm() {
        XCTAssertEqual(HTMLText.line("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f")
        XCTAssertEqual(HTMLText.name(Array("<b>".utf8)), "&lt;b&gt;")
        XCTAssertEqual(HTMLText.name(Array("a\u{202E}b".utf8)), "&quot;a\\u{202E}b&quot;")
        XCTAssertEqual(HTMLText.line("é 日本"), "é 日本")
    }

    func testAMillionFindingsKeepThePageSmall() throws {
        let total = 1_000_000
        var report = DiffReport(findingsPerClass: 100, isThreeWay: false, windowStartNs: 0, startedAtNs: 0)
        var tally = DiffTally()
        let verdicts: [VerdictClass] = [.missing, .corrupt, .extra, .metadata]
        for i in 0..<total {
            let verdict = verdicts[i % verdicts.count]
            try tally.add(verdict)
            report.add(Finding(path: Array("dir/\(i)-<x>".utf8), verdict: verdict, severity: report.policy[verdict],
                               type: .file, detail: "absent from restored"))
        }
        report.finish(tally: tally, restoredRoot: nil, finishedAtNs: 0)
        let html = String(decoding: ReportPage(report: report, inputs: [], findingsLocation: "findings.ndjson.gz",
                                               generatedAtNs: 0).html(), as: UTF8.self)
        XCTAssertLessThan(html.utf8.count, 128 * 1024)
        XCTAssertEqual(html.components(separatedBy: "<tr><td class=\"mono\">dir/").count - 1, 400)
        XCTAssertEqual(html.components(separatedBy: "249900 more not shown (at most 100 per class); the full list is in <code>findings.ndjson.gz</code>.").count - 1, 4)
        // Errors first: missing, extra, corrupt (declaration order), then metadata (warning).
        let order = ["findings-missing", "findings-extra", "findings-corrupt", "findings-metadata"]
            .map { html.range(of: $0)!.lowerBound }
        XCTAssertEqual(order, order.sorted())
    }

    func testRunSectionIsReplacedInPlace() throws {
        let page = ReportPage(report: try smallReport(), inputs: inputs(), findingsLocation: "f", generatedAtNs: Self.t0).html()
        let replaced = try XCTUnwrap(ReportPage.replacingRunSection(in: page, with: runSection()))
        let full = ReportPage(run: runSection(), report: try smallReport(), inputs: inputs(), findingsLocation: "f",
                              generatedAtNs: Self.t0).html()
        XCTAssertEqual(String(decoding: replaced, as: UTF8.self), String(decoding: full, as: UTF8.self))
        XCTAssertNil(ReportPage.replacingRunSection(in: Array("<html></html>".utf8), with: runSection()))
    }

    func testBarsAndDurationsNeverTrap() {
        XCTAssertTrue(ReportPage.bar(UInt64.max, of: UInt64.max, severity: .error).contains("<rect width=\"200\" height=\"12\" fill=\"#c62828\"/>"))
        XCTAssertTrue(ReportPage.bar(1, of: UInt64.max, severity: .ok).contains("<rect width=\"1\" height=\"12\" fill=\"#2e7d32\"/>"))
        XCTAssertTrue(ReportPage.bar(0, of: 0, severity: .ok).contains("<rect width=\"0\" height=\"12\" fill=\"#2e7d32\"/>"))
        XCTAssertEqual(ReportPage.duration(ms: 850), "850 ms")
        XCTAssertEqual(ReportPage.duration(ms: 3_723_000), "1 h 2 min 3 s")
        XCTAssertEqual(ReportPage.duration(ms: 90_061_000), "1 d 1 h 1 min 1 s")
        XCTAssertEqual(ReportPage.duration(ms: -60_000), "-1 min")
        XCTAssertEqual(ReportPage.duration(ms: Int64.min), "-106751991167 d 7 h 12 min 55 s")
        XCTAssertNil(ReportPage.duration(fromNs: Int64.min, toNs: Int64.max))
        XCTAssertEqual(ReportPage.duration(fromNs: 0, toNs: 2_000_000_000), "2 s")
    }
}
