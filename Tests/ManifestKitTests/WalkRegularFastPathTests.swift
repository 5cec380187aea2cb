import Glibc
import XCTest
@testable import ManifestKit

/// A name listed as a regular file (`d_type` `DT_REG`) is opened without a prior
/// `fstatat`; when it is something else by then, it is stat'ed and classified as
/// any other name. Each test replaces `b` while `a` is read, after `b` was listed.
final class WalkRegularFastPathTests: XCTestCase {
    /// One worker and a window of one: `b` is probed only after `a` was read.
    private func replacingB(_ t: WalkTestTree, with replace: @escaping @Sendable (String) -> Void) throws -> [ManifestEntry] {
        try t.write(b("a"), b("abc"))
        try t.write(b("b"), b("abc"))
        var options = WalkOptions(concurrency: 1, lookahead: 1)
        let victim = t.root + "/b"
        options.testHooks.afterRead = { p, _ in
            if p == b("a") { replace(victim) }
        }
        return try t.walk(options)
    }

    func testFileReplacedByFifoIsListedWithoutBlocking() throws {
        let t = try WalkTestTree()
        let entries = try replacingB(t) { victim in
            unlink(victim)
            _ = mkfifo(victim, 0o600)
        }
        XCTAssertEqual(entries, [try t.expected(b("a"), sha256: sha256OfAbc), try t.expected(b("b"))])
        XCTAssertEqual(entries.map(\.type), [.file, .fifo])
    }

    func testFileReplacedBySymlinkIsReadNotFollowed() throws {
        let t = try WalkTestTree()
        let entries = try replacingB(t) { victim in
            unlink(victim)
            _ = Glibc.symlink("a", victim)
        }
        XCTAssertEqual(entries, [
            try t.expected(b("a"), sha256: sha256OfAbc),
            try t.expected(b("b"), target: b("a")),
        ])
        XCTAssertEqual(entries.map(\.type), [.file, .symlink])
    }

    func testFileReplacedByDirectoryIsListed() throws {
        let t = try WalkTestTree()
        let entries = try replacingB(t) { victim in
            unlink(victim)
            _ = mkdir(victim, 0o755)
            let fd = creat(victim + "/c", 0o644)
            _ = write(fd, "abc", 3)
            close(fd)
        }
        XCTAssertEqual(entries, [
            try t.expected(b("a"), sha256: sha256OfAbc),
            try t.expected(b("b")),
            try t.expected(b("b/c"), sha256: sha256OfAbc),
        ])
        XCTAssertEqual(entries.map(\.type), [.file, .dir, .file])
    }

    func testFileRemovedBeforeItIsOpenedIsAnENOENTEntry() throws {
        let t = try WalkTestTree()
        let entries = try replacingB(t) { victim in unlink(victim) }
        XCTAssertEqual(entries, [
            try t.expected(b("a"), sha256: sha256OfAbc),
            ManifestEntry(path: b("b"), type: .file, nlink: 0, error: "ENOENT: No such file or directory"),
        ])
    }
}
