import Glibc
import Primitives
import XCTest
@testable import ManifestKit

/// Files that change, vanish or fail while the walk reads them: recorded on the
/// entry, and the walk goes on. Made deterministic with the test hooks (tests
/// run as root, where permission bits do not stop reads).
final class WalkErrorTests: XCTestCase {
    /// One worker and a window of one: every step happens in manifest order.
    private let sequential = WalkOptions(concurrency: 1, lookahead: 1)

    func testFileThatGrowsWhileHashedIsUnstable() throws {
        let t = try WalkTestTree()
        try t.write(b("a"), b("abc"))
        try t.write(b("grow"), b("abc"))
        try t.write(b("z"), b("abc"))
        var options = WalkOptions(concurrency: 4)
        let path = t.root + "/grow"
        options.testHooks.afterOpen = { p in
            guard p == b("grow") else { return }
            let fd = open(path, O_WRONLY | O_APPEND)
            _ = write(fd, "more", 4)
            close(fd)
        }
        let progress = WalkProgress()
        let entries = try t.walk(options, progress: progress)
        XCTAssertEqual(paths(entries), ["a", "grow", "z"])
        XCTAssertEqual(entries.map(\.unstable), [false, true, false])
        XCTAssertEqual(entries[1].size, 3)  // as stat'ed when the file was opened
        XCTAssertEqual(entries[1].sha256, SHA256.hex(b("abcmore")))  // of the bytes read
        XCTAssertNil(entries[1].error)
        XCTAssertEqual(progress.unstable, 1)
    }

    /// Read in 4 KiB reads, or mapped (one window): rewritten after the first chunk.
    func testFileRewrittenBetweenReadsIsUnstable() throws {
        let t = try WalkTestTree()
        let path = t.root + "/f"
        for map in [false, true] {
            try t.write(b("f"), Array(repeating: 1, count: 20_000))
            var past = [timespec(tv_sec: 1_000_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000_000, tv_nsec: 0)]
            XCTAssertEqual(utimensat(AT_FDCWD, path, &past, 0), 0)  // so the rewrite surely moves mtime
            var options = WalkOptions(concurrency: 2, readBufferSize: 4096, mapLargeFiles: map)
            options.testHooks.afterRead = { p, done in
                guard p == b("f"), done == (map ? 20_000 : 4096) else { return }
                let fd = open(path, O_WRONLY)
                _ = pwrite(fd, "x", 1, 10_000)  // same size, new mtime
                close(fd)
            }
            let entries = try t.walk(options)
            XCTAssertEqual(entries.map(\.unstable), [true], "mapped \(map)")
            XCTAssertEqual(entries[0].size, 20_000)
        }
    }

    func testFileWhoseModeChangesWhileHashedIsUnstable() throws {
        let t = try WalkTestTree()
        try t.write(b("f"), b("abc"))
        var options = WalkOptions(concurrency: 1)
        let path = t.root + "/f"
        options.testHooks.afterOpen = { _ in
            // Only ctime moves; again until the file system's clock has ticked past the
            // ctime the walker saw (a condition, not a guess at its granularity).
            var seen = stat(), now = stat()
            guard lstat(path, &seen) == 0 else { return XCTFail("lstat failed") }
            for _ in 0..<1_000_000 {
                chmod(path, 0o600)
                guard lstat(path, &now) == 0 else { return XCTFail("lstat failed") }
                if now.st_ctim.tv_sec != seen.st_ctim.tv_sec || now.st_ctim.tv_nsec != seen.st_ctim.tv_nsec { return }
            }
            XCTFail("ctime never moved")
        }
        let entries = try t.walk(options)
        XCTAssertEqual(entries.map(\.unstable), [true])
        XCTAssertEqual(entries[0].sha256, sha256OfAbc)
        XCTAssertEqual(entries[0].size, 3)
        XCTAssertEqual(entries[0].mode, 0o644)
    }

