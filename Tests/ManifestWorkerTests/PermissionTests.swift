import Foundation
import ManifestKit
import XCTest

/// An unreadable file, with privileges really dropped: the tests run as root,
/// where mode 000 does not stop reads, so the binary runs under
/// `setpriv --reuid=65534 --regid=65534 --clear-groups`.
final class PermissionTests: XCTestCase {
    func testUnreadableFileBecomesAnErrorEntryAndTheWalkGoesOn() throws {
        guard getuid() == 0 else { throw XCTSkip("needs root to drop privileges with setpriv") }
        let dir = try TestDirectory()
        dir.mkdir("t/sub")
        dir.write("t/a.txt", "first\n")
        dir.write("t/m-secret", "nobody may read this\n", mode: 0o000)
        dir.write("t/sub/z.txt", "last\n")
        // The binary, copied where user 65534 can execute it.
        try FileManager.default.copyItem(atPath: CLIRunner.binary, toPath: dir.at("manifest-worker"))
        chmod(dir.at("manifest-worker"), 0o755)

        let result = try CLIRunner.run(
            ["--reuid=65534", "--regid=65534", "--clear-groups", dir.at("manifest-worker"), "generate", dir.at("t"), "-o", "-"],
            executable: "/usr/bin/setpriv")
        XCTAssertEqual(result.status, 0, result.description)
        XCTAssertEqual(result.stderr, """
            manifest-worker: m-secret: EACCES: Permission denied
            wrote stdout: 4 entries (3 files, 1 dirs, 0 symlinks, 0 others), 32 bytes, 1 errors, 0 unstable

            """)
        let reader = try ManifestReader(source: MemorySource(Array(result.stdout), name: "stdout"))
        var entries: [ManifestEntry] = []
        while let entry = try reader.next() { entries.append(entry) }
        XCTAssertEqual(entries.map(\.displayPath), ["a.txt", "m-secret", "sub", "sub/z.txt"])
        XCTAssertEqual(entries[1].error, "EACCES: Permission denied")
        XCTAssertNil(entries[1].sha256)
        XCTAssertNotNil(entries[0].sha256)
        XCTAssertEqual(entries[3].sha256, "761d1fb145ca8c7130231412276df60f34dd34554c4d174b973a45e3222475a9")
        XCTAssertEqual(reader.trailer?.errors, 1)
        // The line the manifest carries for it.
        let raw = try gunzipText(result.stdout)
        XCTAssertTrue(raw.contains("\"path\":\"m-secret\""), raw)
        XCTAssertTrue(raw.contains("\"error\":\"EACCES: Permission denied\""), raw)
    }
}
