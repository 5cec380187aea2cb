import Foundation
import ManifestKit
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Where a walk stops, and the output that must not be inside it: other file
/// systems are listed, not entered (and counted); an output inside the tree is
/// refused however it is named (bind-mount alias, symlink).
final class WalkBoundaryTests: XCTestCase {
    /// Runs `mount` (skips the test when this process may not mount).
    private func mount(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/mount")
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw XCTSkip("no /bin/mount") }
        process.waitUntilExit()
        if process.terminationStatus != 0 { throw XCTSkip("mount \(arguments.joined(separator: " ")) is not permitted here") }
    }

    private func unmount(_ path: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/umount")
        process.arguments = [path]
        try? process.run()
        process.waitUntilExit()
    }

    func testOutputThroughABindMountAliasOfTheTreeIsRefused() throws {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        dir.mkdir("alias")
        try mount(["--bind", dir.at("t"), dir.at("alias")])
        defer { unmount(dir.at("alias")) }
        for output in ["alias/m.gz", "alias/docs/m.gz"] {
            let result = try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at(output)])
            XCTAssertEqual(result, CLIResult(status: 2, stdout: Data(), stderr:
                "manifest-worker: \(dir.at(output)): is inside the tree being walked (\(dir.at("t"))); write the manifest elsewhere\n"))
        }
        // And the other way round: the alias walked, the output under the real path.
        let reverse = try CLIRunner.run(["generate", dir.at("alias"), "-o", dir.at("t/m.gz")])
        XCTAssertEqual(reverse.status, 2, reverse.description)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.at("t")).sorted(), ["docs", "y"])
    }

    func testOutputSymlinkPointingIntoTheTreeIsRefused() throws {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        dir.symlink("out.gz", to: "t/docs/m.gz")
        let result = try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("out.gz")])
        XCTAssertEqual(result, CLIResult(status: 2, stdout: Data(), stderr:
            "manifest-worker: \(dir.at("out.gz")): is inside the tree being walked (\(dir.at("t"))); write the manifest elsewhere\n"))
        // Beside the tree is fine.
        XCTAssertEqual(try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("t-m.gz"), "--quiet"]).status, 0)
    }

    func testMountPointsAreListedNotEnteredAndCounted() throws {
        let dir = try TestDirectory()
        makeSampleTree(dir, under: "t")
        dir.mkdir("t/mnt")
        dir.mkdir("t/mnt2")
        try mount(["-t", "tmpfs", "-o", "size=1m", "ebv-test", dir.at("t/mnt")])
        defer { unmount(dir.at("t/mnt")) }
        try mount(["-t", "tmpfs", "-o", "size=1m", "ebv-test", dir.at("t/mnt2")])
        defer { unmount(dir.at("t/mnt2")) }
        dir.write("t/mnt/hidden", "not walked")
        let result = try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("m.gz")])
        XCTAssertEqual(result, CLIResult(status: 0, stdout: Data(
            "wrote \(dir.at("m.gz")): 6 entries (2 files, 3 dirs, 1 symlinks, 0 others), 12 bytes, 0 errors, 0 unstable, 2 mount points not entered\n".utf8), stderr: ""))
        let reader = try ManifestReader(path: dir.at("m.gz"))
        var paths: [String] = []
        while let entry = try reader.next() { paths.append(entry.displayPath) }
        XCTAssertEqual(paths, ["docs", "docs/a.txt", "docs/l", "mnt", "mnt2", "y"])
        let json = try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("m.gz"), "--json"])
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])
        XCTAssertEqual(object["mountPointsNotEntered"] as? Int, 2)
    }
}