    func testFileRemovedBeforeItsStatIsAnENOENTEntry() throws {
        let t = try WalkTestTree()
        try t.write(b("a"), b("abc"))
        try t.write(b("b"), b("abc"))
        try t.write(b("c"), b("abc"))
        var options = sequential
        let victim = t.root + "/b"
        options.testHooks.afterStat = { p in
            if p == b("a") { unlink(victim) }
        }
        let progress = WalkProgress()
        let entries = try t.walk(options, progress: progress)
        XCTAssertEqual(entries, [
            try t.expected(b("a"), sha256: sha256OfAbc),
            ManifestEntry(path: b("b"), type: .file, nlink: 0, error: "ENOENT: No such file or directory"),
            try t.expected(b("c"), sha256: sha256OfAbc),
        ])
        XCTAssertEqual(progress.errors, 1)
    }

    func testFileRemovedBetweenStatAndOpenKeepsItsMetadata() throws {
        let t = try WalkTestTree()
        try t.write(b("gone"), b("abc"), mode: 0o640)
        try t.write(b("kept"), b("abc"))
        let expectedGone = try t.expected(b("gone"))
        var options = sequential
        let victim = t.root + "/gone"
        options.testHooks.afterStat = { p in
            if p == b("gone") { unlink(victim) }
        }
        let entries = try t.walk(options)
        var gone = expectedGone
        gone.error = "ENOENT: No such file or directory"
        XCTAssertEqual(entries, [gone, try t.expected(b("kept"), sha256: sha256OfAbc)])
        XCTAssertEqual(entries[0].mode, 0o640)
        XCTAssertEqual(entries[0].size, 3)
    }

    func testDirectoryRemovedBeforeItIsOpenedIsAnErrorEntry() throws {
        let t = try WalkTestTree()
        try t.mkdir(b("d"))
        try t.write(b("e"), b("abc"))
        let expectedDir = try t.expected(b("d"))
        var options = sequential
        let victim = t.root + "/d"
        options.testHooks.afterStat = { p in
            if p == b("d") { rmdir(victim) }
        }
        let entries = try t.walk(options)
        var dir = expectedDir
        dir.error = "ENOENT: No such file or directory"
        XCTAssertEqual(entries, [dir, try t.expected(b("e"), sha256: sha256OfAbc)])
    }

    func testInjectedFailuresBecomeErrorEntriesAndTheWalkGoesOn() throws {
        let t = try WalkTestTree()
        try t.mkdir(b("locked"))
        try t.write(b("locked/hidden"), b("abc"))
        try t.mkdir(b("noopen"))
        try t.write(b("noopen/hidden"), b("abc"))
        try t.write(b("secret"), b("abc"))
        try t.write(b("bad-disk"), Array(repeating: 0, count: 10_000))
        try t.symlink(b("link"), to: b("secret"))
        try t.write(b("zok"), b("abc"))
        var options = WalkOptions(concurrency: 4)
        options.testHooks.injectErrno = { step, path in
            switch (step, String(decoding: path, as: UTF8.self)) {
            case (.readDirectory, "locked"): return EACCES
            case (.openDirectory, "noopen"): return EACCES
            case (.open, "secret"): return EACCES
            case (.read, "bad-disk"): return EIO
            case (.readlink, "link"): return EINVAL
            default: return nil
            }
        }
        let entries = try t.walk(options)
        func failed(_ p: String, _ error: String) throws -> ManifestEntry {
            var e = try t.expected(b(p))
            e.error = error
            return e
        }
        XCTAssertEqual(entries, [
            try failed("bad-disk", "EIO: Input/output error"),
            try failed("link", "EINVAL: Invalid argument"),
            try failed("locked", "EACCES: Permission denied"),
            try failed("noopen", "EACCES: Permission denied"),
            try failed("secret", "EACCES: Permission denied"),
            try t.expected(b("zok"), sha256: sha256OfAbc),
        ])
    }

    func testUnstatableNameGetsTypeFromDirectoryEntry() throws {
        let t = try WalkTestTree()
        try t.mkdir(b("d"))
        try t.symlink(b("l"), to: b("x"))
        var options = WalkOptions(concurrency: 2)
        options.testHooks.injectErrno = { step, _ in step == .stat ? EIO : nil }
        let entries = try t.walk(options)
        XCTAssertEqual(entries, [
            ManifestEntry(path: b("d"), type: .dir, nlink: 0, error: "EIO: Input/output error"),
            ManifestEntry(path: b("l"), type: .symlink, nlink: 0, error: "EIO: Input/output error"),
        ])
    }
}
