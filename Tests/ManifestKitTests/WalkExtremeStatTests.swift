import Glibc
import XCTest
@testable import ManifestKit

/// What the walker makes of `stat` values at the edges: times past what nanoseconds in an
/// `Int64` hold are clamped, never wrapped.
final class WalkExtremeStatTests: XCTestCase {
    func testNanosecondsAreExactInRangeAndClampedOutside() {
        XCTAssertEqual(FileStat.nanoseconds(timespec(tv_sec: 0, tv_nsec: 0)), 0)
        XCTAssertEqual(FileStat.nanoseconds(timespec(tv_sec: 1_763_700_000, tv_nsec: 111_111_111)), 1_763_700_000_111_111_111)
        XCTAssertEqual(FileStat.nanoseconds(timespec(tv_sec: -1, tv_nsec: 500_000_000)), -500_000_000)
        // 9_223_372_036 s is the last whole second that fits; one nanosecond more does not.
        XCTAssertEqual(FileStat.nanoseconds(timespec(tv_sec: 9_223_372_036, tv_nsec: 854_775_807)), .max)
        XCTAssertEqual(FileStat.nanoseconds(timespec(tv_sec: 9_223_372_036, tv_nsec: 854_775_808)), .max)
        XCTAssertEqual(FileStat.nanoseconds(timespec(tv_sec: 15_032_385_535, tv_nsec: 0)), .max)
        XCTAssertEqual(FileStat.nanoseconds(timespec(tv_sec: .max, tv_nsec: 999_999_999)), .max)
        XCTAssertEqual(FileStat.nanoseconds(timespec(tv_sec: -9_223_372_037, tv_nsec: 0)), .min)
        XCTAssertEqual(FileStat.nanoseconds(timespec(tv_sec: .min, tv_nsec: 0)), .min)
    }

    func testAFileDatedPast2262IsWalkedWithTheLargestTime() throws {
        let t = try WalkTestTree()
        try t.write(b("future"), b("abc"))
        // Year 2400: ext4 and tmpfs hold it; nanoseconds since 1970 in an Int64 do not.
        let seconds = 13_569_465_600
        var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
        guard utimensat(AT_FDCWD, t.root + "/future", &times, 0) == 0 else {
            throw XCTSkip("this file system cannot store year 2400: errno \(errno)")
        }
        var st = stat()
        XCTAssertEqual(stat(t.root + "/future", &st), 0)
        guard st.st_mtim.tv_sec == seconds else { throw XCTSkip("this file system clamps the year 2400 itself") }

        let entries = try t.walk()

        XCTAssertEqual(entries.count, 1)
        XCTAssertEqual(entries[0].mtimeNs, .max)
        XCTAssertEqual(entries[0].sha256, sha256OfAbc)
    }
}
