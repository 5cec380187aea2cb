import Glibc
import Synchronization
import XCTest
@testable import ManifestKit

/// `ReuseIndex`: a walk takes unchanged files' digests from an earlier manifest,
/// reads the changed ones and a seeded sample, and marks a sampled file whose
/// content changed behind unchanged metadata. Reads are counted by the probe's
/// `afterOpen` hook (called once per file opened for hashing).
final class WalkReuseTests: XCTestCase {
    private let fake = String(repeating: "0", count: 64)

    /// A tree: `a` ("abc"), `d/` with `d/f00` … `d/f09` ("abc"), `l -> a`, `z` ("xyz").
    private func tree() throws -> WalkTestTree {
        let t = try WalkTestTree()
        try t.write(b("a"), b("abc"))
        try t.mkdir(b("d"))
        for i in 0..<10 { try t.write(b("d/f0\(i)"), b("abc")) }
        try t.symlink(b("l"), to: b("a"))
        try t.write(b("z"), b("xyz"))
        return t
    }

    private func header(_ t: WalkTestTree) -> ManifestHeader {
        ManifestHeader(role: .post, root: t.root, startedAtNs: 0, tool: "test")
    }

    /// Walks `t` with `source` as the reuse manifest; returns the entries, the
    /// paths opened for hashing (sorted) and the index.
    private func walk(_ t: WalkTestTree, reusing source: [ManifestEntry], fraction: Double = 0, seed: UInt64 = 7,
                      capacity: Int = 64, options: WalkOptions = WalkOptions(concurrency: 4))
        throws -> (entries: [ManifestEntry], read: [String], index: ReuseIndex) {
        let index = ReuseIndex(source: ArrayEntrySource(header: header(t), entries: source),
                               sampler: try ReuseSampler(fraction: fraction, seed: seed), capacity: capacity)
        var options = options
        options.reuse = index
        let opened = Mutex<[String]>([])
        options.testHooks.afterOpen = { path in opened.withLock { $0.append(String(decoding: path, as: UTF8.self)) } }
        let entries = try t.walk(options)
        return (entries, opened.withLock { $0.sorted() }, index)
    }

    /// `entries` with every file's digest replaced by `fake`: what a walk shows
    /// when it took a digest from there rather than reading.
    private func faked(_ entries: [ManifestEntry]) -> [ManifestEntry] {
        entries.map { e in
            var e = e
            if e.type == .file { e.sha256 = fake }
            return e
        }
    }

    private let files = ["a", "d/f00", "d/f01", "d/f02", "d/f03", "d/f04", "d/f05", "d/f06", "d/f07", "d/f08", "d/f09", "z"]

    func testNothingChangedGivesTheSameEntriesAndReadsNoFileAtFractionZero() throws {
        let t = try tree()
        let full = try t.walk()
        let reused = try walk(t, reusing: full)
        XCTAssertEqual(reused.entries, full)
        XCTAssertEqual(reused.read, [])
        XCTAssertEqual(reused.index.reused, 12)
        XCTAssertEqual(reused.index.sampled, 0)
        XCTAssertEqual(try reused.index.finish(), ReuseCounts(reused: 12, sampled: 0, mismatches: 0, seed: 7))
    }

    func testFractionOneReadsEveryFile() throws {
        let t = try tree()
        let full = try t.walk()
        let reused = try walk(t, reusing: full, fraction: 1)
        XCTAssertEqual(reused.entries, full)
        XCTAssertEqual(reused.read, files)
        XCTAssertEqual(reused.index.reused, 0)
        XCTAssertEqual(reused.index.sampled, 12)
    }

    func testDigestsComeFromTheReuseManifest() throws {
        // The digest of an unread file is the reuse manifest's, however wrong.
        let t = try tree()
        let full = try t.walk()
        let reused = try walk(t, reusing: faked(full))
        XCTAssertEqual(reused.entries, faked(full))
        XCTAssertEqual(reused.read, [])
    }

    func testAFileIsReadWhenAnyOfSizeMtimeCtimeOrInodeDiffers() throws {
        // Each field alone, by editing the reuse manifest's entry.
        let t = try tree()
        let full = try t.walk()
        var source = faked(full)
        for i in source.indices {
            switch source[i].displayPath {
            case "d/f01": source[i].size += 1
            case "d/f02": source[i].mtimeNs += 1
            case "d/f03": source[i].ctimeNs -= 1
            case "d/f04": source[i].ino += 1
            case "d/f05": source[i].mode = 0o777; source[i].uid += 1; source[i].nlink = 9  // not compared: reused
            default: break
            }
        }
        let reused = try walk(t, reusing: source)
        XCTAssertEqual(reused.read, ["d/f01", "d/f02", "d/f03", "d/f04"])
        let expected = full.map { e in
            var e = e
            if e.type == .file && !["d/f01", "d/f02", "d/f03", "d/f04"].contains(e.displayPath) { e.sha256 = fake }
            return e
        }
        XCTAssertEqual(reused.entries, expected)
        XCTAssertEqual(reused.index.reused, 8)
    }

