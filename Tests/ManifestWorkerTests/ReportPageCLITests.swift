import Foundation
import ManifestKit
import XCTest

/// `--report-dir` writes report.html beside report.json: the verdict, the
/// findings, and each input's header and trailer digest.
final class ReportPageCLITests: XCTestCase {
    private func trees() throws -> TestDirectory {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        try copyTree(dir.at("t"), dir.at("bad"))
        dir.write("bad/y", "WORLD\n", mode: 0o600)
        dir.mkdir("t/<script>alert(1)<")
        dir.write("t/<script>alert(1)</script>", "x")
        return dir
    }

    func testDiffWritesThePageWithInputsAndTrailerDigests() throws {
        let dir = try trees()
        for name in ["t", "bad"] {
            let result = try CLIRunner.run(["generate", dir.at(name), "-o", dir.at("\(name).gz"), "-q"])
            XCTAssertEqual(result.status, 0, result.description)
        }
        let result = try CLIRunner.run(["diff", dir.at("t.gz"), dir.at("bad.gz"), "-q", "--report-dir", dir.at("report")])
        XCTAssertEqual(result.status, 1, result.description)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.at("report")).sorted()
        XCTAssertEqual(names, ["findings.ndjson.gz", "report.html", "report.json", "summary.txt"])
        let html = String(decoding: try dir.read("report/report.html"), as: UTF8.self)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>\n"))
        XCTAssertTrue(html.contains("<section class=\"banner fail\" id=\"verdict\">\n<h1>FAIL</h1>\n<p class=\"reason\">3 error findings</p>"), html)
        XCTAssertTrue(html.contains("<tr><td class=\"mono\">&lt;script&gt;alert(1)&lt;/script&gt;</td><td>file</td><td>absent from restored</td></tr>"), html)
        XCTAssertFalse(html.contains("<script"))
        for name in ["t", "bad"] {
            let summary = try ManifestReader.validate(FileSource(path: dir.at("\(name).gz")))
            XCTAssertTrue(html.contains("<span class=\"mono\">\(summary.trailer.entriesSha256)</span>"), name)
            XCTAssertTrue(html.contains("<td class=\"mono\">\(dir.at("\(name).gz"))</td>"), name)
        }
    }

    func testVerifyWritesThePageForWalkedTrees() throws {
        let dir = try trees()
        let result = try CLIRunner.run(["verify", dir.at("t"), dir.at("bad"), "-q", "--report-dir", dir.at("report")])
        XCTAssertEqual(result.status, 1, result.description)
        let html = String(decoding: try dir.read("report/report.html"), as: UTF8.self)
        XCTAssertTrue(html.contains("<h1>FAIL</h1>"))
        XCTAssertEqual(html.components(separatedBy: "<td>walked, no manifest written</td>").count - 1, 2)
        XCTAssertTrue(html.contains("the full list is in") == false) // every finding fits
    }
}
