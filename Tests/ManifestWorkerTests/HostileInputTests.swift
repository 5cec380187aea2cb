import Foundation
import ManifestKit
import Primitives
import XCTest

/// Hostile input through the binary: no trap on extreme numbers, escaped
/// names in every human output, unreadable directories are unknown, and the
/// two-way window closes at `--window-end`.
final class HostileInputTests: XCTestCase {
    private let header = ManifestHeader(role: .baseline, root: "/r", startedAtNs: 1_000_000_000_000_000_000, tool: "test")

    /// A manifest file holding exactly `entries`, with a trailer that states
    /// `bytes` (by hand: the writer refuses a total past 2^64 − 1).
    private func writeManifest(_ entries: [ManifestEntry], bytes: UInt64, to path: String) throws {
        var text: [UInt8] = ManifestCodec.headerLine(header)
        let digest = SHA256()
        var trailer = ManifestTrailer()
        for e in entries {
            var line: [UInt8] = []
            ManifestCodec.appendEntryLine(e, to: &line)
            digest.update(line)
            text += line
            trailer.entries += 1
            if e.type == .file { trailer.files += 1 } else { trailer.dirs += 1 }
        }
        trailer.bytes = bytes
        trailer.completedAtNs = header.startedAtNs + 1
        trailer.entriesSha256 = digest.finalizeHex()
        text += ManifestCodec.trailerLine(trailer)
        try gzip(String(decoding: text, as: UTF8.self), to: path)
    }

    private func file(_ path: String, size: UInt64 = 1, content: String = "x", mtimeNs: Int64 = 500_000_000_000_000_000) -> ManifestEntry {
        ManifestEntry(path: Array(path.utf8), type: .file, size: size, mode: 0o644, mtimeNs: mtimeNs, sha256: SHA256.hex(Array(content.utf8)))
    }

    // MARK: item 2

    func testSizesPastTheMaximumAreAClearErrorNotATrap() throws {
        let dir = try TestDirectory()
        try writeManifest([file("a", size: UInt64.max), file("b", size: 1)], bytes: UInt64.max, to: dir.at("big.gz"))
        let message = "manifest-worker: \(dir.at("big.gz")):3: \(ManifestTrailer.bytesOverflowReason)\n"
        XCTAssertEqual(try CLIRunner.run(["show", dir.at("big.gz")]), CLIResult(status: 2, stdout: Data(), stderr: message))
        let json = #"{"level":"error","message":"\#(ManifestTrailer.bytesOverflowReason)","path":"\#(dir.at("big.gz"))","errno":null,"line":3}"# + "\n"
        XCTAssertEqual(try CLIRunner.run(["show", "--json", dir.at("big.gz")]), CLIResult(status: 2, stdout: Data(), stderr: json))
        XCTAssertEqual(try CLIRunner.run(["diff", dir.at("big.gz"), dir.at("big.gz")]), CLIResult(status: 2, stdout: Data(), stderr: message))

        // The largest total a trailer can state is fine.
        try writeManifest([file("a", size: UInt64.max - 1), file("b", size: 1)], bytes: UInt64.max, to: dir.at("max.gz"))
        let shown = try CLIRunner.run(["show", dir.at("max.gz")])
        XCTAssertEqual(shown.status, 0, shown.description)
        XCTAssertTrue(shown.out.contains("# 2 entries: 2 files, 0 dirs, 0 symlinks, 0 others, 18446744073709551615 bytes,"), shown.out)
        let diffed = try CLIRunner.run(["diff", dir.at("max.gz"), dir.at("max.gz")])
        XCTAssertEqual(diffed.status, 0, diffed.description)
        XCTAssertTrue(diffed.out.contains("2 files verified, 18446744073709551615 bytes (15.9 EiB)"), diffed.out)
    }

    // MARK: item 3

