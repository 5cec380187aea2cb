import Glibc
import Primitives
import XCTest
@testable import ManifestKit

/// The walker on small real trees whose every entry is known.
final class WalkTreeTests: XCTestCase {
    func testSmallTreeIsListedExactlyInManifestOrder() throws {
        let t = try WalkTestTree()
        try t.mkdir(b("a"))
        try t.write(b("a/b"), b("abc"), mode: 0o640)
        try t.write(b("a-c"), [], mode: 0o600)
        try t.mkdir(b("ab"))
        try t.mkdir(b("ab/empty"))
        try t.write(b("z"), Array(repeating: 0x61, count: 1_000_000), mode: 0o4755)

        let entries = try t.walk()

        XCTAssertEqual(paths(entries), ["a", "a/b", "a-c", "ab", "ab/empty", "z"])
        XCTAssertEqual(entries, [
            try t.expected(b("a")),
            try t.expected(b("a/b"), sha256: sha256OfAbc),
            try t.expected(b("a-c"), sha256: sha256OfEmpty),
            try t.expected(b("ab")),
            try t.expected(b("ab/empty")),
            try t.expected(b("z"), sha256: sha256OfMillionA),
        ])
        XCTAssertEqual(entries[1].mode, 0o640)
        XCTAssertEqual(entries[1].size, 3)
        XCTAssertEqual(entries[5].mode, 0o4755)
        XCTAssertEqual(entries[5].type, .file)
        XCTAssertEqual(entries[0].type, .dir)
    }

    func testMultiChunkReadsHashTheWholeFile() throws {
        let t = try WalkTestTree()
        try t.write(b("big"), Array(repeating: 0x61, count: 1_000_000))
        for (concurrency, buffer, map) in [(1, 4096, false), (3, 10_000, false), (2, 1 << 20, false), (1, 4096, true), (2, 1 << 20, true)] {
            let progress = WalkProgress()
            let options = WalkOptions(concurrency: concurrency, readBufferSize: buffer, mapLargeFiles: map)
            let entries = try t.walk(options, progress: progress)
            XCTAssertEqual(entries.map(\.sha256), [sha256OfMillionA], "buffer \(buffer), mapped \(map)")
            XCTAssertEqual(entries.map(\.unstable), [false])
            XCTAssertEqual(progress.bytesHashed, 1_000_000)
        }
    }

    func testNonUTF8NamesSortByRawBytes() throws {
        let t = try WalkTestTree()
        try t.mkdir(b("a"))
        try t.write(b("a/b"), b("1"))
        try t.write(b("a-c"), b("2"))
        try t.write([0xFF], b("3"))
        try t.write([0x80, 0x41], b("4"))
        try t.mkdir([0xC3, 0x28])  // invalid UTF-8
        try t.write([0xC3, 0x28, 0x2F, 0xFE], b("5"))
        try t.write(b("Z"), b("6"))
        try t.write(b("\u{00E9}"), b("7"))  // é = C3 A9

        let entries = try t.walk()

        XCTAssertEqual(entries.map(\.path), [
            b("Z"), b("a"), b("a/b"), b("a-c"), [0x80, 0x41], [0xC3, 0x28], [0xC3, 0x28, 0x2F, 0xFE],
            [0xC3, 0xA9], [0xFF],
        ])
        XCTAssertEqual(entries.map(\.sha256), [
            SHA256.hex(b("6")), nil, SHA256.hex(b("1")), SHA256.hex(b("2")), SHA256.hex(b("4")), nil,
            SHA256.hex(b("5")), SHA256.hex(b("7")), SHA256.hex(b("3")),
        ])
        XCTAssertEqual(SHA256.hex(b("1")), "6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b")
    }

    func testEmptyRootEmitsNothing() throws {
        let t = try WalkTestTree()
        XCTAssertEqual(try t.walk(), [])
    }

    func testEmptyFileAndEmptyDirectory() throws {
        let t = try WalkTestTree()
        try t.mkdir(b("d"))
        try t.write(b("f"), [])
        let entries = try t.walk()
        XCTAssertEqual(entries, [try t.expected(b("d")), try t.expected(b("f"), sha256: sha256OfEmpty)])
        XCTAssertEqual(entries[1].size, 0)
    }

