import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A temporary directory for one test, world-readable (so that a run under
/// `setpriv --reuid=65534` can read it), removed afterwards.
final class TestDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/manifest-worker-tests.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        path = String(cString: made)
        chmod(path, 0o755)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func at(_ relative: String) -> String { path + "/" + relative }

    func mkdir(_ relative: String) {
        try? FileManager.default.createDirectory(atPath: at(relative), withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o755])
    }

    func write(_ relative: String, _ text: String, mode: Int = 0o644) {
        _ = FileManager.default.createFile(atPath: at(relative), contents: Data(text.utf8), attributes: [.posixPermissions: mode])
        chmod(at(relative), mode_t(mode))
    }

    func symlink(_ relative: String, to target: String) {
        _ = Glibc.symlink(target, at(relative))
    }

    /// Sets mtime (and atime) without following symlinks.
    func setMtime(_ relative: String, seconds: Int) {
        var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
        _ = utimensat(AT_FDCWD, at(relative), &times, AT_SYMLINK_NOFOLLOW)
    }

    func lstat(_ relative: String) -> stat {
        var info = stat()
        _ = Glibc.lstat(at(relative), &info)
        return info
    }

    func read(_ relative: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: at(relative))) }
}

/// 2026-01-02T03:04:05Z.
let fixedTime = 1_767_323_045

/// A small tree with fixed contents, modes and times:
/// `docs/`, `docs/a.txt` ("hello\n"), `docs/l -> a.txt`, `y` ("world\n").
func makeSampleTree(_ dir: TestDirectory, under root: String) {
    dir.mkdir(root + "/docs")
    dir.write(root + "/docs/a.txt", "hello\n")
    dir.write(root + "/y", "world\n", mode: 0o600)
    dir.symlink(root + "/docs/l", to: "a.txt")
    for path in ["/docs/a.txt", "/docs/l", "/y", "/docs"] { dir.setMtime(root + path, seconds: fixedTime) }
}

/// Copies a tree with `cp -a` (modes, owners and times preserved).
func copyTree(_ from: String, _ to: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/cp")
    process.arguments = ["-a", from, to]
    try process.run()
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0)
}