    func testFilesChangedOnDiskAreRead() throws {
        let t = try tree()
        let before = faked(try t.walk())
        // d/f01: rewritten (size); d/f02: mtime set (same size and content); d/f03:
        // chmod (ctime only); d/f04: replaced by rename with the old mtime (inode).
        try t.write(b("d/f01"), b("abcd"))
        var times = [timespec(tv_sec: 1_000, tv_nsec: 5), timespec(tv_sec: 1_000, tv_nsec: 5)]
        XCTAssertEqual(utimensat(AT_FDCWD, t.abs(b("d/f02")), &times, 0), 0)
        XCTAssertEqual(chmod(t.abs(b("d/f03")), 0o600), 0)
        let old = try t.lstat(b("d/f04"))
        try t.write(b("d/new"), b("abc"))
        let ts = timespec(tv_sec: Int(old.mtimeNs / 1_000_000_000), tv_nsec: Int(old.mtimeNs % 1_000_000_000))
        var same = [ts, ts]
        XCTAssertEqual(utimensat(AT_FDCWD, t.abs(b("d/new")), &same, 0), 0)
        XCTAssertEqual(rename(t.abs(b("d/new")), t.abs(b("d/f04"))), 0)
        XCTAssertNotEqual(try t.lstat(b("d/f04")).ino, old.ino)
        let full = try t.walk()
        let reused = try walk(t, reusing: before)
        XCTAssertEqual(reused.read, ["d/f01", "d/f02", "d/f03", "d/f04"])
        XCTAssertEqual(reused.entries.filter { reused.read.contains($0.displayPath) },
                       full.filter { reused.read.contains($0.displayPath) })
        XCTAssertEqual(reused.index.reused, 8)
    }

    func testEntriesWithErrorUnstableOrMismatchAreNeverReused() throws {
        let t = try tree()
        let full = try t.walk()
        var source = faked(full)
        for i in source.indices {
            switch source[i].displayPath {
            case "a": source[i].sha256 = nil; source[i].error = "EIO: Input/output error"
            case "d/f00": source[i].unstable = true
            case "d/f01": source[i].reuseMismatch = true
            case "d/f02": source[i].type = .symlink; source[i].sha256 = nil; source[i].target = b("x")
            default: break
            }
        }
        let reused = try walk(t, reusing: source)
        XCTAssertEqual(reused.read, ["a", "d/f00", "d/f01", "d/f02"])
        XCTAssertEqual(reused.index.reused, 8)
    }

    func testPathsMissingFromTheReuseManifestAreRead() throws {
        let t = try tree()
        let full = try t.walk()
        let reused = try walk(t, reusing: faked(full).filter { !["d/f05", "z"].contains($0.displayPath) })
        XCTAssertEqual(reused.read, ["d/f05", "z"])
    }

    func testASampledFileWhoseContentChangedIsMarkedWithTheFreshDigest() throws {
        let t = try tree()
        let full = try t.walk()
        var source = full
        let i = try XCTUnwrap(source.firstIndex { $0.displayPath == "d/f03" })
        source[i].sha256 = fake
        let sampled = try walk(t, reusing: source, fraction: 1)
        var expected = full
        expected[i].reuseMismatch = true
        XCTAssertEqual(sampled.entries, expected)
        XCTAssertEqual(sampled.entries[i].sha256, sha256OfAbc)
        // Not sampled: the wrong digest is taken (the risk the sample measures).
        let unsampled = try walk(t, reusing: source, fraction: 0)
        XCTAssertEqual(unsampled.entries[i].sha256, fake)
        XCTAssertFalse(unsampled.entries[i].reuseMismatch)
    }

    func testTheSampleIsTheSeededHashOfThePath() throws {
        let t = try tree()
        let full = try t.walk()
        for seed: UInt64 in [1, 2, 3, 0xdead_beef] {
            let sampler = try ReuseSampler(fraction: 0.5, seed: seed)
            let reused = try walk(t, reusing: full, fraction: 0.5, seed: seed)
            XCTAssertEqual(reused.read, files.filter { sampler.isSampled(b($0)) }, "seed \(seed)")
            XCTAssertEqual(reused.entries, full)
            XCTAssertEqual(reused.index.sampled + reused.index.reused, 12)
        }
    }

    func testTheSamplerHashIsPinned() throws {
        // docs/cli.md defines the hash (these values are also what a Python
        // transcription of that definition gives); they must never change.
        XCTAssertEqual(ReuseSampler.hash([], seed: 0), 12_035_550_249_420_947_055)
        XCTAssertEqual(ReuseSampler.hash(b("a"), seed: 0), ReuseSampler.mix((ReuseSampler.mix(0) ^ 0x61) &* 0x100000001b3))
        XCTAssertEqual(ReuseSampler.hash(b("d/f00"), seed: 42), 12_002_545_020_608_440_469)
        XCTAssertFalse(try ReuseSampler(fraction: 0, seed: 1).isSampled(b("a")))
        XCTAssertTrue(try ReuseSampler(fraction: 1, seed: 1).isSampled(b("a")))
        // About the fraction over many paths.
        let sampler = try ReuseSampler(fraction: 0.01, seed: 99)
        let hits = (0..<100_000).filter { sampler.isSampled(b("dir/file-\($0)")) }.count
        XCTAssertTrue((800...1200).contains(hits), "\(hits)")
        for bad in [-0.1, 1.5, .nan, .infinity] {
            XCTAssertThrowsError(try ReuseSampler(fraction: bad, seed: 0)) { error in
                XCTAssertEqual((error as? ManifestKitError)?.kind, .invalidArgument)
            }
        }
        // Just below 1: the threshold converts without trapping.
        _ = try ReuseSampler(fraction: 0.999_999_999_999_999_9, seed: 5).isSampled(b("x"))
    }

