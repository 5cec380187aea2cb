import XCTest
@testable import ManifestKit

/// A manifest's ends (`<manifest>.ends.ndjson`): its first and last lines, and every way
/// a pair of lines can fail to be ends.
final class ManifestEndsTests: XCTestCase {
    private let plan = String(repeating: "0f", count: 32)

    private func shardHeader() -> ManifestHeader {
        ManifestHeader(role: .post, root: "/mnt/efs", fileSystemId: "fs-1", startedAtNs: 1_700_000_000_123_456_789, tool: "t",
                       shardIndex: 1, shardCount: 3, shardPlan: plan,
                       shardRange: ShardRange(start: Array("b".utf8), end: Array("d".utf8)))
    }

    func testTheEndsAreTheManifestsFirstAndLastLinesByteForByte() throws {
        let sink = MemorySink()
        let writer = try ManifestWriter(header: shardHeader(), sink: sink, compressOn: .caller)
        for path in ["b", "b/x", "c"] { try writer.append(Fixtures.file(path)) }
        let trailer = try writer.finish(completedAtNs: 1_700_000_060_000_000_001)
        let lines = try Fixtures.gunzip(sink.bytes).split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
        let ends = ManifestEnds(header: shardHeader(), trailer: trailer)
        XCTAssertEqual(ends.encoded(), Array(lines.first!) + [0x0A] + Array(lines.last!) + [0x0A])
        XCTAssertEqual(try ManifestEnds.decode(ends.encoded(), name: "p.ends.ndjson"), ends)
        XCTAssertEqual(ManifestEnds.location(of: "s3://b/runs/r/post/part-0001.ndjson.gz"),
                       "s3://b/runs/r/post/part-0001.ndjson.gz.ends.ndjson")
    }

    func testEveryMalformedEndsIsNamedWithItsLine() throws {
        let sink = MemorySink()
        let writer = try ManifestWriter(header: shardHeader(), sink: sink, compressOn: .caller)
        try writer.append(Fixtures.dir("b"))
        let good = ManifestEnds(header: shardHeader(), trailer: try writer.finish(completedAtNs: 5)).encoded()
        let header = Array(good[...good.firstIndex(of: 0x0A)!])
        let trailer = Array(good[(good.firstIndex(of: 0x0A)! + 1)...])
        func trailerLine(_ edit: (inout ManifestTrailer) -> Void) throws -> [UInt8] {
            var t = try ManifestCodec.decodeTrailer(Array(trailer.dropLast()))
            edit(&t)
            return ManifestCodec.trailerLine(t)
        }
        let cases: [([UInt8], Int?, String)] = [
            ([], 1, "empty: no header"),
            (Array(header.dropLast()), 1, "truncated: the last line has no newline"),
            (header, 2, "truncated: no trailer"),
            (header + trailer.dropLast(), 2, "truncated: the last line has no newline"),
            (header + trailer + [0x0A], 3, "unexpected data after the trailer"),
            (header + trailer + header, 3, "unexpected data after the trailer"),
            (trailer + trailer, 1, "not a manifest header: missing \"manifest\""),
            (header + header, 2, "missing \"trailer\""),
            (header + ManifestCodec.entryLine(Fixtures.file("b")), 2, "missing \"trailer\""),
            (Array(#"{"manifest":"efs-backup-verifier/2"}"#.utf8) + [0x0A] + trailer, 1,
             #"unsupported manifest version "efs-backup-verifier/2" (expected "efs-backup-verifier/1")"#),
            (header + Array(#"{"trailer":{"entries":1}}"#.utf8) + [0x0A], 2, #"trailer is missing "files""#),
            (header + (try trailerLine { $0.entries = 2 }), 2, #""entries" is 2 but "files", "dirs", "symlinks" and "others" sum to 1"#),
            (header + (try trailerLine { $0.files = UInt64.max }), 2, #""files", "dirs", "symlinks" and "others" sum past 2^64-1"#),
            (header + (try trailerLine { $0.errors = 2 }), 2, #""errors" is 2, more than "entries" (1)"#),
            (header + (try trailerLine { $0.unstable = 3 }), 2, #""unstable" is 3, more than "entries" (1)"#),
            (header + Array(#"{"trailer":{"entries":1,"files":0,"dirs":1,"symlinks":0,"others":0,"bytes":0,"errors":0,"unstable":0,"completedAt":"x","entriesSha256":"a"}}"#.utf8) + [0x0A],
             2, #""completedAt" is not an RFC 3339 timestamp"#),
            ([UInt8](repeating: 0x20, count: ManifestEnds.maxBytes + 1), nil, "1048577 bytes: ends are at most 1048576 bytes"),
        ]
        for (bytes, line, reason) in cases {
            XCTAssertThrowsError(try ManifestEnds.decode(bytes, name: "k.ends.ndjson"), reason) {
                XCTAssertEqual($0 as? ManifestKitError, ManifestKitError(.invalidManifest, subject: "k.ends.ndjson", line: line, reason: reason))
            }
        }
    }
}
