import Foundation
import ManifestKit
import Primitives
import XCTest

/// `generate` to a file and to stdout, then `show`: exact output.
final class GenerateShowTests: XCTestCase {
    /// The `show` line of a directory, with the size and owner this file system reports.
    private func dirLine(_ dir: TestDirectory, _ relative: String, path: String) -> String {
        let info = dir.lstat(relative)
        let size = String(info.st_size)
        return "dir     " + String(repeating: " ", count: 12 - size.count) + size
            + "  0755 \(info.st_uid):\(info.st_gid)  2026-01-02T03:04:05Z  -                 \(path)"
    }

    func testGenerateToFileThenShow() throws {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        let generated = try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("m.ndjson.gz")])
        XCTAssertEqual(generated, CLIResult(
            status: 0,
            stdout: Data("wrote \(dir.at("m.ndjson.gz")): 4 entries (2 files, 1 dirs, 1 symlinks, 0 others), 12 bytes, 0 errors, 0 unstable\n".utf8),
            stderr: ""))

        let shown = try CLIRunner.run(["show", dir.at("m.ndjson.gz")])
        XCTAssertEqual(shown.status, 0)
        XCTAssertEqual(shown.stderr, "")
        let lines = shown.out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines.count, 8, shown.out)
        XCTAssertTrue(lines[0].hasPrefix("# manifest efs-backup-verifier/1  role local  started 20"), lines[0])
        XCTAssertTrue(lines[0].hasSuffix("Z  tool \(BuiltSource.identifier)  root \(dir.at("t"))"), lines[0])
        let uid = dir.lstat("t/y").st_uid, gid = dir.lstat("t/y").st_gid
        XCTAssertEqual(Array(lines[1...5]), [
            dirLine(dir, "t/docs", path: "docs"),
            "file               6  0644 \(uid):\(gid)  2026-01-02T03:04:05Z  5891b5b522d5df08  docs/a.txt",
            "symlink            5  0777 \(uid):\(gid)  2026-01-02T03:04:05Z  -                 docs/l -> a.txt",
            "file               6  0600 \(uid):\(gid)  2026-01-02T03:04:05Z  e258d248fda94c63  y",
            "# 4 entries: 2 files, 1 dirs, 1 symlinks, 0 others, 12 bytes, 0 errors, 0 unstable",
        ])
        let completed = try XCTUnwrap(try NSRegularExpression(pattern: "^# completed 20\\d\\d-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ  entriesSha256 [0-9a-f]{64}  valid$"))
        XCTAssertEqual(completed.numberOfMatches(in: lines[6], range: NSRange(lines[6].startIndex..., in: lines[6])), 1, lines[6])
        XCTAssertEqual(lines[7], "")
    }

    func testGenerateToStdoutAndShowFromStdin() throws {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        let generated = try CLIRunner.run(["generate", dir.at("t"), "-o", "-"])
        XCTAssertEqual(generated.status, 0)
        XCTAssertEqual(generated.stderr, "wrote stdout: 4 entries (2 files, 1 dirs, 1 symlinks, 0 others), 12 bytes, 0 errors, 0 unstable\n")
        XCTAssertEqual(Array(generated.stdout.prefix(2)), [0x1F, 0x8B], "gzip magic")

        // The same bytes read back through the library's validating reader.
        let reader = try ManifestReader(source: MemorySource(Array(generated.stdout), name: "stdout"))
        var paths: [String] = []
        while let entry = try reader.next() { paths.append(entry.displayPath) }
        XCTAssertEqual(paths, ["docs", "docs/a.txt", "docs/l", "y"])
        XCTAssertEqual(reader.trailer?.files, 2)

        let shown = try CLIRunner.run(["show", "-"], stdin: generated.stdout)
        XCTAssertEqual(shown.status, 0, shown.description)
        XCTAssertTrue(shown.out.contains("\nfile               6  0644 "), shown.out)
    }

    func testNonUTF8NameIsShownEscaped() throws {
        let dir = try TestDirectory()
        dir.mkdir("t")
        let raw: [CChar] = Array((dir.at("t") + "/caf").utf8CString.dropLast()) + [CChar(bitPattern: 0xE9), 0]
        let fd = open(raw, O_CREAT | O_WRONLY, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        close(fd)
        XCTAssertEqual(try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("m.gz"), "-q"]).status, 0)
        let shown = try CLIRunner.run(["show", dir.at("m.gz")])
        XCTAssertEqual(shown.status, 0, shown.description)
        let lines = shown.out.split(separator: "\n")
        XCTAssertEqual(lines.count, 4, shown.out)
        XCTAssertTrue(lines[1].hasPrefix("file               0  0644 "), String(lines[1]))
        XCTAssertTrue(lines[1].hasSuffix("  e3b0c44298fc1c14  \"caf\\xe9\""), String(lines[1]))
    }

    func testGenerateJSON() throws {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        let result = try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("m.gz"), "--json"])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.stderr, "")
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        XCTAssertEqual(object["output"] as? String, dir.at("m.gz"))
        XCTAssertEqual(object["entries"] as? Int, 4)
        XCTAssertEqual(object["files"] as? Int, 2)
        XCTAssertEqual(object["bytes"] as? Int, 12)
        XCTAssertEqual(object["errors"] as? Int, 0)
        XCTAssertEqual((object["entriesSha256"] as? String)?.count, 64)
        XCTAssertEqual(Set(object.keys), ["output", "entries", "files", "dirs", "symlinks", "others", "bytes", "errors", "unstable", "mountPointsNotEntered", "entriesSha256", "seconds"])
        XCTAssertEqual(object["mountPointsNotEntered"] as? Int, 0)

        let shown = try CLIRunner.run(["show", dir.at("m.gz"), "--json"])
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: shown.stdout) as? [String: Any])
        XCTAssertEqual(summary["file"] as? String, dir.at("m.gz"))
        XCTAssertEqual(summary["valid"] as? Bool, true)
        XCTAssertEqual((summary["header"] as? [String: Any])?["role"] as? String, "local")
        XCTAssertEqual((summary["trailer"] as? [String: Any])?["entriesSha256"] as? String, object["entriesSha256"] as? String)
        // The manifest's own field names, RFC 3339 with nanoseconds (as docs/cli.md says).
        let started = try XCTUnwrap((summary["header"] as? [String: Any])?["startedAt"] as? String)
        XCTAssertNotNil(Timestamp.parse(started), started)
        XCTAssertTrue(started.hasSuffix("Z") && started.count == 30, started)
        let completed = try XCTUnwrap((summary["trailer"] as? [String: Any])?["completedAt"] as? String)
        XCTAssertNotNil(Timestamp.parse(completed), completed)
        XCTAssertNil((summary["header"] as? [String: Any])?["startedAtNs"])
    }

    func testRestoredRootAutoWalksTheRestoreDirectory() throws {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "r/aws-backup-restore_2026-01-02T03-04-05")
        let result = try CLIRunner.run(["generate", dir.at("r"), "--restored-root", "auto", "--role", "restored", "-o", dir.at("m.gz"), "-q"])
        XCTAssertEqual(result, CLIResult(status: 0, stdout: Data(), stderr: ""))
        let shown = try CLIRunner.run(["show", dir.at("m.gz")])
        XCTAssertTrue(shown.out.contains("  root \(dir.at("r/aws-backup-restore_2026-01-02T03-04-05"))\n"), shown.out)
        XCTAssertTrue(shown.out.contains("  docs/a.txt\n"), shown.out)
    }

    func testInvalidManifestsAreRejected() throws {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        XCTAssertEqual(try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("m.gz"), "-q"]).status, 0)
        let good = try dir.read("m.gz")

        // Truncated: the first half of the gzip stream.
        try good.prefix(good.count / 2).write(to: URL(fileURLWithPath: dir.at("cut.gz")))
        let cut = try CLIRunner.run(["show", dir.at("cut.gz")])
        XCTAssertEqual(cut.status, 2)
        XCTAssertEqual(cut.out, "", "nothing is printed for an invalid file")
        XCTAssertTrue(cut.stderr.hasPrefix("manifest-worker: \(dir.at("cut.gz")):"), cut.stderr)
    }
}

/// The progress line appears only when stderr is a terminal (here a pty made
/// by `script`), and `--quiet` turns it off.
final class ProgressTests: XCTestCase {
    func testProgressLineOnATerminalOnly() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("needs script(1)") }
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        let command = "\(CLIRunner.binary) generate \(dir.at("t")) -o \(dir.at("m.gz"))"
        let result = try CLIRunner.run(["-qec", command, "/dev/null"], executable: "/usr/bin/script")
        XCTAssertEqual(result.status, 0, result.description)
        let text = result.out
        let line = try NSRegularExpression(pattern: "\r[0-9]+ files  [0-9]+ files/s  [0-9]+\\.[0-9] MB/s  0 errors\u{1B}\\[K")
        XCTAssertGreaterThanOrEqual(line.numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text)), 1, text.debugDescription)
        XCTAssertTrue(text.contains("\r\u{1B}[Kwrote \(dir.at("m.gz")): 4 entries"), text.debugDescription)

        let quiet = try CLIRunner.run(["-qec", command + " --quiet", "/dev/null"], executable: "/usr/bin/script")
        XCTAssertEqual(quiet.status, 0)
        XCTAssertEqual(quiet.out, "", quiet.out.debugDescription)
    }
}