    func testBufferStaysBoundedOnALargeTreeWithManyDeletions() throws {
        // 1,200 files in 4 directories; the reuse manifest also lists 3,000 files of a
        // directory deleted since (between d1 and d2). A window of 16, a buffer of 32.
        let t = try WalkTestTree()
        for d in 0..<4 {
            try t.mkdir(b("d\(d)"))
            for f in 0..<300 { try t.write(b("d\(d)/f\(String(format: "%03d", f))"), b("abc")) }
        }
        let full = try t.walk(WalkOptions(concurrency: 4))
        var source = full
        let at = try XCTUnwrap(source.firstIndex { $0.displayPath == "d2" })
        let gone = [ManifestEntry(path: b("d1x"), type: .dir)]
            + (0..<3000).map { ManifestEntry(path: b("d1x/g\(String(format: "%04d", $0))"), type: .file, sha256: fake) }
        source.insert(contentsOf: gone, at: at)
        let options = WalkOptions(concurrency: 4, lookahead: 16)
        let reused = try walk(t, reusing: source, capacity: 32, options: options)
        XCTAssertEqual(reused.entries, full)
        XCTAssertLessThanOrEqual(reused.index.maxBuffered, 32)
        XCTAssertGreaterThan(reused.index.maxBuffered, 0)
        // Only files looked up while the deleted entries filled the buffer are read.
        XCTAssertEqual(UInt64(reused.read.count), reused.index.windowMisses)
        XCTAssertEqual(reused.index.reused + UInt64(reused.read.count), 1200)
        // Without deletions, and with room for a directory listed while the
        // workers run on past it, nothing is missed.
        let clean = try walk(t, reusing: full, capacity: 1024, options: options)
        XCTAssertEqual(clean.read, [])
        XCTAssertEqual(clean.index.windowMisses, 0)
        XCTAssertEqual(clean.index.reused, 1200)
        XCTAssertLessThanOrEqual(clean.index.maxBuffered, 1024)
    }

    func testASourceThatFailsStopsTheWalkWithItsError() throws {
        struct Failing: ManifestEntrySource {
            let header = ManifestHeader(role: .post, startedAtNs: 0, tool: "test")
            var left = 3
            var entries: [ManifestEntry]
            mutating func next() throws -> ManifestEntry? {
                guard left > 0 else { throw ManifestKitError(.invalidManifest, subject: "old.gz", line: 5, reason: "corrupt gzip data: incorrect data check") }
                left -= 1
                return entries.isEmpty ? nil : entries.removeFirst()
            }
        }
        let t = try tree()
        let full = try t.walk()
        let index = ReuseIndex(source: Failing(entries: full), sampler: try ReuseSampler(fraction: 0, seed: 0), capacity: 64)
        var options = WalkOptions(concurrency: 2)
        options.reuse = index
        XCTAssertThrowsError(try t.walk(options)) { error in
            XCTAssertEqual("\(error)", "old.gz:5: corrupt gzip data: incorrect data check")
        }
    }

    func testFinishReadsTheRestOfTheSource() throws {
        let t = try tree()
        let full = try t.walk()
        try t.write(b("a"), b("abcd")) // nothing else looked up past the end
        let extra = ManifestEntry(path: b("zz"), type: .file, sha256: fake)
        let r = try walk(t, reusing: full + [extra])
        XCTAssertEqual(r.read, ["a"])
        XCTAssertEqual(try r.index.finish(), ReuseCounts(reused: 11, sampled: 0, mismatches: 0, seed: 7))
    }

    func testHeadersMustNameTheSameRootAndFileSystem() {
        let walk = ManifestHeader(role: .post, root: "/mnt/efs", fileSystemId: "fs-1", startedAtNs: 0, tool: "t")
        var same = walk
        same.role = .baseline
        XCTAssertNil(ReuseIndex.problem(reuse: same, walk: walk))
        var otherRoot = walk
        otherRoot.root = "/mnt/other"
        XCTAssertEqual(ReuseIndex.problem(reuse: otherRoot, walk: walk),
                       #"is a manifest of another tree (root "/mnt/other", file system "fs-1") than this walk's (root "/mnt/efs", file system "fs-1")"#)
        var otherFS = walk
        otherFS.fileSystemId = nil
        XCTAssertEqual(ReuseIndex.problem(reuse: otherFS, walk: walk),
                       #"is a manifest of another tree (root "/mnt/efs", file system (none)) than this walk's (root "/mnt/efs", file system "fs-1")"#)
    }
}
