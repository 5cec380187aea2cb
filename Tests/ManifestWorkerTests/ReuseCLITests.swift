import Foundation
import ManifestKit
import XCTest

/// `generate --reuse-from MANIFEST [--rehash-sample F] [--sample-seed S]`: exact
/// output, the manifest's entries and trailer, the diff of a mismatch, and every
/// bad input (exit 2 before anything is walked or written).
final class ReuseCLITests: XCTestCase {
    private func entryLines(_ path: String) throws -> [String] {
        Array(try gunzipText(FileSource(path: path)).split(separator: "\n").dropFirst().dropLast().map(String.init))
    }

    private func trailerLine(_ path: String) throws -> String {
        String(try gunzipText(FileSource(path: path)).split(separator: "\n").last ?? "")
    }

    private func summary(_ dir: TestDirectory, _ file: String, reuse: String) -> String {
        "wrote \(dir.at(file)): 4 entries (2 files, 1 dirs, 1 symlinks, 0 others), 12 bytes, 0 errors, 0 unstable, \(reuse)\n"
    }

    func testAnUnchangedTreeGivesTheSameEntriesWithoutReading() throws {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        XCTAssertEqual(try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("full.gz")]).status, 0)
        let reused = try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("reused.gz"), "--reuse-from", dir.at("full.gz"),
                                        "--rehash-sample", "0", "--sample-seed", "5"])
        XCTAssertEqual(reused, CLIResult(status: 0, stdout: Data(summary(dir, "reused.gz", reuse: "2 reused, 0 sampled, 0 reuse mismatches").utf8),
                                         stderr: ""))
        XCTAssertEqual(try entryLines(dir.at("reused.gz")), try entryLines(dir.at("full.gz")))
        XCTAssertTrue(try trailerLine(dir.at("reused.gz")).hasSuffix(#","reuse":{"reused":2,"sampled":0,"mismatches":0,"seed":5}}}"#))
        XCTAssertFalse(try trailerLine(dir.at("full.gz")).contains("reuse"))
        // Every file read (F = 1), from the variables, with --json.
        let all = try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("all.gz"), "--json"],
                                    environment: ["EBV_REUSE_FROM": dir.at("full.gz"), "EBV_REHASH_SAMPLE": "1", "EBV_SAMPLE_SEED": "9"])
        XCTAssertEqual(all.status, 0, "\(all)")
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: all.stdout) as? [String: Any])
        XCTAssertEqual(json["reused"] as? Int, 0)
        XCTAssertEqual(json["sampled"] as? Int, 2)
        XCTAssertEqual(json["reuseMismatches"] as? Int, 0)
        XCTAssertEqual(json["sampleSeed"] as? Int, 9)
        XCTAssertEqual(try entryLines(dir.at("all.gz")), try entryLines(dir.at("full.gz")))
    }

    func testAChangedFileIsReadAndItsDigestIsFresh() throws {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        XCTAssertEqual(try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("full.gz")]).status, 0)
        dir.write("t/y", "WORLD\n", mode: 0o600)  // same size, new mtime and ctime
        let reused = try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("reused.gz"), "--reuse-from", dir.at("full.gz"),
                                        "--rehash-sample", "0"])
        XCTAssertEqual(reused.out, summary(dir, "reused.gz", reuse: "1 reused, 0 sampled, 0 reuse mismatches"))
        XCTAssertEqual(try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("now.gz")]).status, 0)
        XCTAssertEqual(try entryLines(dir.at("reused.gz")), try entryLines(dir.at("now.gz")))
    }

    /// The reuse manifest says `docs/a.txt` held other content, its metadata unchanged:
    /// what a file changed behind the back of its mtime and ctime looks like.
    private func tamperedBaseline(_ dir: TestDirectory) throws {
        XCTAssertEqual(try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("full.gz"), "--role", "baseline"]).status, 0)
        let reader = try ManifestReader(path: dir.at("full.gz"))
        let writer = try ManifestWriter(header: reader.header, sink: try FileSink(path: dir.at("base.gz")))
        while var entry = try reader.next() {
            if entry.displayPath == "docs/a.txt" { entry.sha256 = SHA256.hex(Array("HELLO\n".utf8)) }
            try writer.append(entry)
        }
        try writer.finish(completedAtNs: reader.header.startedAtNs)
    }

    func testASampledMismatchIsMarkedCountedAndItsOwnClassInTheDiff() throws {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        try tamperedBaseline(dir)
        let post = try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("post.gz"), "--role", "post",
                                      "--reuse-from", dir.at("base.gz"), "--rehash-sample", "1", "--sample-seed", "3"])
        XCTAssertEqual(post.out, summary(dir, "post.gz", reuse: "0 reused, 2 sampled, 1 reuse mismatches"))
        let lines = try entryLines(dir.at("post.gz"))
        XCTAssertTrue(lines[1].hasSuffix(#","sha256":"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03","reuseMismatch":true}"#), lines[1])
        XCTAssertFalse(lines[3].contains("reuseMismatch"))
        XCTAssertTrue(try trailerLine(dir.at("post.gz")).contains(#""reuse":{"reused":0,"sampled":2,"mismatches":1,"#))
        let shown = try CLIRunner.run(["show", dir.at("post.gz")])
        XCTAssertEqual(shown.status, 0, "\(shown)")
        let showLines = shown.out.split(separator: "\n").map(String.init)
        XCTAssertTrue(showLines[2].hasSuffix("  5891b5b522d5df08  docs/a.txt  [reuse mismatch]"), showLines[2])
        XCTAssertEqual(showLines[5], "# 4 entries: 2 files, 1 dirs, 1 symlinks, 0 others, 12 bytes, 0 errors, 0 unstable, 0 reused, 2 sampled, 1 reuse mismatches (seed 3)")
        // Not sampled: the tampered digest is taken, as the metadata said "unchanged".
        let blind = try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("blind.gz"), "--reuse-from", dir.at("base.gz"),
                                       "--rehash-sample", "0"])
        XCTAssertEqual(blind.out, summary(dir, "blind.gz", reuse: "2 reused, 0 sampled, 0 reuse mismatches"))

        XCTAssertEqual(try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("restored.gz"), "--role", "restored"]).status, 0)
        let diff = try CLIRunner.run(["diff", dir.at("base.gz"), "--post", dir.at("post.gz"), dir.at("restored.gz")])
        XCTAssertEqual(diff, CLIResult(status: 1, stdout: Data("""
            FAIL: 1 error findings
            three-way diff of 4 paths: 1 files verified, 6 bytes (6 B)
            match 3 (ok)
            reuse-mismatch 1 (error)
            errors:
              reuse-mismatch docs/a.txt: post: content differs from its reuse manifest behind unchanged size, mtime, ctime and inode (read sha256 5891b5b5…)

            """.utf8), stderr: ""))
        let json = try CLIRunner.run(["diff", dir.at("base.gz"), "--post", dir.at("post.gz"), dir.at("restored.gz"), "--json"])
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])
        XCTAssertEqual((report["counts"] as? [String: Int])?["reuse-mismatch"], 1)
        XCTAssertEqual((report["policy"] as? [String: String])?["reuse-mismatch"], "error")
        let downgraded = try CLIRunner.run(["diff", dir.at("base.gz"), "--post", dir.at("post.gz"), dir.at("restored.gz"),
                                            "--severity", "reuse-mismatch=warning"])
        XCTAssertEqual(downgraded.status, 0, "\(downgraded)")
    }

    private func assertTrouble(_ arguments: [String], _ stderr: String, environment: [String: String] = [:],
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try CLIRunner.run(arguments, environment: environment)
        XCTAssertEqual(result, CLIResult(status: 2, stdout: Data(), stderr: stderr), file: file, line: line)
    }

    func testBadSampleSettings() throws {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        let base = ["generate", dir.at("t"), "-o", dir.at("m.gz")]
        for bad in ["2", "-0.5", "x", "nan", "inf", "1e400"] {
            try assertTrouble(base + ["--rehash-sample", bad],
                              "manifest-worker: --rehash-sample: must be a number from 0 to 1, the fraction of reused files read anyway (got \"\(bad)\")\n")
        }
        try assertTrouble(base, "manifest-worker: EBV_REHASH_SAMPLE: must be a number from 0 to 1, the fraction of reused files read anyway (got \"5%\")\n",
                          environment: ["EBV_REHASH_SAMPLE": "5%"])
        for bad in ["-1", "18446744073709551616", "0x10", "seed"] {
            try assertTrouble(base + ["--sample-seed", bad],
                              "manifest-worker: --sample-seed: must be an integer from 0 to 18446744073709551615 (got \"\(bad)\")\n")
        }
        try assertTrouble(base + ["--reuse-from", "-"],
                          "manifest-worker: --reuse-from: cannot be stdin: the reuse manifest is validated whole before the walk, then read again (give a file or s3://bucket/key)\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.at("m.gz")))
    }

    func testABadReuseManifestStopsBeforeTheWalk() throws {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        makeSampleTree(dir, under: "u")
        XCTAssertEqual(try CLIRunner.run(["generate", dir.at("u"), "-o", dir.at("other.gz")]).status, 0)
        XCTAssertEqual(try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("fs.gz"), "--file-system-id", "fs-1"]).status, 0)
        let out = ["generate", dir.at("t"), "-o", dir.at("out", ), "--reuse-from"]
        try assertTrouble(out + [dir.at("other.gz")],
                          "manifest-worker: \(dir.at("other.gz")): is a manifest of another tree (root \"\(dir.at("u"))\", file system (none)) than this walk's (root \"\(dir.at("t"))\", file system (none)); --reuse-from needs an earlier manifest of the same root and file system\n")
        try assertTrouble(out + [dir.at("fs.gz")],
                          "manifest-worker: \(dir.at("fs.gz")): is a manifest of another tree (root \"\(dir.at("t"))\", file system \"fs-1\") than this walk's (root \"\(dir.at("t"))\", file system (none)); --reuse-from needs an earlier manifest of the same root and file system\n")
        // Cut short: the gzip stream ends inside a member.
        let whole = try Data(contentsOf: URL(fileURLWithPath: dir.at("fs.gz")))
        try whole.prefix(whole.count - 12).write(to: URL(fileURLWithPath: dir.at("cut.gz")))
        let cut = try CLIRunner.run(out + [dir.at("cut.gz")])
        XCTAssertEqual(cut.status, 2)
        XCTAssertTrue(cut.stderr.hasPrefix("manifest-worker: \(dir.at("cut.gz")):"), cut.stderr)
        XCTAssertTrue(cut.stderr.hasSuffix(": truncated gzip stream (it ends inside a member)\n"), cut.stderr)
        try gzip("{\"manifest\":\"efs-backup-verifier/1\"}\n", to: dir.at("bad.gz"))
        try assertTrouble(out + [dir.at("bad.gz")], "manifest-worker: \(dir.at("bad.gz")):1: header is missing \"role\"\n")
        try assertTrouble(out + [dir.at("none.gz")], "manifest-worker: \(dir.at("none.gz")): ENOENT: No such file or directory\n",
                          environment: [:])
        try assertTrouble(["generate", dir.at("t"), "-o", dir.at("out")], "manifest-worker: \(dir.at("none.gz")): ENOENT: No such file or directory\n",
                          environment: ["EBV_REUSE_FROM": dir.at("none.gz")])
        // Nothing was written, not even a temporary file.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(),
                       ["bad.gz", "cut.gz", "fs.gz", "other.gz", "t", "u"])
    }
}
