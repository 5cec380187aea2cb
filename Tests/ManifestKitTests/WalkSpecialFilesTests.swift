import Glibc
import XCTest
@testable import ManifestKit

/// FIFOs, sockets, symlinks and mount points: listed, never opened or followed.
final class WalkSpecialFilesTests: XCTestCase {
    func testFifoAndSocketAreListedWithoutBeingOpened() throws {
        let t = try WalkTestTree()
        try t.mkfifo(b("fifo"))  // opening it for reading would block forever
        try t.socket(b("sock"))
        try t.write(b("zfile"), b("abc"))

        let entries = try t.walk(WalkOptions(concurrency: 2))

        XCTAssertEqual(entries, [
            try t.expected(b("fifo")),
            try t.expected(b("sock")),
            try t.expected(b("zfile"), sha256: sha256OfAbc),
        ])
        XCTAssertEqual(entries.map(\.type), [.fifo, .socket, .file])
        XCTAssertEqual(entries[0].mode, 0o600)
    }

    func testSymlinksAreReadNotFollowed() throws {
        let t = try WalkTestTree()
        try t.mkdir(b("dir"))
        try t.write(b("dir/inside"), b("abc"))
        try t.symlink(b("dangling"), to: b("does/not/exist"))
        try t.symlink(b("loop1"), to: b("loop2"))
        try t.symlink(b("loop2"), to: b("loop1"))
        try t.symlink(b("self"), to: b("self"))
        try t.symlink(b("todir"), to: b("dir"))
        try t.symlink(b("tofile"), to: b("dir/inside"))
        try t.symlink(b("weird"), to: [0xFF, 0x2F, 0x00 + 0x41])

        let entries = try t.walk()

        XCTAssertEqual(entries, [
            try t.expected(b("dangling"), target: b("does/not/exist")),
            try t.expected(b("dir")),
            try t.expected(b("dir/inside"), sha256: sha256OfAbc),
            try t.expected(b("loop1"), target: b("loop2")),
            try t.expected(b("loop2"), target: b("loop1")),
            try t.expected(b("self"), target: b("self")),
            try t.expected(b("todir"), target: b("dir")),
            try t.expected(b("tofile"), target: b("dir/inside")),
            try t.expected(b("weird"), target: [0xFF, 0x2F, 0x41]),
        ])
        XCTAssertEqual(entries[6].type, .symlink)
        XCTAssertEqual(entries[6].size, 3)  // st_size of a symlink: its target's length
        XCTAssertNil(entries[7].sha256)
    }

    func testCharacterDevicesAndMountPointsUnderDev() throws {
        // /dev holds character devices (never opened) and, usually, mount points
        // (/dev/shm, /dev/pts, /dev/mqueue) on other devices: listed, not descended.
        var devStat = stat(), shmStat = stat()
        guard lstat("/dev", &devStat) == 0, lstat("/dev/shm", &shmStat) == 0, devStat.st_dev != shmStat.st_dev,
              (shmStat.st_mode & S_IFMT) == S_IFDIR else {
            throw XCTSkip("/dev/shm is not a separate mount here")
        }
        let walker = try TreeWalker(root: "/dev", options: WalkOptions(concurrency: 4))
        var entries: [ManifestEntry] = []
        try walker.run { entries.append($0) }

        let shm = try XCTUnwrap(entries.first { $0.path == b("shm") })
        XCTAssertEqual(shm.type, .dir)
        XCTAssertNil(shm.error)
        XCTAssertFalse(entries.contains { $0.path.starts(with: b("shm/")) })
        let null = try XCTUnwrap(entries.first { $0.path == b("null") })
        XCTAssertEqual(null.type, .char)
        XCTAssertNil(null.sha256)
        XCTAssertNil(null.error)
        XCTAssertTrue(entries.filter { $0.type == .char || $0.type == .block }.allSatisfy { $0.sha256 == nil })
        for (x, y) in zip(entries, entries.dropFirst()) {
            XCTAssertTrue(PathOrder.less(x.path, y.path), "\(x.displayPath) before \(y.displayPath)")
        }
    }
}
