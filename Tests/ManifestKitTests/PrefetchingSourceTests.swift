import XCTest
@testable import ManifestKit

final class PrefetchingSourceTests: XCTestCase {
    private let small: [ManifestEntry] = [
        Fixtures.dir("a"), Fixtures.file("a/b"), Fixtures.file("a-c"),
        ManifestEntry(path: [0x61, 0x62, 0xFF], type: .symlink, target: [0xFE]),
        ManifestEntry(path: Array("b".utf8), type: .socket),
    ]

    private static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    /// `count` entries in manifest order: a directory per 1,000, files inside.
    private static func many(_ count: Int) -> [ManifestEntry] {
        var out: [ManifestEntry] = []
        out.reserveCapacity(count + count / 1000 + 1)
        for i in 0..<count {
            let dir = "d" + pad(i / 1000, 4)
            if i % 1000 == 0 { out.append(Fixtures.dir(dir)) }
            out.append(Fixtures.file(dir + "/f" + pad(i, 7), size: UInt64(i)))
        }
        return out
    }

    private func reader(_ bytes: [UInt8], chunk: Int = .max) throws -> ManifestReader {
        try ManifestReader(source: MemorySource(bytes, name: "m.gz", chunkSize: chunk))
    }

    private func drain(_ source: inout some ManifestEntrySource) throws -> [ManifestEntry] {
        var out: [ManifestEntry] = []
        while let e = try source.next() { out.append(e) }
        return out
    }

    /// Reads `source` until it throws; returns the entries before and the error.
    private func drainUntilError(_ source: some ManifestEntrySource) -> ([ManifestEntry], ManifestKitError?) {
        var source = source
        var out: [ManifestEntry] = []
        do {
            while let e = try source.next() { out.append(e) }
            return (out, nil)
        } catch {
            return (out, error as? ManifestKitError)
        }
    }

    func testLargeManifestComesOutInTheSameOrderWithTheSameTrailer() throws {
        let entries = Self.many(60_000)
        let bytes = try Fixtures.manifest(entries)
        var plain = try reader(bytes)
        let expected = try drain(&plain)
        XCTAssertEqual(expected.count, 60_060)
        for (batchSize, depth) in [(2048, 3), (1000, 1), (7, 2)] {
            var prefetched = PrefetchingEntrySource(try reader(bytes, chunk: 65_536), batchSize: batchSize, queueDepth: depth)
            XCTAssertEqual(try drain(&prefetched), expected, "batch \(batchSize)")
            XCTAssertEqual(prefetched.trailer, plain.trailer)
            XCTAssertNotNil(prefetched.trailer)
            XCTAssertNil(try prefetched.next(), "nil again after the end")
        }
    }

    func testHeaderIsForwardedBeforeAnyEntryIsRead() throws {
        let inner = try reader(try Fixtures.manifest(small))
        let prefetched = PrefetchingEntrySource(inner)
        XCTAssertEqual(prefetched.header, Fixtures.header)
        XCTAssertNil(prefetched.trailer, "no trailer before the end")
    }

    func testBatchBoundariesAtTheExactEnd() throws {
        let bytes = try Fixtures.manifest(small)
        for batchSize in [1, 2, 4, 5, 6, 100] {
            var prefetched = PrefetchingEntrySource(try reader(bytes), batchSize: batchSize, queueDepth: 1)
            XCTAssertEqual(try drain(&prefetched), small, "batch \(batchSize)")
            XCTAssertEqual(prefetched.trailer?.entries, 5)
        }
    }

    func testOrderErrorSurfacesAfterExactlyTheEntriesBeforeIt() throws {
        var lines = try Fixtures.lines(small)
        lines.swapAt(2, 3)  // a-c before a/b: line 4 is out of order
        lines[6] = try Fixtures.trailerLine(for: Array(lines[1...5]))
        let bytes = try Fixtures.gzipLines(lines)
        let expected = ManifestKitError(.invalidManifest, subject: "m.gz", line: 4,
                                        reason: "out of order: path \"a/b\" sorts before the previous path \"a-c\"")
        let (plainEntries, plainError) = drainUntilError(try reader(bytes))
        XCTAssertEqual(plainError, expected)
        for batchSize in [1, 2, 3, 1000] {
            let prefetched = PrefetchingEntrySource(try reader(bytes), batchSize: batchSize, queueDepth: 2)
            let (entries, error) = drainUntilError(prefetched)
            XCTAssertEqual(entries, plainEntries, "batch \(batchSize)")
            XCTAssertEqual(entries.map(\.displayPath), ["a", "a-c"])
            XCTAssertEqual(error, expected)
            XCTAssertEqual(error?.description, "m.gz:4: out of order: path \"a/b\" sorts before the previous path \"a-c\"")
            XCTAssertThrowsError(try prefetched.next(), "the error again") {
                XCTAssertEqual($0 as? ManifestKitError, expected)
            }
        }
    }

