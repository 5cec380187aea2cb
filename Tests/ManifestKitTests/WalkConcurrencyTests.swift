import Glibc
import Primitives
import Synchronization
import TestSupport
import XCTest
@testable import ManifestKit

/// The pool: results in manifest order whatever the timing, and many operations
/// in flight across directories (what hides network latency).
final class WalkConcurrencyTests: XCTestCase {
    /// A pseudo-random tree (fixed seed): nested directories, files of varied sizes.
    private func makeRandomTree(_ t: WalkTestTree) throws -> Int {
        var rng = SplitMix(seed: 42)
        var dirs: [[UInt8]] = [[]]
        var count = 0
        for _ in 0..<400 {
            let parent = dirs[Int(rng.next() % UInt64(dirs.count))]
            let alphabet: [UInt8] = [0x61, 0x2D, 0x2E, 0x62, 0x7A, 0xC3, 0x80]
            let nameBytes: [UInt8] = (0..<(1 + Int(rng.next() % 4))).map { _ in alphabet[Int(rng.next() % 7)] }
            if nameBytes == [0x2E] || nameBytes == [0x2E, 0x2E] { continue }
            let path = parent.isEmpty ? nameBytes : parent + [0x2F] + nameBytes
            if (try? t.lstat(path)) != nil { continue }
            if rng.next() % 4 == 0 {
                try t.mkdir(path)
                dirs.append(path)
            } else {
                try t.write(path, (0..<Int(rng.next() % 9000)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            }
            count += 1
        }
        return count
    }

    func testOrderAndContentIndependentOfConcurrencyAndWindow() throws {
        let t = try WalkTestTree()
        let count = try makeRandomTree(t)
        let reference = try t.walk(WalkOptions(concurrency: 1, lookahead: 1))
        XCTAssertEqual(reference.count, count)
        for (x, y) in zip(reference, reference.dropFirst()) {
            XCTAssertTrue(PathOrder.less(x.path, y.path), "\(x.displayPath) before \(y.displayPath)")
        }
        for e in reference where e.type == .file {
            let fd = open(t.abs(e.path), O_RDONLY)
            var content = [UInt8](repeating: 0, count: Int(e.size))
            XCTAssertEqual(content.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }, Int(e.size))
            close(fd)
            XCTAssertEqual(e.sha256, SHA256.hex(content))
        }
        let cases: [(Int, Int?, Int?, Int?)] = [(2, 3, 1, nil), (8, 8, 2, 1), (32, nil, nil, nil), (64, 500, 4, 3), (3, nil, 1, 1024)]
        for (concurrency, lookahead, maxOpen, perJob) in cases {
            let entries = try t.walk(WalkOptions(concurrency: concurrency, readBufferSize: 4096, lookahead: lookahead,
                                                 maxOpenDirectories: maxOpen, namesPerJob: perJob))
            XCTAssertEqual(entries, reference, "concurrency \(concurrency), names per job \(perJob ?? 0)")
        }
        // A listing budget of one byte: no directory is listed ahead, same result.
        let tight = try t.walk(WalkOptions(concurrency: 8, listingBudgetBytes: 1))
        XCTAssertEqual(tight, reference)
    }

    /// Runs a walk whose regular files' stats (the slow operations of a network
    /// file system) are held until `target` of them are in flight at once, and
    /// returns the most that were. The hold is a gate, not a delay: when the walker
    /// cannot reach `target`, the first stat waits out the gate's bound, lets every
    /// stat go, and the peak falls short.
    private func peakInFlight(_ t: WalkTestTree, _ options: WalkOptions, target: Int, expectedEntries: Int) throws -> Int {
        let inFlight = Atomic<Int>(0)
        let peak = Atomic<Int>(0)
        let gate = Gate(limit: 10)
        var options = options
        options.testHooks.afterStat = { path in
            guard path.split(separator: UInt8(ascii: "/")).last?.first == UInt8(ascii: "f") else { return }  // files are f*, directories d*
            let now = inFlight.wrappingAdd(1, ordering: .relaxed).newValue
            var seen = peak.load(ordering: .relaxed)
            while now > seen {
                let (exchanged, original) = peak.compareExchange(expected: seen, desired: now, ordering: .relaxed)
                if exchanged { break }
                seen = original
            }
            if now >= target || !gate.wait() { gate.open() }
            inFlight.wrappingSubtract(1, ordering: .relaxed)
        }
        let entries = try t.walk(options)
        XCTAssertEqual(entries.count, expectedEntries)
        return peak.load(ordering: .relaxed)
    }

    func testSlowOperationsOverlapAcrossDirectories() throws {
        let t = try WalkTestTree()
        for d in 0..<8 {
            try t.mkdir(b("d\(d)"))
            for f in 0..<6 { try t.write(b("d\(d)/f\(f)"), b("x")) }
        }
        // 6-entry directories and at most 2 running per directory (16 / 8):
        // 10 or more in flight needs lookahead past the directory being emitted.
        let peak = try peakInFlight(t, WalkOptions(concurrency: 16, perDirectoryLimit: 2), target: 10, expectedEntries: 8 * 7)
        XCTAssertGreaterThanOrEqual(peak, 10)
        XCTAssertLessThanOrEqual(peak, 16)
    }

    /// Past its per-directory limit, and with jobs of several names (local disks)
    /// or one (network file systems, where every thread must get a name).
    func testALoneLargeDirectoryStillGetsEveryThread() throws {
        let t = try WalkTestTree()
        for f in 0..<64 { try t.write(b("f\(f)"), b("x")) }
        let cases: [(perDirectory: Int, perJob: Int?, atLeast: Int)] = [(2, nil, 10), (2, 8, 10), (16, 1, 14)]
        for c in cases {
            let options = WalkOptions(concurrency: 16, perDirectoryLimit: c.perDirectory, namesPerJob: c.perJob)
            let peak = try peakInFlight(t, options, target: c.atLeast, expectedEntries: 64)
            XCTAssertGreaterThanOrEqual(peak, c.atLeast, "\(c)")
            XCTAssertLessThanOrEqual(peak, 16)
        }
    }

    /// A job takes a name and the regular files right after it: at most
    /// `namesPerJob`, a quarter of the names left (so a directory still spreads
    /// over threads), what the window has room for.
    func testJobSizes() {
        let reg = UInt8(DT_REG), dir = UInt8(DT_DIR), unknown = UInt8(DT_UNKNOWN)
        func sizes(_ types: [UInt8], perJob: Int, room: Int = 1000) -> [Int] {
            var out: [Int] = []
            var i = 0
            while i < types.count {
                let n = WalkScheduler.jobSize(from: i, of: types.count, namesPerJob: perJob, windowRoom: room) { types[$0] }
                out.append(n)
                i += n
            }
            return out
        }
        XCTAssertEqual(sizes(Array(repeating: reg, count: 64), perJob: 8), [8, 8, 8, 8, 8, 6, 5, 4, 3, 2, 1, 1, 1, 1])
        XCTAssertEqual(sizes(Array(repeating: reg, count: 64), perJob: 1), Array(repeating: 1, count: 64))
        XCTAssertEqual(sizes(Array(repeating: reg, count: 40), perJob: 8, room: 3), [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 1, 1, 1])
        XCTAssertEqual(sizes(Array(repeating: reg, count: 5), perJob: 8, room: 0), [1, 1, 1, 1, 1], "the emitter's job is always one name")
        // A directory (or unknown type) only ever starts a job: it ends the run before it.
        let mixed: [UInt8] = [dir] + Array(repeating: reg, count: 12) + [unknown] + Array(repeating: reg, count: 20)
        XCTAssertEqual(sizes(mixed, perJob: 8), [8, 5, 6, 4, 3, 2, 2, 1, 1, 1, 1])
    }

    func testWindowBoundsWorkInFlight() throws {
        let t = try WalkTestTree()
        for f in 0..<40 { try t.write(b("f\(f)"), b("x")) }
        // One name per job: the window of 3 fills with three stats, and no fourth starts.
        let perName = try peakInFlight(t, WalkOptions(concurrency: 16, lookahead: 3, namesPerJob: 1), target: 3, expectedEntries: 40)
        XCTAssertEqual(perName, 3)
        // Jobs of several names (local disks): a job may take the whole window, so
        // nothing is held (a held stat would keep the window full); still at most 3.
        let batched = try peakInFlight(t, WalkOptions(concurrency: 16, lookahead: 3), target: 1, expectedEntries: 40)
        XCTAssertLessThanOrEqual(batched, 3)
        XCTAssertGreaterThanOrEqual(batched, 1)
    }
}

/// A small deterministic generator for test trees.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
