import Foundation
import Glibc
import XCTest
@testable import ManifestKit

/// A `FileSink` never replaces what is not a regular file: a device, FIFO or
/// socket is written in place, a symlink's target is written by the same rule,
/// a regular file or a new name is replaced atomically. Device nodes are made
/// by the test in its own directory (never the real `/dev/null`).
final class FileSinkTargetTests: XCTestCase {
    private var tree: WalkTestTree!
    private var dir: String { tree.root }

    override func setUpWithError() throws { tree = try WalkTestTree() }
    override func tearDown() { tree = nil }

    private func listing() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }

    private func lstatAt(_ name: String) -> stat {
        var st = stat()
        XCTAssertEqual(lstat("\(dir)/\(name)", &st), 0, name)
        return st
    }

    /// A character device 1,3 (what /dev/null is) named `name`; skips without CAP_MKNOD.
    private func makeNullDevice(_ name: String) throws {
        guard mknod("\(dir)/\(name)", S_IFCHR | 0o666, makedev(1, 3)) == 0 else {
            throw XCTSkip("mknod: \(SystemError.describe(errno)) (needs root)")
        }
    }

    private func makedev(_ major: UInt32, _ minor: UInt32) -> dev_t {
        dev_t((UInt64(major & 0xfff) << 8) | UInt64(minor & 0xff) | (UInt64(minor & ~0xff) << 12) | (UInt64(major & ~0xfff) << 32))
    }

    private func write(_ text: String, to path: String) throws -> FileSink {
        let sink = try FileSink(path: path)
        try sink.write(Array(text.utf8))
        try sink.finish()
        return sink
    }

    func testCharacterDeviceIsWrittenInPlace() throws {
        try makeNullDevice("null")
        let sink = try write("manifest bytes", to: "\(dir)/null")
        XCTAssertTrue(sink.isDirect)
        XCTAssertNil(sink.temporaryPath)
        let st = lstatAt("null")
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFCHR, "the device was replaced")
        XCTAssertEqual(st.st_rdev, makedev(1, 3))
        XCTAssertEqual(listing(), ["null"])
    }

    func testSymlinkToDeviceWritesTheDevice() throws {
        try makeNullDevice("null")
        XCTAssertEqual(symlink("null", "\(dir)/out.gz"), 0)
        let sink = try write("x", to: "\(dir)/out.gz")
        XCTAssertTrue(sink.isDirect)
        XCTAssertEqual(lstatAt("out.gz").st_mode & S_IFMT, S_IFLNK)
        XCTAssertEqual(lstatAt("null").st_mode & S_IFMT, S_IFCHR)
        XCTAssertEqual(listing(), ["null", "out.gz"])
    }

    func testFIFOWithAReaderGetsTheBytes() throws {
        XCTAssertEqual(mkfifo("\(dir)/pipe", 0o644), 0)
        let received = LockedBytes()
        let path = "\(dir)/pipe"
        let reader = Thread {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            var all: [UInt8] = []
            var buf = [UInt8](repeating: 0, count: 4096)
            while fd >= 0 {
                let n = read(fd, &buf, buf.count)
                if n <= 0 { break }
                all += buf[0..<n]
            }
            close(fd)
            received.set(all)
        }
        reader.start()
        let sink = try write("through the pipe", to: path)  // the open waits for the reader
        XCTAssertTrue(sink.isDirect)
        XCTAssertEqual(received.wait(), Array("through the pipe".utf8))
        XCTAssertEqual(lstatAt("pipe").st_mode & S_IFMT, S_IFIFO)
        XCTAssertEqual(listing(), ["pipe"])
    }

    func testSymlinkToRegularFileReplacesTheTargetAtomically() throws {
        try tree.write(b("real"), b("old"))
        try tree.mkdir(b("sub"))
        XCTAssertEqual(symlink("../real", "\(dir)/sub/link"), 0)
        let sink = try write("new", to: "\(dir)/sub/link")
        XCTAssertFalse(sink.isDirect)
        XCTAssertEqual(sink.resolvedPath, "\(dir)/sub/../real")
        XCTAssertEqual(lstatAt("sub/link").st_mode & S_IFMT, S_IFLNK, "the symlink was replaced")
        XCTAssertEqual(try String(contentsOfFile: "\(dir)/real", encoding: .utf8), "new")
        XCTAssertEqual(listing(), ["real", "sub"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/sub"), ["link"])
    }

    func testDanglingSymlinkCreatesItsTarget() throws {
        XCTAssertEqual(symlink("made", "\(dir)/link"), 0)
        _ = try write("new", to: "\(dir)/link")
        XCTAssertEqual(lstatAt("link").st_mode & S_IFMT, S_IFLNK)
        XCTAssertEqual(try String(contentsOfFile: "\(dir)/made", encoding: .utf8), "new")
        XCTAssertEqual(listing(), ["link", "made"])
    }

    func testSymlinkLoopAndDirectoryAreRefused() throws {
        XCTAssertEqual(symlink("b", "\(dir)/a"), 0)
        XCTAssertEqual(symlink("a", "\(dir)/b"), 0)
        XCTAssertThrowsError(try FileSink(path: "\(dir)/a")) {
            XCTAssertEqual($0 as? ManifestKitError, ManifestKitError(.io, subject: "\(dir)/a", reason: "ELOOP: Too many levels of symbolic links"))
        }
        try tree.mkdir(b("d"))
        XCTAssertThrowsError(try FileSink(path: "\(dir)/d")) {
            XCTAssertEqual($0 as? ManifestKitError, ManifestKitError(.io, subject: "\(dir)/d", reason: "EISDIR: Is a directory"))
        }
        XCTAssertEqual(listing(), ["a", "b", "d"])
    }

    func testSocketIsNeitherReplacedNorOpened() throws {
        try tree.socket(b("sock"))
        XCTAssertThrowsError(try FileSink(path: "\(dir)/sock")) {
            XCTAssertEqual($0 as? ManifestKitError, ManifestKitError(.io, subject: "\(dir)/sock", reason: "ENXIO: No such device or address"))
        }
        XCTAssertEqual(lstatAt("sock").st_mode & S_IFMT, S_IFSOCK)
    }

    func testAbortOfDirectOutputOnlyClosesIt() throws {
        try makeNullDevice("null")
        let sink = try FileSink(path: "\(dir)/null")
        try sink.write([1, 2, 3])
        sink.abort()
        XCTAssertEqual(lstatAt("null").st_mode & S_IFMT, S_IFCHR)
        XCTAssertThrowsError(try sink.write([1]))
    }
}

/// Bytes handed from a reader thread to the test thread.
final class LockedBytes: @unchecked Sendable {  // every access holds `condition`
    private let condition = NSCondition()
    private var value: [UInt8]?

    func set(_ bytes: [UInt8]) {
        condition.lock()
        value = bytes
        condition.broadcast()
        condition.unlock()
    }

    /// The bytes, once set (at most 30 s).
    func wait() -> [UInt8]? {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(30)
        while value == nil && condition.wait(until: deadline) {}
        return value
    }
}
