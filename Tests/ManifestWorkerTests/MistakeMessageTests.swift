import Foundation
import XCTest

/// The usual mistakes get a message that says what to fix: exact stderr and exit status.
final class MistakeMessageTests: XCTestCase {
    private func tree() throws -> TestDirectory {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        let result = try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("t.gz"), "-q"])
        XCTAssertEqual(result.status, 0, result.description)
        return dir
    }

    private func assertError(_ arguments: [String], _ stderr: String, environment: [String: String] = [:],
                             file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try CLIRunner.run(arguments, environment: environment),
                       CLIResult(status: 2, stdout: Data(), stderr: stderr), file: file, line: line)
    }

    func testBadOutputsAreNamedWithTheirSource() throws {
        let dir = try tree()
        dir.mkdir("od")
        try assertError(["generate", dir.at("t"), "-o", dir.at("od")], "manifest-worker: \(dir.at("od")): EISDIR: Is a directory\n")
        try assertError(["generate", dir.at("t"), "-o", dir.at("nodir/x.gz")], "manifest-worker: \(dir.at("nodir/x.gz")): ENOENT: No such file or directory\n")
        try assertError(["generate", dir.at("t")], "manifest-worker: EBV_OUTPUT: \(dir.at("od")): EISDIR: Is a directory\n",
                        environment: ["EBV_OUTPUT": dir.at("od")])
        try assertError(["diff", dir.at("t.gz"), dir.at("t.gz")],
                        "manifest-worker: EBV_REPORT_DIR: \(dir.at("t.gz")): not a directory (the report directory holds report.json, findings.ndjson.gz, summary.txt)\n",
                        environment: ["EBV_REPORT_DIR": dir.at("t.gz")])
        try assertError(["diff", dir.at("t.gz"), dir.at("t.gz"), "--report-dir", dir.at("t.gz")],
                        "manifest-worker: \(dir.at("t.gz")): not a directory (the report directory holds report.json, findings.ndjson.gz, summary.txt)\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["od", "t", "t.gz"])
    }

    func testConcurrencyWithoutItsValue() throws {
        let dir = try tree()
        try assertError(["--concurrency", "generate", dir.at("t")],
                        "manifest-worker: --concurrency: needs a value (N) before the command\nTry 'manifest-worker --help'.\n")
        try assertError(["generate", "--concurrency", dir.at("t")],
                        "manifest-worker: --concurrency: must be an integer from 1 to 1024 (got \"\(dir.at("t"))\")\n")
    }

    func testShowOfPlainNDJSONSaysNotGzip() throws {
        let dir = try tree()
        dir.write("plain.ndjson", "{\"manifest\":\"efs-backup-verifier/1\"}\n")
        try assertError(["show", dir.at("plain.ndjson")],
                        "manifest-worker: \(dir.at("plain.ndjson")):1: not gzip-compressed (gzip it, or give the manifest as written: gzipped NDJSON)\n")
    }

    func testShowQuietAndSha256sumFormat() throws {
        let dir = try tree()
        XCTAssertEqual(try CLIRunner.run(["show", "--quiet", dir.at("t.gz")]), CLIResult(status: 0, stdout: Data(), stderr: ""))
        let sums = try CLIRunner.run(["show", "--format", "sha256sum", dir.at("t.gz")])
        XCTAssertEqual(sums, CLIResult(status: 0, stdout: Data("""
        5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  docs/a.txt
        e258d248fda94c63753607f7c4494ee0fcbe92f1a76bfdac795c9d84101eb317  y

        """.utf8), stderr: ""))
        // coreutils agrees, run in the root.
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        check.arguments = ["-c", "--quiet", "-"]
        check.currentDirectoryURL = URL(fileURLWithPath: dir.at("t"))
        let input = Pipe()
        check.standardInput = input
        try check.run()
        input.fileHandleForWriting.write(sums.stdout)
        try input.fileHandleForWriting.close()
        check.waitUntilExit()
        XCTAssertEqual(check.terminationStatus, 0)
        try assertError(["show", "--format", "md5", dir.at("t.gz")],
                        "manifest-worker: --format: must be text or sha256sum (got \"md5\")\nTry 'manifest-worker show --help'.\n")
    }

    func testSha256sumLineEscapesAsCoreutils() throws {
        let dir = try TestDirectory()
        dir.mkdir("t")
        dir.write("t/a\\b", "x")
        dir.write("t/c\nd", "x")
        XCTAssertEqual(try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("m.gz"), "-q"]).status, 0)
        let sums = try CLIRunner.run(["show", "--format", "sha256sum", dir.at("m.gz")])
        let digest = "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"
        XCTAssertEqual(sums.out, "\\\(digest)  a\\\\b\n\\\(digest)  c\\nd\n")
    }
}

/// `--json` means JSON on error too: one object per line on stderr.
final class ErrorJSONTests: XCTestCase {
    func testErrorsAreJSONWithJSON() throws {
        let dir = try TestDirectory()
        dir.mkdir("od")
        dir.mkdir("t")
        dir.write("plain.ndjson", "{}\n")
        let cases: [([String], String)] = [
            (["show", dir.at("missing.gz"), "--json"],
             #"{"level":"error","message":"ENOENT: No such file or directory","path":"\#(dir.at("missing.gz"))","errno":"ENOENT"}"#),
            (["diff", dir.at("a.gz"), "--json"],
             #"{"level":"error","message":"diff: missing <restored>","path":null,"errno":null,"help":"manifest-worker diff --help"}"#),
            (["generate", dir.at("t"), "-o", dir.at("od"), "--json"],
             #"{"level":"error","message":"EISDIR: Is a directory","path":"\#(dir.at("od"))","errno":"EISDIR"}"#),
            (["show", "--json", dir.at("plain.ndjson")],
             #"{"level":"error","message":"not gzip-compressed (gzip it, or give the manifest as written: gzipped NDJSON)","path":"\#(dir.at("plain.ndjson"))","errno":null,"line":1}"#),
            (["show", "--json", "--frob"],
             #"{"level":"error","message":"--frob: unknown option","path":null,"errno":null,"help":"manifest-worker show --help"}"#),
        ]
        for (arguments, line) in cases {
            XCTAssertEqual(try CLIRunner.run(arguments), CLIResult(status: 2, stdout: Data(), stderr: line + "\n"), "\(arguments)")
        }
    }
}
