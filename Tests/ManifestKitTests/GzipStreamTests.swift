import XCTest
@testable import ManifestKit

final class GzipStreamTests: XCTestCase {
    private let text: [UInt8] = (0..<50_000).flatMap { Array("line \($0) of some text\n".utf8) }

    func testRoundTripAtEveryLevelAndSmallReads() throws {
        for level: Int32 in [0, 1, 6, 9] {
            let gz = try Fixtures.gzip(text, level: level)
            XCTAssertEqual(Array(gz.prefix(2)), [0x1F, 0x8B], "level \(level)")
            XCTAssertEqual(try Fixtures.gunzip(gz, chunk: 7), text, "level \(level)")
        }
    }

    func testEmptyPayloadRoundTrips() throws {
        XCTAssertEqual(try Fixtures.gunzip(try Fixtures.gzip([])), [])
    }

    func testMultiMemberStreamDecodesAsConcatenation() throws {
        let a = Array("first member\n".utf8), b = Array(text.prefix(100_000)), c = Array("third\n".utf8)
        let gz = try Fixtures.gzip(a) + Fixtures.gzip(b, level: 1) + Fixtures.gzip(c)
        XCTAssertEqual(try Fixtures.gunzip(gz), a + b + c)
        XCTAssertEqual(try Fixtures.gunzip(gz, chunk: 3), a + b + c)
    }

    func testMembersCompletedCounts() throws {
        let gz = try Fixtures.gzip([1]) + Fixtures.gzip([2])
        let src = try GzipDecompressingSource(wrapping: MemorySource(gz))
        var buf = [UInt8](repeating: 0, count: 16)
        while try buf.withUnsafeMutableBytes({ try src.read(into: $0) }) > 0 {}
        XCTAssertEqual(src.membersCompleted, 2)
    }

    func testTruncatedStreamIsAnError() throws {
        let gz = try Fixtures.gzip(text)
        for cut in [gz.count - 1, gz.count - 8, gz.count / 2, 10] {
            XCTAssertThrowsError(try Fixtures.gunzip(Array(gz.prefix(cut)))) { error in
                XCTAssertEqual(error as? ManifestKitError, ManifestKitError(
                    .invalidManifest, subject: "<memory>", reason: "truncated gzip stream (it ends inside a member)"), "cut \(cut)")
            }
        }
    }

    func testEmptyInputIsAnError() {
        XCTAssertThrowsError(try Fixtures.gunzip([])) { error in
            XCTAssertEqual((error as? ManifestKitError)?.reason, "truncated gzip stream (empty input)")
        }
    }

    func testCorruptDataCarriesZlibMessage() throws {
        var gz = try Fixtures.gzip(text)
        for i in 20..<60 { gz[i] ^= 0x5A }
        XCTAssertThrowsError(try Fixtures.gunzip(gz)) { error in
            let e = error as? ManifestKitError
            XCTAssertEqual(e?.kind, .invalidManifest)
            XCTAssertTrue(e?.reason.hasPrefix("corrupt gzip data: ") ?? false, "\(error)")
        }
    }

    func testCorruptCrcIsDetected() throws {
        var gz = try Fixtures.gzip(text)
        gz[gz.count - 6] ^= 0xFF  // inside the CRC-32 of the trailer
        XCTAssertThrowsError(try Fixtures.gunzip(gz)) { error in
            XCTAssertEqual((error as? ManifestKitError)?.reason, "corrupt gzip data: incorrect data check")
        }
    }

    func testNotGzipIsRejected() {
        XCTAssertThrowsError(try Fixtures.gunzip(Array("{\"manifest\":1}\n".utf8))) { error in
            XCTAssertEqual((error as? ManifestKitError)?.reason, "not gzip-compressed (gzip it, or give the manifest as written: gzipped NDJSON)")
        }
    }

    func testGarbageAfterMemberIsRejected() throws {
        let gz = try Fixtures.gzip(text) + Array("junk".utf8)
        XCTAssertThrowsError(try Fixtures.gunzip(gz)) { error in
            XCTAssertEqual((error as? ManifestKitError)?.reason, "corrupt gzip data: incorrect header check")
        }
    }

    func testBadLevelIsRejected() {
        XCTAssertThrowsError(try GzipCompressingSink(wrapping: MemorySink(), level: 10)) { error in
            XCTAssertEqual(error as? ManifestKitError, ManifestKitError(
                .invalidArgument, subject: "gzip", reason: "compression level 10 is not in 0...9"))
        }
    }

    func testFinishAndAbortReachTheWrappedSink() throws {
        let a = MemorySink(), b = MemorySink()
        let ga = try GzipCompressingSink(wrapping: a)
        try ga.write([1, 2, 3])
        try ga.finish()
        XCTAssertTrue(a.isFinished)
        let gb = try GzipCompressingSink(wrapping: b)
        gb.abort()
        XCTAssertTrue(b.isAborted)
        XCTAssertFalse(b.isFinished)
    }
}
