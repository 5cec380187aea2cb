import XCTest
@testable import ManifestKit

final class ManifestReaderTests: XCTestCase {
    private func b(_ s: String) -> [UInt8] { Array(s.utf8) }

    private let entries: [ManifestEntry] = [
        Fixtures.dir("a"), Fixtures.file("a/b"), Fixtures.file("a-c"),
        ManifestEntry(path: [0x61, 0x62, 0xFF], type: .symlink, target: [0xFE]),
        ManifestEntry(path: Array("b".utf8), type: .socket),
    ]

    private func assertRejected(_ bytes: [UInt8], line: Int, _ reason: String, file: StaticString = #filePath, line l: UInt = #line) {
        XCTAssertThrowsError(try Fixtures.readAll(bytes), file: file, line: l) { error in
            XCTAssertEqual(error as? ManifestKitError, ManifestKitError(.invalidManifest, subject: "m.gz", line: line, reason: reason),
                           file: file, line: l)
        }
    }

    func testReadsBackWhatTheWriterWrote() throws {
        let bytes = try Fixtures.manifest(entries)
        for chunk in [Int.max, 1, 13] {
            XCTAssertEqual(try Fixtures.readAll(bytes, chunk: chunk), entries)
        }
        let r = try ManifestReader(source: MemorySource(bytes))
        XCTAssertEqual(r.header, Fixtures.header)
        while try r.next() != nil {}
        XCTAssertEqual(r.trailer?.entries, 5)
        XCTAssertEqual(r.lineNumber, 7)
        XCTAssertNil(try r.next())
    }

    func testValidateReturnsHeaderAndTrailer() throws {
        let summary = try ManifestReader.validate(MemorySource(try Fixtures.manifest(entries)))
        XCTAssertEqual(summary.header, Fixtures.header)
        XCTAssertEqual(summary.trailer.entries, 5)
        XCTAssertEqual(summary.trailer.symlinks, 1)
        XCTAssertEqual(summary.trailer.completedAtNs, Fixtures.startedAt + 5_000_000_000)
    }

    func testMultiMemberManifestIsAccepted() throws {
        let lines = try Fixtures.lines(entries)
        let bytes = try Fixtures.gzipLines(Array(lines.prefix(3))) + Fixtures.gzipLines(Array(lines.dropFirst(3)))
        XCTAssertEqual(try Fixtures.readAll(bytes), entries)
    }

    func testTruncatedGzip() throws {
        let bytes = try Fixtures.manifest(entries)
        // Every line arrived; the stream's own end (CRC and size) is missing.
        assertRejected(Array(bytes.dropLast(4)), line: 8, "truncated gzip stream (it ends inside a member)")
    }

    func testTruncatedGzipReportsTheLineBeingRead() throws {
        let many = (0..<20_000).map { Fixtures.file(String(format: "f%06d", $0)) }
        let bytes = try Fixtures.manifest(many, level: 0)
        XCTAssertThrowsError(try Fixtures.readAll(Array(bytes.prefix(bytes.count / 2)))) { error in
            let e = error as? ManifestKitError
            XCTAssertEqual(e?.reason, "truncated gzip stream (it ends inside a member)")
            XCTAssertGreaterThan(e?.line ?? 0, 5000)
            XCTAssertLessThan(e?.line ?? .max, 15_000)
        }
    }

    func testCutBeforeTrailer() throws {
        let lines = try Fixtures.lines(entries)
        assertRejected(try Fixtures.gzipLines(Array(lines.dropLast())), line: 7, "truncated: no trailer")
    }

    func testCutInsideALine() throws {
        let lines = try Fixtures.lines(entries)
        assertRejected(try Fixtures.gzipLines(Array(lines.prefix(3)) + [Array(lines[3].prefix(10))]), line: 4,
                       "truncated: the last line has no newline")
    }

