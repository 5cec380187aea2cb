import XCTest
@testable import ManifestKit

/// The format's reuse additions: `"reuseMismatch":true` on entries and the
/// trailer's `reuse` object, written, read back, checked.
final class ReuseFormatTests: XCTestCase {
    private func b(_ s: String) -> [UInt8] { Array(s.utf8) }
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    private func rejects(_ line: String, _ reason: String, file: StaticString = #filePath, line l: UInt = #line) {
        XCTAssertThrowsError(try ManifestCodec.decodeLine(b(line)), file: file, line: l) { error in
            XCTAssertEqual((error as? ManifestKitError)?.reason, reason, file: file, line: l)
        }
    }

    private var mismatched: ManifestEntry {
        var e = Fixtures.file("a")
        e.reuseMismatch = true
        return e
    }

    func testReuseMismatchIsWrittenLastAndReadBack() throws {
        let line = ManifestCodec.entryLine(mismatched)
        XCTAssertEqual(text(line), #"{"path":"a","type":"file","size":3,"mode":420,"uid":1000,"gid":1000,"mtimeNs":1700000000000000001,"ctimeNs":1700000000000000002,"ino":42,"nlink":1,"sha256":"\#(Fixtures.sha)","reuseMismatch":true}"# + "\n")
        XCTAssertEqual(try ManifestCodec.decodeEntry(Array(line.dropLast())), mismatched)
        // The general decoder: other key order, whitespace, false.
        let general = #"{"reuseMismatch" : true,"path":"a","type":"file","size":3,"mode":420,"uid":1000,"gid":1000,"mtimeNs":1700000000000000001,"ctimeNs":1700000000000000002,"ino":42,"nlink":1,"sha256":"\#(Fixtures.sha)"}"#
        XCTAssertEqual(try ManifestCodec.decodeEntry(b(general)), mismatched)
        let no = general.replacingOccurrences(of: "true", with: "false")
        XCTAssertEqual(try ManifestCodec.decodeEntry(b(no)), Fixtures.file("a"))
        XCTAssertFalse(text(ManifestCodec.entryLine(Fixtures.file("a"))).contains("reuseMismatch"))
    }

    func testReuseMismatchRules() {
        let base = #""type":"file","size":3,"mode":420,"uid":0,"gid":0,"mtimeNs":1,"ctimeNs":1,"ino":1,"nlink":1"#
        let sha = #","sha256":"\#(Fixtures.sha)""#
        rejects(#"{"path":"a",\#(base)\#(sha),"reuseMismatch":1}"#, #""reuseMismatch" must be a boolean"#)
        rejects(#"{"path":"a",\#(base)\#(sha),"reuseMismatch":true,"reuseMismatch":true}"#, #"duplicate key "reuseMismatch""#)
        rejects(#"{"path":"a",\#(base),"error":"EIO: x","reuseMismatch":true}"#, #""reuseMismatch" without "sha256""#)
        rejects(#"{"path":"a",\#(base)\#(sha),"unstable":true,"reuseMismatch":true}"#, #""reuseMismatch" together with "unstable""#)
        rejects(#"{"path":"a","type":"dir","size":3,"mode":420,"uid":0,"gid":0,"mtimeNs":1,"ctimeNs":1,"ino":1,"nlink":1,"reuseMismatch":true}"#,
                #""reuseMismatch" on a dir entry"#)
        var dir = Fixtures.dir("d")
        dir.reuseMismatch = true
        XCTAssertEqual(dir.problem, #""reuseMismatch" on a dir entry"#)
    }

    func testTrailerReuseObjectRoundTrips() throws {
        var t = ManifestTrailer()
        t.entriesSha256 = Fixtures.sha
        t.reuse = ReuseCounts(reused: 990, sampled: 10, mismatches: 1, seed: 18_446_744_073_709_551_615)
        let line = ManifestCodec.trailerLine(t)
        XCTAssertTrue(text(line).hasSuffix(#","entriesSha256":"\#(Fixtures.sha)","reuse":{"reused":990,"sampled":10,"mismatches":1,"seed":18446744073709551615}}}"# + "\n"), text(line))
        XCTAssertEqual(try ManifestCodec.decodeTrailer(Array(line.dropLast())), t)
        t.reuse = nil
        XCTAssertFalse(text(ManifestCodec.trailerLine(t)).contains("reuse"))
    }

    func testTrailerReuseRejections() {
        let head = #"{"trailer":{"entries":0,"files":0,"dirs":0,"symlinks":0,"others":0,"bytes":0,"errors":0,"unstable":0,"completedAt":"2026-01-01T00:00:00Z","entriesSha256":"\#(Fixtures.sha)","reuse":"#
        rejects(head + "1}}", #""reuse" must be an object"#)
        rejects(head + #"{"reused":1,"sampled":1,"mismatches":0}}}"#, #""reuse" is missing "seed""#)
        rejects(head + #"{"reused":1,"sampled":1,"mismatches":2,"seed":0}}}"#, #""reuse": "mismatches" (2) is more than "sampled" (1)"#)
        rejects(head + #"{"reused":-1,"sampled":1,"mismatches":0,"seed":0}}}"#, #""reuse.reused" is out of range"#)
        rejects(head + #"{"reused":1,"reused":1,"sampled":1,"mismatches":0,"seed":0}}}"#, #"duplicate key "reuse.reused""#)
        rejects(head + #"{"reused":1,"sampled":1,"mismatches":0,"seed":0},"reuse":{}}}"#, #"duplicate key "reuse""#)
    }

    func testWriterCountsMismatchesAndTheReaderChecksThem() throws {
        let sink = MemorySink()
        let w = try ManifestWriter(header: Fixtures.header, sink: sink)
        try w.append(Fixtures.dir("0"))
        try w.append(mismatched)
        let trailer = try w.finish(completedAtNs: 1, reuse: ReuseCounts(reused: 5, sampled: 2, mismatches: 0, seed: 9))
        XCTAssertEqual(trailer.reuse, ReuseCounts(reused: 5, sampled: 2, mismatches: 1, seed: 9))
        let r = try ManifestReader(source: MemorySource(sink.bytes, name: "m.gz"))
        XCTAssertEqual(try r.next(), Fixtures.dir("0"))
        XCTAssertEqual(try r.next(), mismatched)
        XCTAssertNil(try r.next())
        XCTAssertEqual(r.trailer, trailer)
    }

    func testWriterRefusesMismatchesWithoutReuseCounts() throws {
        let w = try ManifestWriter(header: Fixtures.header, sink: MemorySink())
        try w.append(mismatched)
        XCTAssertThrowsError(try w.finish(completedAtNs: 1)) { error in
            XCTAssertEqual((error as? ManifestKitError)?.reason, "reuse: 1 entries have reuseMismatch but no reuse counts were given")
        }
        XCTAssertThrowsError(try w.finish(completedAtNs: 1, reuse: ReuseCounts(sampled: 0))) { error in
            XCTAssertEqual((error as? ManifestKitError)?.reason, "reuse: 1 mismatches but only 0 sampled")
        }
        XCTAssertEqual(try w.finish(completedAtNs: 1, reuse: ReuseCounts(sampled: 1)).reuse?.mismatches, 1)
    }

    func testReaderRejectsAMismatchCountThatDiffers() throws {
        let lines = [ManifestCodec.entryLine(mismatched)]
        let header = ManifestCodec.headerLine(Fixtures.header)
        let absent = try Fixtures.trailerLine(for: lines) { $0.reuse = nil }
        XCTAssertThrowsError(try Fixtures.readAll(try Fixtures.gzipLines([header] + lines + [absent]))) { error in
            XCTAssertEqual("\(error)", #"m.gz:3: trailer mismatch: "reuse.mismatches" is absent but 1 entries have "reuseMismatch""#)
        }
        let plain = [ManifestCodec.entryLine(Fixtures.file("a"))]
        let stated = try Fixtures.trailerLine(for: plain) { $0.reuse = ReuseCounts(reused: 0, sampled: 3, mismatches: 2, seed: 0) }
        XCTAssertThrowsError(try Fixtures.readAll(try Fixtures.gzipLines([header] + plain + [stated]))) { error in
            XCTAssertEqual("\(error)", #"m.gz:3: trailer mismatch: "reuse.mismatches" is 2 but 0 entries have "reuseMismatch""#)
        }
        let good = try Fixtures.trailerLine(for: lines) { $0.reuse = ReuseCounts(reused: 7, sampled: 1, mismatches: 1, seed: 3) }
        XCTAssertEqual(try Fixtures.readAll(try Fixtures.gzipLines([header] + lines + [good])), [mismatched])
    }
}