    func testHardLinksAreEachListedWithInodeAndLinkCount() throws {
        let t = try WalkTestTree()
        try t.write(b("one"), b("abc"))
        try t.mkdir(b("sub"))
        try t.link(b("sub/two"), to: b("one"))

        let entries = try t.walk()

        XCTAssertEqual(paths(entries), ["one", "sub", "sub/two"])
        XCTAssertEqual(entries[0].ino, entries[2].ino)
        XCTAssertEqual(entries[0].nlink, 2)
        XCTAssertEqual(entries[2].nlink, 2)
        XCTAssertEqual(entries[0].sha256, sha256OfAbc)
        XCTAssertEqual(entries[2].sha256, sha256OfAbc)
    }

    func testProgressCountsWhatWasEmitted() throws {
        let t = try WalkTestTree()
        try t.mkdir(b("d"))
        try t.write(b("d/x"), b("abc"))
        try t.write(b("y"), Array(repeating: 7, count: 5000))
        try t.symlink(b("l"), to: b("y"))
        let progress = WalkProgress()
        let entries = try t.walk(WalkOptions(concurrency: 2), progress: progress)
        XCTAssertEqual(entries.count, 4)
        XCTAssertEqual(progress.entries, 4)
        XCTAssertEqual(progress.files, 2)
        XCTAssertEqual(progress.bytesHashed, 5003)
        XCTAssertEqual(progress.errors, 0)
        XCTAssertEqual(progress.unstable, 0)
    }

    func testRootErrorsThrow() throws {
        let t = try WalkTestTree()
        try t.write(b("file"), b("x"))
        let missing = t.root + "/nope"
        XCTAssertThrowsError(try TreeWalker(root: missing).run { _ in }) { error in
            XCTAssertEqual(error as? ManifestKitError,
                           ManifestKitError(.io, subject: missing, reason: "ENOENT: No such file or directory"))
        }
        let file = t.root + "/file"
        XCTAssertThrowsError(try TreeWalker(root: file).run { _ in }) { error in
            XCTAssertEqual(error as? ManifestKitError, ManifestKitError(.io, subject: file, reason: "ENOTDIR: Not a directory"))
        }
    }

    func testInvalidOptionsThrow() {
        XCTAssertThrowsError(try TreeWalker(root: "/", options: WalkOptions(concurrency: 0))) { error in
            XCTAssertEqual(error as? ManifestKitError,
                           ManifestKitError(.invalidArgument, subject: "concurrency", reason: "must be between 1 and 4096, got 0"))
        }
        XCTAssertThrowsError(try TreeWalker(root: "/", options: WalkOptions(readBufferSize: 100))) { error in
            XCTAssertEqual(error as? ManifestKitError,
                           ManifestKitError(.invalidArgument, subject: "readBufferSize", reason: "must be at least 4096 bytes, got 100"))
        }
        XCTAssertThrowsError(try TreeWalker(root: "/", options: WalkOptions(namesPerJob: 0))) { error in
            XCTAssertEqual(error as? ManifestKitError,
                           ManifestKitError(.invalidArgument, subject: "namesPerJob", reason: "must be between 1 and 1024, got 0"))
        }
    }

    func testEmitErrorStopsTheWalkAndPropagates() throws {
        struct Stop: Error, Equatable {}
        let t = try WalkTestTree()
        for i in 0..<200 { try t.write(b("f\(i)"), b("\(i)")) }
        let walker = try TreeWalker(root: t.root, options: WalkOptions(concurrency: 8))
        var seen = 0
        XCTAssertThrowsError(try walker.run { _ in
            seen += 1
            if seen == 10 { throw Stop() }
        }) { error in XCTAssertEqual(error as? Stop, Stop()) }
        XCTAssertEqual(seen, 10)
    }

    func testSystemErrorText() {
        XCTAssertEqual(SystemError.describe(EACCES), "EACCES: Permission denied")
        XCTAssertEqual(SystemError.describe(ENOENT), "ENOENT: No such file or directory")
        XCTAssertEqual(SystemError.describe(EIO), "EIO: Input/output error")
    }
}