    func testTamperedDigest() throws {
        var lines = try Fixtures.lines(entries)
        let tampered = ManifestCodec.entryLine(entries[1].with { $0.mode = 0o600 })
        let honest = try Fixtures.trailerLine(for: Array(lines[1...5]))
        lines[2] = tampered
        let trailer = try ManifestCodec.decodeTrailer(Array(honest.dropLast()))
        let actual = try Fixtures.trailerLine(for: Array(lines[1...5]))
        let actualSha = try ManifestCodec.decodeTrailer(Array(actual.dropLast())).entriesSha256
        lines[6] = honest
        assertRejected(try Fixtures.gzipLines(lines), line: 7,
                       "trailer mismatch: \"entriesSha256\" is \(trailer.entriesSha256) but the entry lines hash to \(actualSha)")
    }

    func testTamperedCount() throws {
        var lines = try Fixtures.lines(entries)
        lines[6] = try Fixtures.trailerLine(for: Array(lines[1...5])) { $0.files = 3 }
        assertRejected(try Fixtures.gzipLines(lines), line: 7, "trailer mismatch: \"files\" is 3 but the entries count 2")
        lines[6] = try Fixtures.trailerLine(for: Array(lines[1...5])) { $0.entries = 6 }
        assertRejected(try Fixtures.gzipLines(lines), line: 7, "trailer mismatch: \"entries\" is 6 but the entries count 5")
    }

    func testDroppedEntryLineIsCaughtByTheTrailer() throws {
        var lines = try Fixtures.lines(entries)
        lines.remove(at: 3)
        assertRejected(try Fixtures.gzipLines(lines), line: 6, "trailer mismatch: \"entries\" is 5 but the entries count 4")
    }

    func testUnsorted() throws {
        var lines = try Fixtures.lines(entries)
        lines.swapAt(2, 3)  // a-c before a/b
        lines[6] = try Fixtures.trailerLine(for: Array(lines[1...5]))
        assertRejected(try Fixtures.gzipLines(lines), line: 4,
                       "out of order: path \"a/b\" sorts before the previous path \"a-c\"")
    }

    func testDuplicate() throws {
        var lines = try Fixtures.lines(entries)
        lines.insert(lines[2], at: 3)
        lines[7] = try Fixtures.trailerLine(for: Array(lines[1...6]))
        assertRejected(try Fixtures.gzipLines(lines), line: 4, "duplicate path \"a/b\"")
    }

    /// Found with the manifest-reader fuzz target: the byte total trapped (SIGILL).
    func testFileSizesSummingPast64BitsAreRejected() throws {
        var lines = try Fixtures.lines([Fixtures.file("a", size: .max)])
        lines.insert(ManifestCodec.entryLine(Fixtures.file("b", size: .max)), at: 2)
        assertRejected(try Fixtures.gzipLines(lines), line: 3, "file sizes sum past 2^64-1 bytes (18446744073709551615): no trailer can state the total")
        var fits = try Fixtures.lines([Fixtures.file("a", size: .max - 1)])
        fits.insert(ManifestCodec.entryLine(Fixtures.file("b", size: 1)), at: 2)
        fits[3] = try Fixtures.trailerLine(for: Array(fits[1...2]))
        XCTAssertEqual(try Fixtures.readAll(try Fixtures.gzipLines(fits)).map(\.size), [.max - 1, 1])
    }

    func testWrongVersion() throws {
        var lines = try Fixtures.lines(entries)
        lines[0] = b(String(decoding: lines[0], as: UTF8.self).replacingOccurrences(of: "verifier/1", with: "verifier/2"))
        assertRejected(try Fixtures.gzipLines(lines), line: 1,
                       "unsupported manifest version \"efs-backup-verifier/2\" (expected \"efs-backup-verifier/1\")")
    }

    func testBadJSON() throws {
        var lines = try Fixtures.lines(entries)
        lines[2] = b("{\"path\":\"a/b\",\"type\":\"file\"\n")
        assertRejected(try Fixtures.gzipLines(lines), line: 3, "invalid JSON at column 28: unexpected end of line")
    }

