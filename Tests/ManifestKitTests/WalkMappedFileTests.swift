import Glibc
import Primitives
import XCTest
@testable import ManifestKit

/// Large files hashed through `mmap` windows (local file systems): the same
/// digests as reading, and a file truncated while it is mapped is `unstable`
/// instead of killing the process with SIGBUS.
final class WalkMappedFileTests: XCTestCase {
    /// 20 MiB + 5 bytes: eleven windows, the last one partial.
    private let size = 20 * 1024 * 1024 + 5

    /// A random 64 KiB block repeated, each copy with its number in front.
    private func content() -> [UInt8] {
        var rng = SplitMix(seed: 7)
        let block = (0..<65536).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        var out = [UInt8]()
        out.reserveCapacity(size)
        var n: UInt32 = 0
        while out.count < size {
            var copy = block
            copy.withUnsafeMutableBytes { $0.storeBytes(of: n, as: UInt32.self) }
            out.append(contentsOf: copy.prefix(size - out.count))
            n += 1
        }
        return out
    }

    func testMappedAndReadDigestsAgree() throws {
        let t = try WalkTestTree()
        let bytes = content()
        try t.write(b("big"), bytes)
        try t.write(b("small"), b("abc"))
        let expected = SHA256.hex(bytes)
        for map in [true, false] {
            let progress = WalkProgress()
            let entries = try t.walk(WalkOptions(concurrency: 2, mapLargeFiles: map), progress: progress)
            XCTAssertEqual(entries.map(\.sha256), [expected, sha256OfAbc], "mapped \(map)")
            XCTAssertEqual(entries.map(\.unstable), [false, false])
            XCTAssertEqual(entries.map(\.error), [nil, nil])
            XCTAssertEqual(progress.bytesHashed, UInt64(size + 3))
        }
    }

    func testFileTruncatedWhileMappedIsUnstableAndTheWalkGoesOn() throws {
        let t = try WalkTestTree()
        try t.write(b("big"), content())
        try t.write(b("next"), b("abc"))
        let path = t.root + "/big"
        var past = [timespec(tv_sec: 1_000_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000_000, tv_nsec: 0)]
        XCTAssertEqual(utimensat(AT_FDCWD, path, &past, 0), 0)
        var options = WalkOptions(concurrency: 1, mapLargeFiles: true)
        options.testHooks.afterRead = { p, done in
            // After the first window: cut the file to 1 MiB, so the next window
            // (mapped from the size stat'ed before) lies wholly past the end.
            guard p == b("big"), done == UInt64(MappedRegions.windowBytes) else { return }
            XCTAssertEqual(truncate(path, 1 << 20), 0)
        }
        let caught = MappedRegions.caughtFaults
        let entries = try t.walk(options)
        XCTAssertEqual(MappedRegions.caughtFaults, caught + 1, "one fault, then zeros over the rest of the window")
        XCTAssertEqual(paths(entries), ["big", "next"])
        XCTAssertEqual(entries[0].unstable, true)
        XCTAssertNil(entries[0].error)
        XCTAssertEqual(entries[0].size, UInt64(size), "the stat from before hashing")
        XCTAssertNotNil(entries[0].sha256)
        XCTAssertEqual(entries[1].sha256, sha256OfAbc)
        XCTAssertEqual(entries[1].unstable, false)
    }

    func testFileTruncatedInsideAMappedWindowIsUnstable() throws {
        let t = try WalkTestTree()
        try t.write(b("big"), content())
        let path = t.root + "/big"
        var past = [timespec(tv_sec: 1_000_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000_000, tv_nsec: 0)]
        XCTAssertEqual(utimensat(AT_FDCWD, path, &past, 0), 0)
        var options = WalkOptions(concurrency: 1, mapLargeFiles: true)
        // After the file is opened and stat'ed, before the first window: the
        // first window is mapped over 2 MiB of which only 4 KiB + 1 byte remain.
        options.testHooks.afterOpen = { p in
            guard p == b("big") else { return }
            XCTAssertEqual(truncate(path, 4097), 0)
        }
        let caught = MappedRegions.caughtFaults
        let entries = try t.walk(options)
        XCTAssertEqual(MappedRegions.caughtFaults, caught + 1)
        XCTAssertEqual(entries.map(\.unstable), [true])
        XCTAssertEqual(entries.map(\.error), [nil])
        // Twice in one process: the handler stays installed and keeps catching.
        try t.write(b("big"), content())
        XCTAssertEqual(utimensat(AT_FDCWD, path, &past, 0), 0)
        XCTAssertEqual(try t.walk(options).map(\.unstable), [true])
        XCTAssertEqual(MappedRegions.caughtFaults, caught + 2)
    }
}
