import Primitives
import XCTest
@testable import ManifestKit

final class ManifestWriterTests: XCTestCase {
    private func b(_ s: String) -> [UInt8] { Array(s.utf8) }

    func testWritesHeaderEntriesAndTrailer() throws {
        let entries = [Fixtures.dir("a"), Fixtures.file("a/b", size: 10), Fixtures.file("a-c", size: 5),
                       ManifestEntry(path: b("ab"), type: .symlink, target: b("a")),
                       ManifestEntry(path: b("b"), type: .fifo),
                       ManifestEntry(path: b("c"), type: .file, error: "EACCES: Permission denied"),
                       Fixtures.file("d").with { $0.unstable = true }]
        let lines = try Fixtures.lines(entries)
        XCTAssertEqual(lines.count, entries.count + 2)
        XCTAssertEqual(lines[0], ManifestCodec.headerLine(Fixtures.header))
        for (i, e) in entries.enumerated() { XCTAssertEqual(lines[i + 1], ManifestCodec.entryLine(e)) }
        let h = SHA256()
        for line in lines.dropFirst().dropLast() { h.update(line) }
        var t = ManifestTrailer()
        t.entries = 7; t.files = 4; t.dirs = 1; t.symlinks = 1; t.others = 1; t.bytes = 18; t.errors = 1; t.unstable = 1
        t.completedAtNs = Fixtures.startedAt + 5_000_000_000
        t.entriesSha256 = h.finalizeHex()
        XCTAssertEqual(lines.last, ManifestCodec.trailerLine(t))
    }

    func testEmptyManifestHasTheDigestOfNothing() throws {
        let lines = try Fixtures.lines([])
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(try ManifestCodec.decodeTrailer(Array(lines[1].dropLast())).entriesSha256,
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    func testOutOfOrderAndDuplicatePathsAreRefused() throws {
        let sink = MemorySink()
        let w = try ManifestWriter(header: Fixtures.header, sink: sink)
        try w.append(Fixtures.file("a/b"))
        XCTAssertThrowsError(try w.append(Fixtures.file("a/b"))) {
            XCTAssertEqual($0 as? ManifestKitError, ManifestKitError(.outOfOrder, subject: "a/b", reason: "duplicate path"))
        }
        XCTAssertThrowsError(try w.append(Fixtures.file("a"))) {
            XCTAssertEqual($0 as? ManifestKitError, ManifestKitError(
                .outOfOrder, subject: "a", reason: "path sorts before the previous path \"a/b\""))
        }
        try w.append(Fixtures.file("a-c"))  // `a/b` < `a-c`: component order, not string order
        try w.append(Fixtures.file("ab"))
        try w.append(ManifestEntry(path: [0xC3, 0xA9], type: .dir))
        try w.append(ManifestEntry(path: [0xFF], type: .dir))
        XCTAssertEqual(w.trailer.entries, 5)
    }

    func testInvalidEntriesAreRefused() throws {
        let w = try ManifestWriter(header: Fixtures.header, sink: MemorySink())
        XCTAssertThrowsError(try w.append(Fixtures.file("a//b"))) {
            XCTAssertEqual($0 as? ManifestKitError, ManifestKitError(
                .invalidArgument, subject: "a//b", reason: "invalid entry: path \"a//b\" has an empty component"))
        }
        XCTAssertThrowsError(try w.append(ManifestEntry(path: b("x"), type: .file))) {
            XCTAssertEqual(($0 as? ManifestKitError)?.reason, "invalid entry: file entry without \"sha256\" or \"error\"")
        }
    }

    func testHeaderThatReadersWouldRejectIsRefused() {
        var h = Fixtures.header
        h.shardIndex = 1
        let sink = MemorySink()
        XCTAssertThrowsError(try ManifestWriter(header: h, sink: sink)) {
            XCTAssertEqual($0 as? ManifestKitError, ManifestKitError(
                .invalidArgument, subject: "manifest header", reason: "\"shard\" index 1 of count 1 is out of range"))
        }
        XCTAssertTrue(sink.isAborted)
    }

    func testOverlongEntryIsRefusedAndTheWriterGoesOn() throws {
        let w = try ManifestWriter(header: Fixtures.header, sink: MemorySink())
        let long = ManifestEntry(path: [UInt8](repeating: 0x61, count: ManifestReader.defaultMaxLineLength), type: .dir)
        XCTAssertThrowsError(try w.append(long)) {
            XCTAssertEqual(($0 as? ManifestKitError)?.reason, "invalid entry: line longer than 8388608 bytes")
        }
        try w.append(Fixtures.dir("b"))
        XCTAssertEqual(w.trailer.entries, 1)
    }

    func testAbortAbortsTheSinkAndFinishFinishesIt() throws {
        let a = MemorySink()
        let w = try ManifestWriter(header: Fixtures.header, sink: a)
        try w.append(Fixtures.file("x"))
        w.abort()
        XCTAssertTrue(a.isAborted)
        XCTAssertThrowsError(try w.append(Fixtures.file("y")))
        let b = MemorySink()
        try ManifestWriter(header: Fixtures.header, sink: b).finish(completedAtNs: 0)
        XCTAssertTrue(b.isFinished)
        XCTAssertFalse(b.isAborted)
    }

    func testDroppingAnUnfinishedWriterAbortsTheSink() throws {
        let sink = MemorySink()
        do { _ = try ManifestWriter(header: Fixtures.header, sink: sink) }
        XCTAssertTrue(sink.isAborted)
    }

    func testOutputIsBufferedNotWrittenPerLine() throws {
        let counter = DfMemorySink()
        let w = try ManifestWriter(header: Fixtures.header, sink: counter, bufferSize: 64 * 1024)
        for i in 0..<5000 { try w.append(Fixtures.file(String(format: "f%05d", i))) }
        try w.finish(completedAtNs: 0)
        XCTAssertLessThan(counter.writes, 20)
    }
}