    /// Names with every class of character, as real files.
    private let hostileNames: [([UInt8], String)] = [
        (Array("f\nPASS: no findings\n".utf8), #""f\nPASS: no findings\n""#),
        (Array("esc\u{1B}[2J".utf8), #""esc\x1b[2J""#),
        (Array("rev\u{202E}txt.exe".utf8), #""rev\u{202E}txt.exe""#),
        ([0x6C, 0x61, 0x74, 0xE9], #""lat\xe9""#),
        (Array("tab\t".utf8), #""tab\t""#),
    ]

    private func create(_ dir: TestDirectory, _ relative: String, _ name: [UInt8], content: String) {
        let path = Array(dir.at(relative).utf8) + [0x2F] + name
        let fd = open(path.map { CChar(bitPattern: $0) } + [0], O_CREAT | O_WRONLY | O_TRUNC, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        _ = content.withCString { write(fd, $0, strlen($0)) }
        // A fixed mtime on both sides: the detail reads "(size and mtime unchanged)"
        // however far apart the two files were written (timestamps are coarse ticks).
        var times = [timespec(tv_sec: fixedTime, tv_nsec: 0), timespec(tv_sec: fixedTime, tv_nsec: 0)]
        XCTAssertEqual(futimens(fd, &times), 0)
        close(fd)
    }

    func testNamesAreEscapedInShowDiffVerifyAndTheSummaryFile() throws {
        let dir = try TestDirectory()
        dir.mkdir("a")
        dir.mkdir("b")
        for (name, _) in hostileNames {
            create(dir, "a", name, content: "one")
            create(dir, "b", name, content: "two")
        }
        for side in ["a", "b"] {
            XCTAssertEqual(try CLIRunner.run(["generate", dir.at(side), "-o", dir.at("\(side).gz"), "-q"]).status, 0)
        }
        let ordered = hostileNames.sorted { PathOrder.less($0.0, $1.0) }

        let shown = try CLIRunner.run(["show", dir.at("a.gz")])
        XCTAssertEqual(shown.status, 0, shown.description)
        let lines = shown.out.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 1 + ordered.count + 2 + 1, shown.out)
        for (i, (_, escaped)) in ordered.enumerated() {
            XCTAssertTrue(lines[1 + i].hasSuffix("  \(escaped)"), String(lines[1 + i]))
        }

        let detailSuffix = "(size and mtime unchanged)"
        for result in [try CLIRunner.run(["diff", dir.at("a.gz"), dir.at("b.gz"), "--report-dir", dir.at("report")]),
                       try CLIRunner.run(["verify", dir.at("a"), dir.at("b")])] {
            XCTAssertEqual(result.status, 1, result.description)
            XCTAssertEqual(result.stderr, "")
            let out = result.out.split(separator: "\n", omittingEmptySubsequences: false)
            XCTAssertEqual(out.first, "FAIL: 5 error findings")
            XCTAssertEqual(out.count, 4 + ordered.count + 1, result.out)
            for (i, (_, escaped)) in ordered.enumerated() {
                let line = out[4 + i]
                XCTAssertTrue(line.hasPrefix("  corrupt \(escaped): sha256 differs:") && line.hasSuffix(detailSuffix), String(line))
            }
            XCTAssertFalse(result.out.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || $0.value == 0x202E }, result.out)
        }
        let summary = String(decoding: try dir.read("report/summary.txt"), as: UTF8.self)
        let counts = "5 entries, 5 files, 15 bytes, 0 errors"
        assertSummaryFile(summary, stdout: try CLIRunner.run(["diff", dir.at("a.gz"), dir.at("b.gz")]).out,
                          walks: [("baseline", counts), ("restored", counts)])
        // JSON keeps the raw name, JSON-escaped as before.
        let report = String(decoding: try dir.read("report/report.json"), as: UTF8.self)
        XCTAssertTrue(report.contains(#"{"path":"f\nPASS: no findings\n","class":"corrupt""#), report)
        XCTAssertTrue(report.contains(#"{"path":"esc\u001b[2J","class":"corrupt""#), report)
        XCTAssertTrue(report.contains(#"{"pathB64":"bGF06Q==","class":"corrupt""#), report)
    }

    func testErrorMessagesEscapeTheNamesTheyCarry() throws {
        let dir = try TestDirectory()
        let missing = dir.at("no\u{1B}[31mpe\n")
        let result = try CLIRunner.run(["show", missing])
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stdout, Data())
        XCTAssertFalse(result.stderr.dropLast().unicodeScalars.contains { $0.value < 0x20 }, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("manifest-worker: \"" + dir.path + #"/no\x1b[31mpe\n": "#), result.stderr)
        let bad = try CLIRunner.run(["diff", "a", "b", "--window-end", "2026\u{202E}"])
        XCTAssertEqual(bad.stderr, "manifest-worker: --window-end: must be an RFC 3339 time such as 2026-11-22T00:03:13Z (got \"2026\\u{202E}\")\n")
    }

    func testGenerateReportsAnUnreadableHostileNameEscaped() throws {
        guard getuid() == 0 else { throw XCTSkip("needs root to drop privileges with setpriv") }
        let dir = try TestDirectory()
        dir.mkdir("t")
        create(dir, "t", Array("s\u{1B}[2J\nPASS\u{202E}".utf8), content: "secret")
        chmod(dir.at("t/s\u{1B}[2J\nPASS\u{202E}"), 0o000)
        try FileManager.default.copyItem(atPath: CLIRunner.binary, toPath: dir.at("manifest-worker"))
        chmod(dir.at("manifest-worker"), 0o755)
        let result = try CLIRunner.run(
            ["--reuid=65534", "--regid=65534", "--clear-groups", dir.at("manifest-worker"), "generate", dir.at("t"), "-o", "-"],
            executable: "/usr/bin/setpriv")
        XCTAssertEqual(result.status, 0, result.description)
        XCTAssertEqual(result.stderr, #"manifest-worker: "s\x1b[2J\nPASS\u{202E}": EACCES: Permission denied"# + "\n"
                       + "wrote stdout: 1 entries (1 files, 0 dirs, 0 symlinks, 0 others), 6 bytes, 1 errors, 0 unstable\n")
    }

    // MARK: item 4

    func testVerifyOfAnUnreadableDirectoryReportsUnverifiableNotMissing() throws {
        guard getuid() == 0 else { throw XCTSkip("needs root to drop privileges with setpriv") }
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        try copyTree(dir.at("t"), dir.at("copy"))
        chmod(dir.at("copy/docs"), 0o000)
        defer { chmod(dir.at("copy/docs"), 0o755) }
        try FileManager.default.copyItem(atPath: CLIRunner.binary, toPath: dir.at("manifest-worker"))
        chmod(dir.at("manifest-worker"), 0o755)
        let result = try CLIRunner.run(
            ["--reuid=65534", "--regid=65534", "--clear-groups", dir.at("manifest-worker"), "verify", dir.at("t"), dir.at("copy")],
            executable: "/usr/bin/setpriv")
        // y is mode 0600, owned by root: unreadable on both sides, so unverifiable too.
        XCTAssertEqual(result, CLIResult(status: 0, stdout: Data("""
            PASS: 4 warning findings
            two-way diff of 4 paths: 0 files verified, 0 bytes (0 B)
            unverifiable 4 (warning)

            """.utf8), stderr: ""))
        let json = try CLIRunner.run(
            ["--reuid=65534", "--regid=65534", "--clear-groups", dir.at("manifest-worker"), "verify", dir.at("t"), dir.at("copy"), "--json"],
            executable: "/usr/bin/setpriv")
        let report = json.out
        XCTAssertTrue(report.contains(#"{"path":"docs/a.txt","class":"unverifiable","severity":"warning","type":"file","detail":"restored could not read ancestor 'docs': EACCES: Permission denied"}"#), report)
        XCTAssertFalse(report.contains("\"class\":\"missing\""), report)
    }

    // MARK: item 5

    func testWindowEndTurnsARestoreWithCurrentMtimesIntoAFailure() throws {
        let dir = try TestDirectory()
        // Baseline at 1e18 ns; the backup completed at 1e18 + 60 s; the restored
        // file has other content and an mtime a day later (written by the restore).
        try writeManifest([file("a", content: "x", mtimeNs: 999_000_000_000_000_000)], bytes: 1, to: dir.at("b.gz"))
        try writeManifest([file("a", content: "y", mtimeNs: 1_000_086_400_000_000_000)], bytes: 1, to: dir.at("r.gz"))
        let open = try CLIRunner.run(["diff", dir.at("b.gz"), dir.at("r.gz")])
        XCTAssertEqual(open.status, 0, "without an end the window explains it: \(open)")
        let end = "2001-09-09T01:47:40Z" // 1e18 ns + 60 s
        let closed = try CLIRunner.run(["diff", dir.at("b.gz"), dir.at("r.gz"), "--window-end", end])
        XCTAssertEqual(closed, CLIResult(status: 1, stdout: Data("""
            FAIL: 1 error findings
            two-way diff of 1 paths: 0 files verified, 0 bytes (0 B)
            corrupt 1 (error)
            errors:
              corrupt a: sha256 differs: baseline 2d711642… restored a1fce436… (restored mtime after the window end)

            """.utf8), stderr: ""))
        XCTAssertEqual(try CLIRunner.run(["diff", dir.at("b.gz"), dir.at("r.gz")], environment: ["EBV_WINDOW_END": end]), closed)
        let json = try CLIRunner.run(["diff", dir.at("b.gz"), dir.at("r.gz"), "--json"], environment: ["EBV_WINDOW_END": end])
        XCTAssertTrue(json.out.contains("\n  \"windowStartNs\": 1000000000000000000,\n  \"windowEndNs\": 1000000060000000000,\n"), json.out)
        XCTAssertEqual(try CLIRunner.run(["diff", dir.at("b.gz"), dir.at("r.gz"), "--window-end", "yesterday"]),
                       CLIResult(status: 2, stdout: Data(), stderr: """
                           manifest-worker: --window-end: must be an RFC 3339 time such as 2026-11-22T00:03:13Z (got "yesterday")

                           """))
        XCTAssertEqual(try CLIRunner.run(["diff", dir.at("b.gz"), dir.at("r.gz")], environment: ["EBV_WINDOW_END": "1"]).stderr,
                       "manifest-worker: EBV_WINDOW_END: must be an RFC 3339 time such as 2026-11-22T00:03:13Z (got \"1\")\n")
        XCTAssertEqual(try CLIRunner.run(["verify", dir.path, dir.path, "--window-end", end]).status, 2, "diff only")
    }
}
