import Foundation
import Glibc
import Primitives
import XCTest
@testable import ManifestKit

/// Depth and path length without limit: no recursion, no absolute paths, and a
/// bounded number of open directory descriptors.
final class WalkDeepTreeTests: XCTestCase {
    /// Builds `levels` nested directories named `name` with `*at` calls and puts
    /// a file `leaf` holding "abc" at the bottom.
    private func makeChain(_ t: WalkTestTree, levels: Int, name: String) throws {
        var fd = open(t.root, O_RDONLY | O_DIRECTORY)
        XCTAssertGreaterThanOrEqual(fd, 0)
        for _ in 0..<levels {
            guard mkdirat(fd, name, 0o755) == 0 else { throw Errno(errno) }
            let next = openat(fd, name, O_RDONLY | O_DIRECTORY)
            guard next >= 0 else { throw Errno(errno) }
            close(fd)
            fd = next
        }
        let f = openat(fd, "leaf", O_WRONLY | O_CREAT, 0o644)
        guard f >= 0 else { throw Errno(errno) }
        XCTAssertEqual(write(f, "abc", 3), 3)
        close(f)
        close(fd)
    }

    func testTwoThousandLevelsDeep() throws {
        let t = try WalkTestTree()
        try makeChain(t, levels: 2000, name: "dir")
        let progress = WalkProgress()
        let entries = try t.walk(WalkOptions(concurrency: 8), progress: progress)

        XCTAssertEqual(entries.count, 2001)
        var path: [UInt8] = []
        for (i, e) in entries.prefix(2000).enumerated() {
            path += (i == 0 ? [] : [0x2F]) + b("dir")
            XCTAssertEqual(e.path, path)
            XCTAssertEqual(e.type, .dir)
            XCTAssertNil(e.error)
        }
        XCTAssertEqual(entries.last?.path, path + b("/leaf"))
        XCTAssertEqual(entries.last?.sha256, sha256OfAbc)
        XCTAssertGreaterThan(path.count, Int(PATH_MAX))  // 7,999 bytes
        XCTAssertEqual(progress.errors, 0)
    }

    func testPathLongerThanPathMaxWithLongNames() throws {
        let t = try WalkTestTree()
        let name = String(repeating: "n", count: 250)
        try makeChain(t, levels: 20, name: name)
        let entries = try t.walk(WalkOptions(concurrency: 4))
        XCTAssertEqual(entries.count, 21)
        XCTAssertEqual(entries.last?.path.count, 20 * 251 + 4)
        XCTAssertEqual(entries.last?.sha256, sha256OfAbc)
        XCTAssertTrue(entries.allSatisfy { $0.error == nil })
    }

    /// Many directories listed ahead with one descriptor cached: evicted
    /// directories are re-opened through their ancestors, and nothing changes.
    func testEvictedDirectoriesAreReopenedThroughAncestors() throws {
        let t = try WalkTestTree()
        var expected: [String: String] = [:]
        for d in 0..<12 {
            try t.mkdir(b("d\(d)"))
            try t.mkdir(b("d\(d)/a"))
            for f in 0..<15 {
                let content = b("\(d)-\(f)")
                try t.write(b(f < 10 ? "d\(d)/a/f\(f)" : "d\(d)/z\(f)"), content)
                expected[f < 10 ? "d\(d)/a/f\(f)" : "d\(d)/z\(f)"] = SHA256.hex(content)
            }
        }
        let reference = try t.walk(WalkOptions(concurrency: 1))
        for concurrency in [1, 3, 16] {
            let progress = WalkProgress()
            let entries = try t.walk(WalkOptions(concurrency: concurrency, lookahead: 100, maxOpenDirectories: 1),
                                     progress: progress)
            XCTAssertEqual(entries, reference, "concurrency \(concurrency)")
            XCTAssertGreaterThan(progress.reopenedDirectories, 0, "concurrency \(concurrency)")
        }
        XCTAssertEqual(reference.count, 12 * 17)
        XCTAssertEqual(reference.filter { $0.type == .file }.count, 12 * 15)
        for e in reference where e.type == .file {
            XCTAssertEqual(e.sha256, expected[e.displayPath], e.displayPath)
        }
    }

