import Foundation
import XCTest

/// Progress records of the built binary (stderr is a pipe here, as on Fargate):
/// the final record, none with `--quiet` or an interval of 0, `--expect`, JSON lines.
final class ProgressCLITests: XCTestCase {
    private let records = ["EBV_PROGRESS_INTERVAL": "60"]

    private func assertMatches(_ text: String, _ pattern: String, file: StaticString = #filePath, line: UInt = #line) {
        let regex = try? NSRegularExpression(pattern: pattern)
        XCTAssertEqual(regex?.numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text)), 1, text, file: file, line: line)
    }

    private let rates = #"\d+\.\d files/s \(\d+\.\d overall\), \d+\.\d MB/s \(\d+\.\d overall\), \d+ descriptors"#

    func testGenerateWritesAFinalRecordWhenStderrIsNotATerminal() throws {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        let result = try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("m.gz")], environment: records)
        XCTAssertEqual(result.status, 0, result.description)
        XCTAssertEqual(result.out, "wrote \(dir.at("m.gz")): 4 entries (2 files, 1 dirs, 1 symlinks, 0 others), 12 bytes, 0 errors, 0 unstable\n")
        assertMatches(result.stderr, #"^manifest-worker: finished: \ds elapsed, 4 entries, 2 files, 12 bytes, 0 errors, 0 unstable, "#
                      + rates + #", at y\n$"#)
        // The default interval is 60 s: the same record without the variable.
        let byDefault = try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("m2.gz")], environment: ["EBV_PROGRESS_INTERVAL": ""])
        assertMatches(byDefault.stderr, #"^manifest-worker: finished: .*, at y\n$"#)
    }

    func testNoRecordsWithQuietOrAnIntervalOfZero() throws {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        for (arguments, environment) in [(["-q"], ["EBV_PROGRESS_INTERVAL": "1"]), (["--quiet", "--progress-interval", "1"], [:]),
                                         (["--progress-interval", "0"], records), ([], ["EBV_PROGRESS_INTERVAL": "0"])] {
            let result = try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("m.gz")] + arguments, environment: environment)
            XCTAssertEqual(result.status, 0, "\(arguments)")
            XCTAssertEqual(result.stderr, "", "\(arguments)")
        }
        makeSampleTree(dir, under: "u")
        let verified = try CLIRunner.run(["verify", dir.at("t"), dir.at("u"), "-q"], environment: records)
        XCTAssertEqual(verified.stderr, "")
    }

    func testExpectShowsPercentDoneAndETA() throws {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        XCTAssertEqual(try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("before.gz")]).status, 0)
        let result = try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("m.gz"), "--expect", dir.at("before.gz")], environment: records)
        assertMatches(result.stderr, #"^manifest-worker: finished: .*, at y, 100\.0% of entries, 100\.0% of bytes, ETA 0s\n$"#)
        makeSampleTree(dir, under: "u")
        let verified = try CLIRunner.run(["verify", dir.at("t"), dir.at("u"), "--expect", dir.at("before.gz")], environment: records)
        XCTAssertEqual(verified.status, 0, verified.description)
        // Two trees walked against one expectation: past it, 100 %.
        assertMatches(verified.stderr, #"^manifest-worker: finished: \ds elapsed, 8 entries, 4 files, 24 bytes, 0 errors, 0 unstable, "#
                      + rates + #", at y, 100\.0% of entries, 100\.0% of bytes, ETA 0s\n$"#)
    }

    func testDiffCountsTheRestoredManifest() throws {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        XCTAssertEqual(try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("a.gz")]).status, 0)
        let result = try CLIRunner.run(["diff", dir.at("a.gz"), dir.at("a.gz"), "--restored-root", "none"], environment: records)
        XCTAssertEqual(result.status, 0, result.description)
        assertMatches(result.stderr, #"^manifest-worker: finished: \ds elapsed, 4 entries, 2 files, 12 bytes, 0 errors, 0 unstable, "#
                      + rates + #", at y\n$"#)
        XCTAssertEqual(try CLIRunner.run(["diff", dir.at("a.gz"), dir.at("a.gz"), "-q"], environment: records).stderr, "")
        XCTAssertEqual(try CLIRunner.run(["diff", dir.at("a.gz"), dir.at("a.gz"), "--expect", dir.at("a.gz")]).stderr,
                       "manifest-worker: --expect: unknown option\nTry 'manifest-worker diff --help'.\n")
    }

    func testBadSettings() throws {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        let base = ["generate", dir.at("t"), "-o", dir.at("m.gz")]
        XCTAssertEqual(try CLIRunner.run(base + ["--progress-interval", "-1"]).stderr,
                       "manifest-worker: --progress-interval: must be a whole number of seconds from 0 to 31536000 (got \"-1\")\n")
        XCTAssertEqual(try CLIRunner.run(base, environment: ["EBV_PROGRESS_INTERVAL": "1.5"]).stderr,
                       "manifest-worker: EBV_PROGRESS_INTERVAL: must be a whole number of seconds from 0 to 31536000 (got \"1.5\")\n")
        XCTAssertEqual(try CLIRunner.run(base + ["--log-format", "xml"]).stderr, "manifest-worker: --log-format: must be text or json (got \"xml\")\n")
        let missing = try CLIRunner.run(base + ["--expect", dir.at("none.gz")], environment: records)
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.hasPrefix("manifest-worker: \(dir.at("none.gz")): "), missing.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.at("m.gz")))
    }

    /// Every stderr line one JSON object: the final record, the summary (the
    /// manifest goes to stdout) and an error.
    func testJSONLogFormat() throws {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        let result = try CLIRunner.run(["generate", dir.at("t"), "-o", "-", "--log-format", "json"], environment: records)
        XCTAssertEqual(result.status, 0, result.description)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2, result.stderr)
        let objects = try lines.map { try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(objects.first?["message"] as? String, "finished")
        XCTAssertEqual(objects.first?["level"] as? String, "info")
        XCTAssertEqual(objects.first?["entries"] as? Int, 4)
        XCTAssertEqual(objects.first?["bytes"] as? Int, 12)
        XCTAssertEqual(objects.first?["path"] as? String, "y")
        XCTAssertEqual(objects.first?["final"] as? Bool, true)
        XCTAssertEqual(objects.last?["message"] as? String,
                       "wrote stdout: 4 entries (2 files, 1 dirs, 1 symlinks, 0 others), 12 bytes, 0 errors, 0 unstable")
        for object in objects { assertMatches(object["timestamp"] as? String ?? "", #"^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#) }
        XCTAssertEqual(lines.last?.hasPrefix(#"{"level":"info","message":"wrote stdout: "#), true, result.stderr)

        let failed = try CLIRunner.run(["generate", dir.at("none"), "-o", dir.at("m.gz")], environment: ["EBV_LOG_FORMAT": "json"])
        XCTAssertEqual(failed.status, 2)
        assertMatches(failed.stderr, #"^\{"level":"error","message":"\#(NSRegularExpression.escapedPattern(for: dir.at("none"))): ENOENT: "#
                      + #"No such file or directory","timestamp":"[^"]+"\}\n$"#)
    }
}
