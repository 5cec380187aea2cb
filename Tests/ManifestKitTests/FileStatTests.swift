import Glibc
import XCTest
@testable import ManifestKit

/// `FileStat.of(fd:)` and `FileStat.at` ask `statx` for the recorded fields only (`Statx`,
/// read at the kernel's offsets): what they answer must be exactly what `fstat`/`lstat`
/// say of the same object.
final class FileStatTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        var template = Array("/tmp/ebv-filestat-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Errno(errno) }
        dir = String(cString: made)
    }

    override func tearDown() {
        for name in ["f", "l", "d"] { _ = unlink("\(dir)/\(name)") }
        _ = rmdir("\(dir)/d")
        _ = rmdir(dir)
    }

    func lstatOf(_ path: String) throws -> FileStat {
        var st = stat()
        guard lstat(path, &st) == 0 else { throw Errno(errno) }
        return FileStat(st)
    }

    func testStatxAnswersWhatLstatAndFstatSay() throws {
        let file = "\(dir)/f"
        let fd = open(file, O_CREAT | O_WRONLY, 0o640)
        XCTAssertGreaterThanOrEqual(fd, 0)
        XCTAssertEqual(write(fd, "twelve bytes", 12), 12)
        // Times with nanoseconds, one before 1970: both must come through exactly.
        var times = [timespec(tv_sec: -86_401, tv_nsec: 123_456_789), timespec(tv_sec: 1_700_000_000, tv_nsec: 987_654_321)]
        XCTAssertEqual(futimens(fd, &times), 0)
        close(fd)
        XCTAssertEqual(symlink("f", "\(dir)/l"), 0)
        XCTAssertEqual(mkdir("\(dir)/d", 0o750), 0)

        let dirfd = open(dir, O_RDONLY | O_DIRECTORY)
        defer { close(dirfd) }
        for (name, type) in [("f", EntryType.file), ("l", .symlink), ("d", .dir)] {
            let viaStatx = try FileStat.at(dirfd, name).get()
            XCTAssertEqual(viaStatx, try lstatOf("\(dir)/\(name)"), name)
            XCTAssertEqual(viaStatx.entryType, type, name)
        }
        let f = try FileStat.at(dirfd, "f").get()
        XCTAssertEqual(f.size, 12)
        XCTAssertEqual(f.mtimeNs, 1_700_000_000_987_654_321)
        XCTAssertEqual(f.mode & 0o7777, 0o640)

        XCTAssertEqual(try Statx.classic(dirfd, "f", flags: AT_SYMLINK_NOFOLLOW).get(), f)
        let read = open(file, O_RDONLY)
        defer { close(read) }
        XCTAssertEqual(try FileStat.of(fd: read).get(), f)
        XCTAssertEqual(try Statx.classic(read, "", flags: Statx.emptyPath).get(), f)
        // A character device: its device number, as st_rdev says.
        let null = open("/dev/null", O_RDONLY)
        defer { close(null) }
        let device = try FileStat.of(fd: null).get()
        XCTAssertEqual(device, try lstatOf("/dev/null"))
        XCTAssertEqual(device.entryType, .char)
        XCTAssertNotEqual(device.rdev, 0)
    }

    func testErrorsAreTheSystemCallsErrno() {
        let dirfd = open(dir, O_RDONLY | O_DIRECTORY)
        defer { close(dirfd) }
        XCTAssertEqual(FileStat.at(dirfd, "absent"), .failure(Errno(ENOENT)))
        XCTAssertEqual(FileStat.of(fd: -1), .failure(Errno(EBADF)))
    }
}