    /// A directory whose descriptor was evicted and which was then replaced is not
    /// re-entered under its name: its pending names get `ESTALE` errors.
    func testReopenRefusesAReplacedDirectory() throws {
        let t = try WalkTestTree()
        try t.mkdir(b("a"))
        try t.mkdir(b("a/sub"))
        try t.write(b("a/sub/s"), b("abc"))
        try t.write(b("a/z0"), b("x"))
        try t.write(b("a/z1"), b("y"))
        var options = WalkOptions(concurrency: 1, maxOpenDirectories: 1)
        let root = t.root
        // One worker goes a, a/sub, a/sub/s, a/z0, a/z1; listing a/sub evicts a.
        options.testHooks.afterStat = { path in
            guard path == b("a/sub/s") else { return }
            _ = rename(root + "/a", root + "/a-old")
            _ = mkdir(root + "/a", 0o755)
            _ = creat(root + "/a/z0", 0o644)
        }
        let progress = WalkProgress()
        let entries = try t.walk(options, progress: progress)
        XCTAssertEqual(paths(entries), ["a", "a/sub", "a/sub/s", "a/z0", "a/z1"])
        XCTAssertEqual(entries.map(\.error), [nil, nil, nil, "ESTALE: Stale file handle", "ESTALE: Stale file handle"])
        XCTAssertEqual(entries[2].sha256, sha256OfAbc)
        XCTAssertEqual(entries[3], ManifestEntry(path: b("a/z0"), type: .file, nlink: 0, error: "ESTALE: Stale file handle"))
        XCTAssertEqual(progress.reopenedDirectories, 2)
    }

    /// The same with several names per job: one failed re-open gives every name
    /// of its job `ESTALE` (jobs of 3, 2, 1, 1, 1, 1 names: six re-opens for nine names).
    func testReopenFailureCoversEveryNameOfTheJob() throws {
        let t = try WalkTestTree()
        try t.mkdir(b("a"))
        try t.mkdir(b("a/sub"))
        try t.write(b("a/sub/s"), b("abc"))
        let files = (0..<12).map { String(format: "z%02d", $0) }
        for f in files { try t.write(b("a/" + f), b(f)) }
        var options = WalkOptions(concurrency: 1, maxOpenDirectories: 1, namesPerJob: 8)
        let root = t.root
        // Jobs of a: [sub z00 z01 z02] (listing sub evicts a), then a/sub/s renames a.
        options.testHooks.afterStat = { path in
            guard path == b("a/sub/s") else { return }
            _ = rename(root + "/a", root + "/a-old")
            _ = mkdir(root + "/a", 0o755)
        }
        let progress = WalkProgress()
        let entries = try t.walk(options, progress: progress)
        XCTAssertEqual(paths(entries), ["a", "a/sub", "a/sub/s"] + files.map { "a/" + $0 })
        let stale = "ESTALE: Stale file handle"
        XCTAssertEqual(entries.map(\.error), Array(repeating: nil, count: 6) + Array(repeating: stale, count: 9))
        XCTAssertEqual(entries[5].sha256, SHA256.hex(b("z02")))
        XCTAssertEqual(entries[14], ManifestEntry(path: b("a/z11"), type: .file, nlink: 0, error: stale))
        XCTAssertEqual(progress.reopenedDirectories, 6)
    }

    /// With only 64 descriptors to spare, a 300-level tree whose every level has
    /// files after its subdirectory (so every ancestor still has names pending
    /// while the walk is deep down) is walked without a single EMFILE.
    func testLowDescriptorLimitIsRespected() throws {
        let t = try WalkTestTree()
        var fd = open(t.root, O_RDONLY | O_DIRECTORY)
        for _ in 0..<300 {
            for name in ["e0", "e1"] {
                let f = openat(fd, name, O_WRONLY | O_CREAT, 0o644)
                XCTAssertEqual(write(f, "abc", 3), 3)
                close(f)
            }
            XCTAssertEqual(mkdirat(fd, "d", 0o755), 0)
            let next = openat(fd, "d", O_RDONLY | O_DIRECTORY)
            close(fd)
            fd = next
        }
        close(fd)
        var saved = rlimit()
        XCTAssertEqual(getrlimit(Int32(RLIMIT_NOFILE.rawValue), &saved), 0)
        // 64 above the highest descriptor already open (other tests in this
        // process, e.g. the integration harness, may hold some).
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        let highest = open.compactMap { Int($0) }.max() ?? 2
        var low = saved
        low.rlim_cur = rlim_t(highest + 1 + 64)
        XCTAssertEqual(setrlimit(Int32(RLIMIT_NOFILE.rawValue), &low), 0)
        defer { _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &saved) }

        for concurrency in [1, 2, 8] {
            let progress = WalkProgress()
            let entries = try t.walk(WalkOptions(concurrency: concurrency), progress: progress)

            XCTAssertEqual(entries.count, 300 * 3)
            XCTAssertEqual(entries.filter { $0.error != nil }.count, 0)
            XCTAssertEqual(entries.filter { $0.type == .file && $0.sha256 == sha256OfAbc }.count, 600)
            XCTAssertLessThan(progress.reopenedDirectories, 100)
            // One thread always takes the earliest name, so it goes all the way
            // down first and must evict and re-open ancestors; re-opening one keeps
            // its nearest ancestors open too, so climbing back up 300 levels takes
            // far fewer than 300 re-opens. (More threads may finish each level's
            // files before going deeper, and then need none.)
            if concurrency == 1 { XCTAssertGreaterThan(progress.reopenedDirectories, 0) }
        }
    }
}