    func testBadEntryRuleCarriesItsLine() throws {
        var lines = try Fixtures.lines(entries)
        lines[5] = b(String(decoding: lines[5], as: UTF8.self).replacingOccurrences(of: "socket", with: "door"))
        assertRejected(try Fixtures.gzipLines(lines), line: 6, "unknown entry type \"door\"")
    }

    func testGarbageAfterTrailer() throws {
        let lines = try Fixtures.lines(entries)
        assertRejected(try Fixtures.gzipLines(lines + [b("{}\n")]), line: 8, "unexpected data after the trailer")
        assertRejected(try Fixtures.gzipLines(lines + [b("\n")]), line: 8, "unexpected data after the trailer")
        assertRejected(try Fixtures.manifest(entries) + [0x00, 0x00], line: 8, "corrupt gzip data: incorrect header check")
    }

    func testSecondTrailerIsGarbage() throws {
        let lines = try Fixtures.lines(entries)
        assertRejected(try Fixtures.gzipLines(lines + [lines[6]]), line: 8, "unexpected data after the trailer")
    }

    func testEmptyAndHeaderlessStreams() throws {
        assertRejected(try Fixtures.gzip([]), line: 1, "empty manifest: no header")
        assertRejected(try Fixtures.gzip(b("hello\n")), line: 1, "invalid JSON at column 1: expected '{'")
        assertRejected(try Fixtures.gzipLines([ManifestCodec.entryLine(entries[0])]), line: 1,
                       "not a manifest header: missing \"manifest\"")
        assertRejected(b("plain text"), line: 1, "not gzip-compressed (gzip it, or give the manifest as written: gzipped NDJSON)")
    }

    func testOverlongLine() throws {
        let lines = try Fixtures.lines(entries)
        let long = b("{\"path\":\"" + String(repeating: "x", count: 5000) + "\"}\n")
        XCTAssertThrowsError(try Fixtures.readAll(try Fixtures.gzipLines([lines[0], long]), maxLine: 4096)) {
            XCTAssertEqual($0 as? ManifestKitError, ManifestKitError(
                .invalidManifest, subject: "m.gz", line: 2, reason: "line is longer than 4096 bytes"))
        }
        // A line just under the bound is read (and then fails on its own merits).
        let fits = b("{\"path\":\"" + String(repeating: "x", count: 4000) + "\"}\n")
        XCTAssertThrowsError(try Fixtures.readAll(try Fixtures.gzipLines([lines[0], fits]), maxLine: 4096)) {
            XCTAssertEqual(($0 as? ManifestKitError)?.reason, "missing \"type\"")
        }
    }

    func testHundredThousandEntriesRoundTrip() throws {
        var written = ManifestTrailer()
        let sink = MemorySink()
        let w = try ManifestWriter(header: Fixtures.header, sink: sink)
        for i in 0..<100_000 {
            let e = i % 10 == 0
                ? Fixtures.dir(String(format: "d%03d", i / 1000) + String(format: "/s%05d", i))
                : Fixtures.file(String(format: "d%03d", i / 1000) + String(format: "/s%05d", i), size: UInt64(i))
            if i % 1000 == 0 { try w.append(Fixtures.dir(String(format: "d%03d", i / 1000))); XCTAssertTrue(written.count(Fixtures.dir("x"))) }
            try w.append(e)
            XCTAssertTrue(written.count(e))
        }
        let trailer = try w.finish(completedAtNs: 1)
        XCTAssertTrue(trailer.countsEqual(written))
        let r = try ManifestReader(source: MemorySource(sink.bytes, chunkSize: 65_536))
        var n: UInt64 = 0
        var bytes: UInt64 = 0
        while let e = try r.next() {
            n += 1
            bytes += e.type == .file ? e.size : 0
        }
        XCTAssertEqual(n, 100_100)
        XCTAssertEqual(bytes, written.bytes)
        XCTAssertEqual(r.trailer, trailer)
    }
}
