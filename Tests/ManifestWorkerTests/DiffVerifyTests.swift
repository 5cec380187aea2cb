import Foundation
import ManifestKit
import XCTest

/// `diff` of manifests and `verify` of directories: exit status and exact summaries.
final class DiffVerifyTests: XCTestCase {
    /// A tree `t`, an exact copy `same`, and `bad` whose `y` has other bytes of
    /// the same size and the same mtime; manifests of all three.
    private func fixture() throws -> TestDirectory {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        try copyTree(dir.at("t"), dir.at("same"))
        try copyTree(dir.at("t"), dir.at("bad"))
        dir.write("bad/y", "WORLD\n", mode: 0o600)
        dir.setMtime("bad/y", seconds: fixedTime)
        for name in ["t", "same", "bad"] {
            let result = try CLIRunner.run(["generate", dir.at(name), "-o", dir.at("\(name).gz"), "-q"])
            XCTAssertEqual(result.status, 0, result.description)
        }
        return dir
    }

    static let passSummary = """
    PASS: no findings
    two-way diff of 4 paths: 2 files verified, 12 bytes (12 B)
    match 4 (ok)

    """

    static let corruptSummary = """
    FAIL: 1 error findings
    two-way diff of 4 paths: 1 files verified, 6 bytes (6 B)
    match 3 (ok)
    corrupt 1 (error)
    errors:
      corrupt y: sha256 differs: baseline e258d248… restored 5ece9717… (size and mtime unchanged)

    """

    func testDiffIdenticalPasses() throws {
        let dir = try fixture()
        XCTAssertEqual(try CLIRunner.run(["diff", dir.at("t.gz"), dir.at("same.gz")]),
                       CLIResult(status: 0, stdout: Data(Self.passSummary.utf8), stderr: ""))
        XCTAssertEqual(try CLIRunner.run(["diff", dir.at("t.gz"), dir.at("same.gz"), "-q"]),
                       CLIResult(status: 0, stdout: Data(), stderr: ""))
    }

    func testDiffCorruptFileFails() throws {
        let dir = try fixture()
        XCTAssertEqual(try CLIRunner.run(["diff", dir.at("t.gz"), dir.at("bad.gz")]),
                       CLIResult(status: 1, stdout: Data(Self.corruptSummary.utf8), stderr: ""))
        // Severity overrides decide the exit status.
        let relaxed = try CLIRunner.run(["diff", dir.at("t.gz"), dir.at("bad.gz"), "--severity", "corrupt=warning"])
        XCTAssertEqual(relaxed.status, 0, relaxed.description)
        let relaxedByEnv = try CLIRunner.run(["diff", dir.at("t.gz"), dir.at("bad.gz"), "-q"], environment: ["EBV_SEVERITY": "corrupt=info"])
        XCTAssertEqual(relaxedByEnv, CLIResult(status: 0, stdout: Data(), stderr: ""))
    }

    func testDiffJSONAndReportDir() throws {
        let dir = try fixture()
        let result = try CLIRunner.run(["diff", dir.at("t.gz"), dir.at("bad.gz"), "--json", "--report-dir", dir.at("report")])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "")
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        XCTAssertEqual(report["passed"] as? Bool, false)
        XCTAssertEqual(report["mode"] as? String, "two-way")
        let counts = try XCTUnwrap(report["counts"] as? [String: Int])
        XCTAssertEqual(counts["match"], 3)
        XCTAssertEqual(counts["corrupt"], 1)
        XCTAssertEqual(try dir.read("report/report.json"), result.stdout)
        assertSummaryFile(String(decoding: try dir.read("report/summary.txt"), as: UTF8.self), stdout: Self.corruptSummary,
                          walks: [("baseline", "4 entries, 2 files, 12 bytes, 0 errors"), ("restored", "4 entries, 2 files, 12 bytes, 0 errors")])
        // The findings file is gzipped NDJSON: one line for the one finding.
        let lines = try gunzipText(FileSource(path: dir.at("report/findings.ndjson.gz"))).split(separator: "\n")
        XCTAssertEqual(lines.count, 1)
        XCTAssertTrue(lines[0].hasPrefix("{\"path\":\"y\",\"class\":\"corrupt\",\"severity\":\"error\""), String(lines[0]))
    }

    func testDiffRejectsTruncatedAndTamperedManifests() throws {
        let dir = try fixture()
        let good = try dir.read("t.gz")
        try good.prefix(good.count - 12).write(to: URL(fileURLWithPath: dir.at("cut.gz")))
        XCTAssertEqual(try CLIRunner.run(["diff", dir.at("cut.gz"), dir.at("same.gz")]),
                       CLIResult(status: 2, stdout: Data(), stderr: "manifest-worker: \(dir.at("cut.gz")):6: truncated gzip stream (it ends inside a member)\n"))

        // Tampered: one entry's size changed, recompressed, trailer left as it was.
        let text = try gunzipText(good).replacingOccurrences(of: "\"size\":6,", with: "\"size\":7,")
        try gzip(text, to: dir.at("tampered.gz"))
        XCTAssertEqual(try CLIRunner.run(["diff", dir.at("same.gz"), dir.at("tampered.gz")]),
                       CLIResult(status: 2, stdout: Data(), stderr: "manifest-worker: \(dir.at("tampered.gz")):6: trailer mismatch: \"bytes\" is 12 but the entries count 14\n"))
    }

    func testVerifyEqualAndDifferentDirectories() throws {
        let dir = try fixture()
        XCTAssertEqual(try CLIRunner.run(["verify", dir.at("t"), dir.at("same")]),
                       CLIResult(status: 0, stdout: Data(Self.passSummary.utf8), stderr: ""))
        XCTAssertEqual(try CLIRunner.run(["verify", dir.at("t"), dir.at("bad"), "--concurrency", "1"]),
                       CLIResult(status: 1, stdout: Data(Self.corruptSummary.utf8), stderr: ""))
        let json = try CLIRunner.run(["verify", dir.at("t"), dir.at("bad"), "--json"])
        XCTAssertEqual(json.status, 1)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])
        XCTAssertEqual((report["counts"] as? [String: Int])?["corrupt"], 1)
        XCTAssertEqual(try CLIRunner.run(["verify", dir.at("t"), dir.at("absent")]),
                       CLIResult(status: 2, stdout: Data(), stderr: "manifest-worker: \(dir.at("absent")): ENOENT: No such file or directory\n"))
    }

    /// One tree is missing while the other is still being walked: the command
    /// must wind the running walk down before it exits (it used to crash now and
    /// then in the exit handlers while walker threads still ran).
    func testVerifyWithAMissingTreeExitsCleanlyEveryTime() throws {
        let dir = try fixture()
        for _ in 0..<20 {
            XCTAssertEqual(try CLIRunner.run(["verify", dir.at("t"), dir.at("absent")]),
                           CLIResult(status: 2, stdout: Data(), stderr: "manifest-worker: \(dir.at("absent")): ENOENT: No such file or directory\n"))
        }
    }
}
