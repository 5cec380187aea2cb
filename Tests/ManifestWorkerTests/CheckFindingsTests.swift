import Foundation
import XCTest

/// `check MANIFEST DIR`, `--findings`/`--list`, and the messages for a
/// manifest and a directory mixed up.
final class CheckFindingsTests: XCTestCase {
    /// `t` with its manifest `t.gz`; `bad`, a copy whose `y` has other bytes of
    /// the same size and mtime.
    private func fixture() throws -> TestDirectory {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        try copyTree(dir.at("t"), dir.at("bad"))
        dir.write("bad/y", "WORLD\n", mode: 0o600)
        dir.setMtime("bad/y", seconds: fixedTime)
        let result = try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("t.gz"), "-q"])
        XCTAssertEqual(result.status, 0, result.description)
        return dir
    }

    private var owner: String { "\(getuid()):\(getgid())" }

    func testCheckPassesAndFails() throws {
        let dir = try fixture()
        XCTAssertEqual(try CLIRunner.run(["check", dir.at("t.gz"), dir.at("t")]),
                       CLIResult(status: 0, stdout: Data(DiffVerifyTests.passSummary.utf8), stderr: ""))
        XCTAssertEqual(try CLIRunner.run(["check", dir.at("t.gz"), dir.at("bad")]),
                       CLIResult(status: 1, stdout: Data(DiffVerifyTests.corruptSummary.utf8), stderr: ""))
        // The manifest from stdin.
        XCTAssertEqual(try CLIRunner.run(["check", "-", dir.at("t"), "-q"], stdin: try dir.read("t.gz")),
                       CLIResult(status: 0, stdout: Data(), stderr: ""))
    }

    func testCheckTreatsAChangeSinceTheManifestAsCorrupt() throws {
        let dir = try fixture()
        dir.write("t/y", "other\n", mode: 0o600) // mtime now: after the manifest's start
        let result = try CLIRunner.run(["check", dir.at("t.gz"), dir.at("t"), "-q"])
        XCTAssertEqual(result, CLIResult(status: 1, stdout: Data(), stderr: ""))
        // Expected changes up to a window end: changed (info), exit 0.
        let later = try CLIRunner.run(["check", dir.at("t.gz"), dir.at("t"), "-q", "--window-end", "2100-01-01T00:00:00Z"])
        XCTAssertEqual(later, CLIResult(status: 0, stdout: Data(), stderr: ""))
    }

    func testFindingsListsEveryFindingInFull() throws {
        let dir = try fixture()
        let result = try CLIRunner.run(["check", dir.at("t.gz"), dir.at("bad"), "--findings"])
        let side = "file size 6 mode 0600 uid:gid \(owner) mtime 2026-01-02T03:04:05.000000000Z sha256"
        let line = "error corrupt y: sha256 differs: baseline e258d248… restored 5ece9717… (size and mtime unchanged)"
            + " | baseline \(side) e258d248fda94c63753607f7c4494ee0fcbe92f1a76bfdac795c9d84101eb317"
            + " | restored \(side) 5ece97172554920a9872271d89d6087ce5633c2e2c93d4b5fac0ac7d4a083ad2\n"
        XCTAssertEqual(result, CLIResult(status: 1, stdout: Data((line + DiffVerifyTests.corruptSummary).utf8), stderr: ""))
        // --list is the same flag; diff and verify take it too.
        XCTAssertEqual(try CLIRunner.run(["check", dir.at("t.gz"), dir.at("bad"), "--list"]), result)
        XCTAssertEqual(try CLIRunner.run(["verify", dir.at("t"), dir.at("bad"), "--findings"]), result)
    }

    func testFindingsWithJSONIsNDJSONOnly() throws {
        let dir = try fixture()
        let result = try CLIRunner.run(["check", dir.at("t.gz"), dir.at("bad"), "--findings", "--json"])
        XCTAssertEqual(result.status, 1, result.description)
        XCTAssertEqual(result.stderr, "")
        let lines = result.out.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 2, result.out)
        XCTAssertEqual(lines.last, "")
        let finding = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        XCTAssertEqual(finding["path"] as? String, "y")
        XCTAssertEqual(finding["class"] as? String, "corrupt")
        XCTAssertEqual(finding["severity"] as? String, "error")
        let baseline = try XCTUnwrap(finding["baseline"] as? [String: Any])
        let restored = try XCTUnwrap(finding["restored"] as? [String: Any])
        XCTAssertEqual(baseline["sha256"] as? String, "e258d248fda94c63753607f7c4494ee0fcbe92f1a76bfdac795c9d84101eb317")
        XCTAssertEqual(restored["sha256"] as? String, "5ece97172554920a9872271d89d6087ce5633c2e2c93d4b5fac0ac7d4a083ad2")
        XCTAssertEqual(restored["size"] as? Int, 6)
        XCTAssertEqual(restored["mode"] as? Int, 0o600)
        XCTAssertEqual(restored["mtimeNs"] as? Int, fixedTime * 1_000_000_000)
        XCTAssertEqual(restored["uid"] as? Int, Int(getuid()))
    }

    func testSummaryNamesWhereTheRestAre() throws {
        let dir = try TestDirectory()
        dir.mkdir("a")
        dir.mkdir("b")
        for i in 0..<7 { dir.write("a/f\(i)", "x") }
        let plain = try CLIRunner.run(["verify", dir.at("a"), dir.at("b")])
        XCTAssertEqual(plain.status, 1, plain.description)
        XCTAssertTrue(plain.out.hasSuffix("  … and 2 more (--findings lists every finding)\n"), plain.out)
        let listed = try CLIRunner.run(["verify", dir.at("a"), dir.at("b"), "--findings"])
        XCTAssertTrue(listed.out.hasSuffix("  … and 2 more listed above\n"), listed.out)
        XCTAssertEqual(listed.out.split(separator: "\n").filter { $0.hasPrefix("error missing f") }.count, 7, listed.out)
        let reported = try CLIRunner.run(["verify", dir.at("a"), dir.at("b"), "--report-dir", dir.at("r")])
        XCTAssertTrue(reported.out.hasSuffix("  … and 2 more in the findings file\n"), reported.out)
    }

    func testMixUpsSuggestTheRightCommand() throws {
        let dir = try fixture()
        let m = dir.at("t.gz"), t = dir.at("t"), bad = dir.at("bad")
        XCTAssertEqual(try CLIRunner.run(["verify", m, t]), CLIResult(status: 2, stdout: Data(), stderr:
            "manifest-worker: \(m): is not a directory (to check a directory against a manifest: manifest-worker check \(m) \(t))\n"))
        XCTAssertEqual(try CLIRunner.run(["diff", m, t]), CLIResult(status: 2, stdout: Data(), stderr:
            "manifest-worker: \(t): is a directory, not a manifest (to check a directory against a manifest: manifest-worker check \(m) \(t))\n"))
        XCTAssertEqual(try CLIRunner.run(["diff", t, bad]), CLIResult(status: 2, stdout: Data(), stderr:
            "manifest-worker: diff: \(t) and \(bad) are directories; diff compares manifests (to compare two directories: manifest-worker verify \(t) \(bad))\n"))
        XCTAssertEqual(try CLIRunner.run(["check", t, m]), CLIResult(status: 2, stdout: Data(), stderr:
            "manifest-worker: \(t): is a directory, not a manifest (check takes the manifest first, then the directory)\n"))
        XCTAssertEqual(try CLIRunner.run(["verify", t, t + "/", "-q"]), CLIResult(status: 0, stdout: Data(), stderr:
            "manifest-worker: note: \(t) and \(t)/ are the same directory: verify compares it with itself (give the original and its copy)\n"))
    }

    func testVerifyOfARestoreTreeSuggestsRestoredRootAuto() throws {
        let dir = try fixture()
        try copyTree(dir.at("t"), dir.at("r"))
        try FileManager.default.moveItem(atPath: dir.at("r"), toPath: dir.at("restore-tmp"))
        dir.mkdir("r")
        try FileManager.default.moveItem(atPath: dir.at("restore-tmp"), toPath: dir.at("r/aws-backup-restore_2026"))
        let result = try CLIRunner.run(["verify", dir.at("t"), dir.at("r"), "-q"])
        XCTAssertEqual(result, CLIResult(status: 1, stdout: Data(), stderr:
            "manifest-worker: note: \(dir.at("r")) holds aws-backup-restore_2026; to compare what it restored, add --restored-root auto\n"))
        XCTAssertEqual(try CLIRunner.run(["verify", dir.at("t"), dir.at("r"), "-q", "--restored-root", "auto"]),
                       CLIResult(status: 0, stdout: Data(), stderr: ""))
    }
}

