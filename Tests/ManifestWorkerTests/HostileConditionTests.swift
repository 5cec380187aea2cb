import Foundation
import ManifestKit
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `manifest-worker` under hostile conditions: outputs that are not regular
/// files, a low open-file limit, missing manifests.
final class HostileConditionTests: XCTestCase {
    /// A character device 1,3 made by the test (never the real /dev/null).
    private func makeNullDevice(_ path: String) throws {
        let dev = dev_t((1 << 8) | 3)
        guard mknod(path, S_IFCHR | 0o666, dev) == 0 else {
            throw XCTSkip("mknod: \(SystemError.describe(errno)) (needs root)")
        }
    }

    private func fileType(_ dir: TestDirectory, _ relative: String) -> mode_t { dir.lstat(relative).st_mode & S_IFMT }

    func testGenerateIntoADeviceLeavesTheDevice() throws {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        try makeNullDevice(dir.at("null"))
        dir.symlink("via-link", to: "null")
        for output in ["null", "via-link"] {
            let result = try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at(output), "--quiet"])
            XCTAssertEqual(result, CLIResult(status: 0, stdout: Data(), stderr: ""))
            XCTAssertEqual(fileType(dir, "null"), S_IFCHR, "the device was replaced (\(output))")
            XCTAssertEqual(fileType(dir, "via-link"), S_IFLNK)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["null", "t", "via-link"])
        }
    }

    func testGenerateIntoAFIFOFeedsItsReader() throws {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        XCTAssertEqual(mkfifo(dir.at("pipe"), 0o644), 0)
        let received = LockedData()
        let path = dir.at("pipe")
        let reader = Thread {
            // Opening waits for the writer; reading ends when it closes.
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            var all = Data()
            var buffer = [UInt8](repeating: 0, count: 65536)
            while fd >= 0 {
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { break }
                all.append(contentsOf: buffer[0..<n])
            }
            if fd >= 0 { close(fd) }
            received.set(all)
        }
        reader.start()
        let result = try CLIRunner.run(["generate", dir.at("t"), "-o", path, "--quiet"])
        XCTAssertEqual(result, CLIResult(status: 0, stdout: Data(), stderr: ""))
        let manifest = try ManifestReader(source: MemorySource(Array(received.wait()), name: "pipe"))
        while try manifest.next() != nil {}
        XCTAssertEqual(manifest.trailer?.entries, 4)
        XCTAssertEqual(fileType(dir, "pipe"), S_IFIFO)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["pipe", "t"])
    }

    func testGenerateThroughASymlinkWritesItsTarget() throws {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        dir.mkdir("out")
        dir.write("out/real.gz", "old")
        dir.symlink("link.gz", to: "out/real.gz")
        let result = try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("link.gz"), "--quiet"])
        XCTAssertEqual(result.status, 0, result.description)
        XCTAssertEqual(fileType(dir, "link.gz"), S_IFLNK)
        let reader = try ManifestReader(path: dir.at("out/real.gz"))
        var count = 0
        while try reader.next() != nil { count += 1 }
        XCTAssertEqual(count, 4)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.at("out")), ["real.gz"])
    }

    func testGenerateToDevStdoutWritesStandardOutput() throws {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        let result = try CLIRunner.run(["generate", dir.at("t"), "-o", "/dev/stdout"])
        XCTAssertEqual(result.status, 0, result.description)
        XCTAssertEqual(result.stderr, "wrote stdout: 4 entries (2 files, 1 dirs, 1 symlinks, 0 others), 12 bytes, 0 errors, 0 unstable\n")
        let reader = try ManifestReader(source: MemorySource(Array(result.stdout), name: "stdout"))
        while try reader.next() != nil {}
        XCTAssertEqual(reader.trailer?.entries, 4)
        var st = stat()
        XCTAssertEqual(lstat("/dev/stdout", &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFLNK, "/dev/stdout is no longer a symlink")
    }

    func testReportFilesThatAreDevicesOrSymlinksAreNotReplaced() throws {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        XCTAssertEqual(try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("m.gz"), "--quiet"]).status, 0)
        dir.mkdir("report")
        dir.mkdir("kept")
        try makeNullDevice(dir.at("report/findings.ndjson.gz"))
        dir.symlink("report/summary.txt", to: "../kept/summary.txt")
        let result = try CLIRunner.run(["diff", dir.at("m.gz"), dir.at("m.gz"), "--report-dir", dir.at("report")])
        XCTAssertEqual(result.status, 0, result.description)
        XCTAssertEqual(fileType(dir, "report/findings.ndjson.gz"), S_IFCHR)
        XCTAssertEqual(fileType(dir, "report/summary.txt"), S_IFLNK)
        assertSummaryFile(String(decoding: try dir.read("kept/summary.txt"), as: UTF8.self), stdout: result.out,
                          walks: [("baseline", "4 entries, 2 files, 12 bytes, 0 errors"), ("restored", "4 entries, 2 files, 12 bytes, 0 errors")])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.at("report")).sorted(),
                       ["findings.ndjson.gz", "report.html", "report.json", "summary.txt"])
    }

    func testMissingManifestSaysENOENT() throws {
        let dir = try TestDirectory()
        let absent = dir.at("absent.gz")
        let expected = CLIResult(status: 2, stdout: Data(), stderr: "manifest-worker: \(absent): ENOENT: No such file or directory\n")
        XCTAssertEqual(try CLIRunner.run(["show", absent]), expected)
        XCTAssertEqual(try CLIRunner.run(["diff", absent, absent]), expected)
    }

    // MARK: Open-file limit

    /// 120 directories × 8 files, one level deeper too.
    private func makeWideTree(_ dir: TestDirectory) {
        for d in 0..<60 {
            dir.mkdir("w/d\(d)/sub")
            for f in 0..<8 {
                dir.write("w/d\(d)/f\(f)", "\(d) \(f)")
                dir.write("w/d\(d)/sub/g\(f)", String(repeating: "x", count: f * 100))
            }
        }
    }

    /// Runs the binary under `ulimit -n limit` (soft and hard).
    private func runLimited(_ limit: Int, _ arguments: [String]) throws -> CLIResult {
        try CLIRunner.run(["-c", "ulimit -n \(limit) && exec \"$0\" \"$@\"", CLIRunner.binary] + arguments,
                          executable: "/bin/sh")
    }

    private func entriesDigest(_ path: String) throws -> String? {
        let reader = try ManifestReader(path: path)
        while try reader.next() != nil {}
        return reader.trailer?.entriesSha256
    }

    func testLowOpenFileLimitGivesTheSameManifest() throws {
        let dir = try TestDirectory()
        makeWideTree(dir)
        XCTAssertEqual(try CLIRunner.run(["generate", dir.at("w"), "-o", dir.at("free.gz"), "--quiet"]).status, 0)
        let expected = try entriesDigest(dir.at("free.gz"))
        for limit in [32, 40, 64] {
            for concurrency in [1, 32, 256] {
                let out = dir.at("m-\(limit)-\(concurrency).gz")
                let result = try runLimited(limit, ["generate", dir.at("w"), "-o", out, "--concurrency", "\(concurrency)", "--quiet"])
                let label = "ulimit -n \(limit), --concurrency \(concurrency)"
                if result.status == 0 {
                    XCTAssertEqual(result.stderr, "", label)
                    XCTAssertEqual(try entriesDigest(out), expected, label)
                } else {
                    XCTAssertEqual(result.status, 2, "\(label): \(result)")
                    XCTAssertTrue(result.stderr.contains("EMFILE: Too many open files: the walk cannot go on"), "\(label): \(result)")
                    XCTAssertFalse(FileManager.default.fileExists(atPath: out), label)
                }
            }
        }
        let verified = try runLimited(32, ["verify", dir.at("w"), dir.at("w"), "--concurrency", "256"])
        XCTAssertEqual(verified.status, 0, verified.description)
        XCTAssertTrue(verified.out.hasPrefix("PASS: no findings\n"), verified.out)
    }

    func testLimitTooLowForAnyWalkExitsTwoNamingTheLimit() throws {
        let dir = try TestDirectory()
        makeWideTree(dir)
        let out = dir.at("m.gz")
        let result = try runLimited(6, ["generate", dir.at("w"), "-o", out])
        XCTAssertEqual(result.status, 2, result.description)
        XCTAssertTrue(result.stderr.hasPrefix("manifest-worker: "), result.stderr)
        XCTAssertTrue(result.stderr.contains("EMFILE: Too many open files"), result.stderr)
        XCTAssertTrue(result.stderr.contains("ulimit -n"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["w"])
    }
}
