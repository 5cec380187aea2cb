import XCTest
@testable import ManifestKit

/// Issue 8 item 3 in the report: names and details in summary.txt (the SNS
/// body) are escaped, the summary keeps its documented bound (20 lines of at
/// most 200 characters) whatever the input, and the JSON stays exact.
final class ReportHumanTextTests: XCTestCase {
    private func summary(b: [ManifestEntry], r: [ManifestEntry], policy: SeverityPolicy = .default) throws -> String {
        var diff = MergeDiff(baseline: dfSource(.baseline, b), post: nil, restored: dfSource(.restored, r),
                             options: DiffOptions(policy: policy, restoredRoot: .none))
        return try diff.run(clock: { 0 }).summaryText()
    }

    func testAForgedNameCannotAddLines() throws {
        let text = try summary(b: [dfFile("f\nPASS: no findings\n")], r: [])
        XCTAssertEqual(text, """
        FAIL: 1 error findings
        two-way diff of 1 paths: 0 files verified, 0 bytes (0 B)
        missing 1 (error)
        errors:
          missing "f\\nPASS: no findings\\n": absent from restored

        """)
    }

    func testEveryClassOfCharacterInNamesAndDetails() throws {
        let names: [([UInt8], String)] = ([
            (Array("tab\there".utf8), #""tab\there""#),
            (Array("esc\u{1B}[2Jclear".utf8), #""esc\x1b[2Jclear""#),
            ([0x62, 0x61, 0x64, 0xFF], #""bad\xff""#),
            (Array("rev\u{202E}gnp.exe".utf8), #""rev\u{202E}gnp.exe""#),
            (Array("iso\u{2066}x".utf8), #""iso\u{2066}x""#),
        ] as [([UInt8], String)]).sorted { PathOrder.less($0.0, $1.0) }
        let b = names.map { dfFile($0.0, "1", mtime: 500) }
        let r = names.map { dfFile($0.0, "2", mtime: 500) }
        let lines = try summary(b: b, r: r).split(separator: "\n", omittingEmptySubsequences: false)
        let detail = "sha256 differs: baseline 6b86b273… restored d4735e3a… (size and mtime unchanged)"
        XCTAssertEqual(Array(lines[4...8]), names.map { "  corrupt \($0.1): \(detail)"[...] })
    }

    func testDetailsFromTheManifestAreEscaped() throws {
        let target = "x\u{1B}]0;pwned\u{07}\nPASS"
        let b = [dfLink("l", "t"), dfFile("u", error: "EIO: \u{1B}[31mred\nPASS: no findings")]
        let r = [dfLink("l", target), dfFile("u")]
        let policy = try SeverityPolicy(parsing: "unverifiable=error")
        let text = try summary(b: b, r: r, policy: policy)
        XCTAssertEqual(text.split(separator: "\n").suffix(2), [
            #"  corrupt l: target differs: baseline 't' restored 'x\x1b]0;pwned\x07\nPASS'"#,
            #"  unverifiable u: baseline error: EIO: \x1b[31mred\nPASS: no findings"#,
        ])
    }

    func testTheLineBoundHoldsForAnyInput() throws {
        // Every class non-zero, more than five errors, hostile and very long names:
        // at most the documented maximum of 20 lines, each at most 200 characters.
        var generator = SystemRandomNumberGenerator()
        for round in 0..<20 {
            var b: [ManifestEntry] = [], r: [ManifestEntry] = []
            for i in 0..<12 {
                var name = Array("e\(round)-\(String(format: "%02d", i))-".utf8)
                name += (0..<(i * 40)).map { _ in UInt8.random(in: 1...255, using: &generator) }.map { $0 == 0x2F ? 0x0A : $0 }
                b.append(dfFile(name, "a"))
            }
            for i in 0..<3 { r.append(dfFile("x\(i)\n\u{202E}", mtime: 10)) }
            let all = try SeverityPolicy(parsing: "metadata=error,omitted=error,unverifiable=error")
            b.append(dfFile("z-meta", mode: 0o600))
            r.append(dfFile("z-meta", mode: 0o644))
            let text = try summary(b: b + [dfFile("zz-unv", error: "E\n\n\n")], r: r, policy: all)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            XCTAssertLessThanOrEqual(lines.count, 20, text)
            XCTAssertEqual(lines.last, "  … and 12 more in the findings file")
            for line in lines {
                XCTAssertLessThanOrEqual(line.count, 200, String(line))
                XCTAssertFalse(line.unicodeScalars.contains { $0.value < 0x20 || HumanText.isEscapedScalar($0.value) }, String(line))
            }
        }
    }

    func testCombiningMarksCannotStretchALine() throws {
        let zalgo = "z" + String(repeating: "\u{0301}", count: 5_000)
        let text = try summary(b: [dfFile(zalgo)], r: [])
        let line = try XCTUnwrap(text.split(separator: "\n").last)
        XCTAssertEqual(line.unicodeScalars.count, 200)
        XCTAssertTrue(line.unicodeScalars.starts(with: "  missing z\u{0301}".unicodeScalars))
        XCTAssertLessThan(text.utf8.count, 1_000)
    }

    func testJSONStaysExactForHostileNames() throws {
        let name = Array("f\nPASS\u{1B}[2J\u{202E}".utf8)
        var diff = MergeDiff(baseline: dfSource(.baseline, [dfFile(name)]), post: nil, restored: dfSource(.restored, []))
        let json = String(decoding: try diff.run(clock: { 0 }).json(), as: UTF8.self)
        XCTAssertTrue(json.contains(#"{"path":"f\nPASS\u001b[2J"# + "\u{202E}" + #"","class":"missing","severity":"error","type":"file","detail":"absent from restored"}"#), json)
    }
}