/// `--color=auto|always|never` and `NO_COLOR`.
final class ColourTests: XCTestCase {
    func testSummaryColours() throws {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        try copyTree(dir.at("t"), dir.at("bad"))
        dir.write("bad/y", "WORLD\n", mode: 0o600)
        dir.setMtime("bad/y", seconds: fixedTime)
        let coloured = """
        \u{1B}[1;31mFAIL\u{1B}[0m: 1 error findings
        two-way diff of 4 paths: 1 files verified, 6 bytes (6 B)
        match 3 \u{1B}[32m(ok)\u{1B}[0m
        corrupt 1 \u{1B}[31m(error)\u{1B}[0m
        errors:
          corrupt y: sha256 differs: baseline e258d248… restored 5ece9717… (size and mtime unchanged)

        """
        let always = try CLIRunner.run(["verify", dir.at("t"), dir.at("bad"), "--color=always"], environment: ["NO_COLOR": "1"])
        XCTAssertEqual(always, CLIResult(status: 1, stdout: Data(coloured.utf8), stderr: ""))
        // Not a terminal (a pipe here): auto means none, as does never.
        for flag in ["--color=auto", "--color=never"] {
            XCTAssertEqual(try CLIRunner.run(["verify", dir.at("t"), dir.at("bad"), flag]),
                           CLIResult(status: 1, stdout: Data(DiffVerifyTests.corruptSummary.utf8), stderr: ""))
        }
        XCTAssertEqual(try CLIRunner.run(["verify", dir.at("t"), dir.at("bad"), "--color", "blue"]), CLIResult(status: 2, stdout: Data(), stderr:
            "manifest-worker: --color: must be auto, always or never (got \"blue\")\nTry 'manifest-worker --help'.\n"))
    }
}