    func testTamperedDigestSurfacesAfterEveryEntry() throws {
        var lines = try Fixtures.lines(Self.many(5_000))
        let last = lines.count - 1
        lines[last] = try Fixtures.trailerLine(for: Array(lines[1..<last])) { $0.entriesSha256 = String(repeating: "0", count: 64) }
        let bytes = try Fixtures.gzipLines(lines)
        let (plainEntries, plainError) = drainUntilError(try reader(bytes))
        XCTAssertEqual(plainEntries.count, 5_005)
        XCTAssertEqual(plainError?.line, 5_007)
        let (entries, error) = drainUntilError(PrefetchingEntrySource(try reader(bytes), batchSize: 512))
        XCTAssertEqual(entries, plainEntries)
        XCTAssertEqual(error, plainError)
    }

    func testTruncatedGzipSurfacesWithTheReadersMessage() throws {
        let bytes = try Fixtures.manifest(Self.many(20_000))
        let cut = Array(bytes[0..<(bytes.count * 2 / 3)])
        let (plainEntries, plainError) = drainUntilError(try reader(cut))
        XCTAssertNotNil(plainError)
        XCTAssertEqual(plainError?.reason, "truncated gzip stream (it ends inside a member)")
        let (entries, error) = drainUntilError(PrefetchingEntrySource(try reader(cut), batchSize: 300))
        XCTAssertEqual(entries.count, plainEntries.count)
        XCTAssertEqual(entries.last, plainEntries.last)
        XCTAssertEqual(error, plainError)
    }

    func testCancelStopsAndJoinsTheThreadWithBoundedReadAhead() throws {
        let bytes = try Fixtures.manifest(Self.many(50_000))
        let prefetched = PrefetchingEntrySource(try reader(bytes), batchSize: 100, queueDepth: 2)
        for _ in 0..<5 { XCTAssertNotNil(try prefetched.next()) }
        XCTAssertNil(prefetched.inner, "the thread still owns the reader")
        prefetched.cancel()
        let inner = try XCTUnwrap(prefetched.inner, "joined: the reader is handed back")
        // One batch handed out, two queued, one being filled: at most 400 entries read.
        XCTAssertLessThanOrEqual(inner.lineNumber, 401)
        XCTAssertNil(inner.trailer)
        XCTAssertNil(try prefetched.next())
        prefetched.cancel()
    }

    func testDroppingMidStreamReleasesTheReader() throws {
        let bytes = try Fixtures.manifest(Self.many(50_000))
        weak var weakReader: ManifestReader?
        do {
            let inner = try reader(bytes)
            weakReader = inner
            let prefetched = PrefetchingEntrySource(inner, batchSize: 64, queueDepth: 1)
            XCTAssertEqual(try prefetched.next()?.displayPath, "d0000")
            XCTAssertTrue(prefetched.waitUntilReaderWaits(), "the thread filled the queue and blocks on it")
        }
        XCTAssertNil(weakReader, "deinit joined the thread, which released the reader")
    }

    func testDiffThroughPrefetchersEqualsThePlainDiff() throws {
        let baseline = Self.many(3_000)
        var restored = baseline
        restored.remove(at: 1_234)
        restored[2_000].sha256 = String(repeating: "cd", count: 32)
        let b = try Fixtures.manifest(baseline), r = try Fixtures.manifest(restored)

        var plain = MergeDiff(baseline: try reader(b), post: nil, restored: try reader(r))
        var expected: [Finding] = []
        while let f = try plain.next() { expected.append(f) }
        XCTAssertEqual(expected.count, 2)

        var prefetched = MergeDiff(baseline: PrefetchingEntrySource(try reader(b), batchSize: 100),
                                   post: nil, restored: PrefetchingEntrySource(try reader(r), batchSize: 100))
        var findings: [Finding] = []
        while let f = try prefetched.next() { findings.append(f) }
        XCTAssertEqual(findings, expected)
        XCTAssertEqual(prefetched.tally, plain.tally)
    }
}
