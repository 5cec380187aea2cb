import XCTest
@testable import ManifestKit

final class ManifestCodecTests: XCTestCase {
    private func b(_ s: String) -> [UInt8] { Array(s.utf8) }
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    private func roundTrip(_ e: ManifestEntry, file: StaticString = #filePath, line: UInt = #line) throws {
        let encoded = ManifestCodec.entryLine(e)
        XCTAssertEqual(encoded.last, 0x0A, file: file, line: line)
        XCTAssertEqual(try ManifestCodec.decodeEntry(Array(encoded.dropLast())), e, file: file, line: line)
    }

    private func rejects(_ line: String, _ reason: String, file: StaticString = #filePath, line l: UInt = #line) {
        XCTAssertThrowsError(try ManifestCodec.decodeLine(b(line)), file: file, line: l) { error in
            XCTAssertEqual((error as? ManifestKitError)?.reason, reason, file: file, line: l)
        }
    }

    func testFileLineHasFixedKeyOrder() {
        let line = ManifestCodec.entryLine(Fixtures.file("docs/a.txt"))
        XCTAssertEqual(text(line), "{\"path\":\"docs/a.txt\",\"type\":\"file\",\"size\":3,\"mode\":420,\"uid\":1000,\"gid\":1000,"
            + "\"mtimeNs\":1700000000000000001,\"ctimeNs\":1700000000000000002,\"ino\":42,\"nlink\":1,\"sha256\":\"\(Fixtures.sha)\"}\n")
    }

    func testOptionalKeysAppearInOrderOnlyWhenPresent() {
        var e = ManifestEntry(path: b("l"), type: .symlink, mode: 0o777, mtimeNs: -5, target: b("../x"), error: nil, unstable: true)
        XCTAssertEqual(text(ManifestCodec.entryLine(e)), "{\"path\":\"l\",\"type\":\"symlink\",\"size\":0,\"mode\":511,\"uid\":0,\"gid\":0,"
            + "\"mtimeNs\":-5,\"ctimeNs\":0,\"ino\":0,\"nlink\":1,\"target\":\"../x\",\"unstable\":true}\n")
        e = ManifestEntry(path: b("f"), type: .file, error: "EACCES: Permission denied")
        XCTAssertEqual(text(ManifestCodec.entryLine(e)), "{\"path\":\"f\",\"type\":\"file\",\"size\":0,\"mode\":0,\"uid\":0,\"gid\":0,"
            + "\"mtimeNs\":0,\"ctimeNs\":0,\"ino\":0,\"nlink\":1,\"error\":\"EACCES: Permission denied\"}\n")
    }

    func testEveryEntryTypeRoundTrips() throws {
        try roundTrip(Fixtures.file("a"))
        try roundTrip(Fixtures.dir("d"))
        try roundTrip(ManifestEntry(path: b("l"), type: .symlink, target: b("target with space")))
        for t: EntryType in [.fifo, .socket, .char, .block] {
            try roundTrip(ManifestEntry(path: b("dev/\(t.rawValue)"), type: t, mode: 0o600, uid: 1, gid: 2, ino: 9, nlink: 1))
        }
        try roundTrip(ManifestEntry(path: b("bad"), type: .file, size: 10, error: "ENOENT: No such file or directory"))
        try roundTrip(ManifestEntry(path: b("hot"), type: .file, size: 1, sha256: Fixtures.sha, unstable: true))
    }

    func testExtremeIntegersRoundTrip() throws {
        try roundTrip(ManifestEntry(path: b("huge"), type: .file, size: UInt64.max, mode: 0o7777, uid: UInt32.max, gid: UInt32.max,
                                    mtimeNs: Int64.min, ctimeNs: Int64.max, ino: UInt64.max, nlink: UInt64.max, sha256: Fixtures.sha))
    }

    func testNonUTF8NamesAndTargetsUseBase64() throws {
        let e = ManifestEntry(path: [0x64, 0x2F, 0xFF, 0xFE], type: .symlink, target: [0x80, 0x61])
        let line = text(ManifestCodec.entryLine(e))
        XCTAssertTrue(line.hasPrefix("{\"pathB64\":\"ZC///g==\",\"type\":\"symlink\""), line)
        XCTAssertTrue(line.hasSuffix(",\"targetB64\":\"gGE=\"}\n"), line)
        try roundTrip(e)
    }

    func testEscapesAndControlCharactersRoundTrip() throws {
        let name = "q\"b\\s\u{1}\t\n\u{1F}\u{7F} é 🎉"
        let e = ManifestEntry(path: b(name), type: .symlink, target: b(name), error: nil)
        let line = text(ManifestCodec.entryLine(e))
        XCTAssertTrue(line.hasPrefix("{\"path\":\"q\\\"b\\\\s\\u0001\\u0009\\u000a\\u001f\u{7F} é 🎉\","), line)
        try roundTrip(e)
    }

    func testDecoderAcceptsEveryJSONEscapeAndWhitespace() throws {
        let line = " { \"type\" : \"symlink\", \"p\\u0061th\":\"\\u00e9\\ud83c\\udf89\\/\\b\\f\\n\\r\\t\", \"size\":0,\"mode\":0,"
            + "\"uid\":0,\"gid\":0,\"mtimeNs\":-0,\"ctimeNs\":0,\"ino\":0,\"nlink\":1,\"target\":\"t\","
            + "\"extra\":[1,-2.5e+3,{\"x\":null},true,false,\"s\"]}\t"
        let e = try ManifestCodec.decodeEntry(b(line))
        XCTAssertEqual(e.path, b("é🎉/\u{8}\u{C}\n\r\t"))
        XCTAssertEqual(e.type, .symlink)
        XCTAssertEqual(e.target, b("t"))
    }

    func testTrailerLineDecodesAsTrailer() throws {
        var t = ManifestTrailer()
        t.entries = 3; t.files = 1; t.dirs = 1; t.symlinks = 1; t.bytes = UInt64.max
        t.completedAtNs = 1_700_000_000_000_000_000
        t.entriesSha256 = Fixtures.sha
        let line = ManifestCodec.trailerLine(t)
        XCTAssertEqual(text(line), "{\"trailer\":{\"entries\":3,\"files\":1,\"dirs\":1,\"symlinks\":1,\"others\":0,"
            + "\"bytes\":18446744073709551615,\"errors\":0,\"unstable\":0,\"completedAt\":\"2023-11-14T22:13:20.000000000Z\","
            + "\"entriesSha256\":\"\(Fixtures.sha)\"}}\n")
        XCTAssertEqual(try ManifestCodec.decodeLine(Array(line.dropLast())), .trailer(t))
    }

    func testHeaderRoundTrip() throws {
        var h = Fixtures.header
        h.recoveryPointArn = "arn:aws:backup:eu-west-1:123456789012:recovery-point:x"
        h.shardIndex = 2
        h.shardCount = 4
        let line = ManifestCodec.headerLine(h)
        XCTAssertEqual(text(line), "{\"manifest\":\"efs-backup-verifier/1\",\"role\":\"baseline\",\"root\":\"/mnt/efs\",\"fileSystemId\":\"fs-0123\","
            + "\"recoveryPointArn\":\"arn:aws:backup:eu-west-1:123456789012:recovery-point:x\","
            + "\"startedAt\":\"2026-11-18T11:06:40.123456789Z\",\"tool\":\"manifest-worker 0.1.0\",\"hash\":\"sha256\","
            + "\"shard\":{\"index\":2,\"count\":4}}\n")
        XCTAssertEqual(try ManifestCodec.decodeHeader(Array(line.dropLast())), h)
    }

    func testHeaderOptionalFieldsMayBeAbsentOrNull() throws {
        let h = try ManifestCodec.decodeHeader(b("{\"manifest\":\"efs-backup-verifier/1\",\"role\":\"local\",\"root\":null,"
            + "\"startedAt\":\"2023-11-14T22:13:20Z\",\"tool\":\"t\",\"hash\":\"sha256\",\"future\":{\"a\":[1]}}"))
        XCTAssertEqual(h, ManifestHeader(role: .local, startedAtNs: 1_700_000_000_000_000_000, tool: "t"))
    }

    func testHeaderRejections() {
        XCTAssertThrowsError(try ManifestCodec.decodeHeader(b("{\"manifest\":\"efs-backup-verifier/2\",\"role\":\"local\"}"))) {
            XCTAssertEqual(($0 as? ManifestKitError)?.reason,
                           "unsupported manifest version \"efs-backup-verifier/2\" (expected \"efs-backup-verifier/1\")")
        }
        let base = "\"manifest\":\"efs-backup-verifier/1\",\"startedAt\":\"2023-11-14T22:13:20Z\",\"tool\":\"t\",\"hash\":\"sha256\""
        let cases = [
            ("{\"role\":\"local\"}", "not a manifest header: missing \"manifest\""),
            ("{\(base)}", "header is missing \"role\""),
            ("{\(base),\"role\":\"prod\"}", "unknown role \"prod\""),
            ("{\(base),\"role\":\"local\",\"hash\":\"md5\"}", "duplicate key \"hash\""),
            ("{\"manifest\":\"efs-backup-verifier/1\",\"role\":\"local\",\"startedAt\":\"yesterday\"}", "\"startedAt\" is not an RFC 3339 timestamp"),
            ("{\(base),\"role\":\"local\",\"shard\":{\"index\":1,\"count\":1}}", "\"shard\" index 1 of count 1 is out of range"),
            ("{\(base),\"role\":\"local\",\"shard\":[0,1]}", "\"shard\" must be an object"),
        ]
        for (line, reason) in cases {
            XCTAssertThrowsError(try ManifestCodec.decodeHeader(b(line)), line) {
                XCTAssertEqual(($0 as? ManifestKitError)?.reason, reason, line)
            }
        }
    }

    private let tail = ",\"type\":\"file\",\"size\":1,\"mode\":420,\"uid\":0,\"gid\":0,\"mtimeNs\":0,\"ctimeNs\":0,\"ino\":1,\"nlink\":1"
    private var shaKV: String { ",\"sha256\":\"\(Fixtures.sha)\"" }

    func testEntryValueRejections() {
        rejects("{\"path\":\"a\"\(tail)\(shaKV)", "invalid JSON at column \(12 + tail.count + shaKV.count): unexpected end of line")
        rejects("{\"path\":\"a\"\(tail)\(shaKV)} x", "invalid JSON at column \(14 + tail.count + shaKV.count): unexpected data after the object")
        rejects("{\"path\":\"a\",}", "invalid JSON at column 13: expected '\"'")
        rejects("{\"path\":'a'}", "invalid JSON at column 9: unexpected character")
        rejects("{\"path\":\"a\u{1}\"}", "invalid JSON at column 11: control character in a string")
        rejects("{\"path\":\"\\x\"}", "invalid JSON at column 11: invalid escape")
        rejects("{\"path\":\"\\ud800\"}", "invalid JSON at column 15: lone surrogate in \\u escape")
        rejects("[1]", "invalid JSON at column 1: expected '{'")
        rejects("", "invalid JSON at column 1: unexpected end of line")
        rejects("{\"path\":\"a\"\(tail.replacingOccurrences(of: "\"size\":1", with: "\"size\":\"1\""))\(shaKV)}", "\"size\" must be an integer")
        rejects("{\"path\":\"a\"\(tail.replacingOccurrences(of: "\"size\":1", with: "\"size\":1.0"))\(shaKV)}", "\"size\" must be an integer")
        rejects("{\"path\":\"a\"\(tail.replacingOccurrences(of: "\"size\":1", with: "\"size\":-1"))\(shaKV)}", "\"size\" is out of range")
        rejects("{\"path\":\"a\"\(tail.replacingOccurrences(of: "\"size\":1", with: "\"size\":18446744073709551616"))\(shaKV)}", "\"size\" is out of range")
        rejects("{\"path\":\"a\"\(tail.replacingOccurrences(of: "\"uid\":0", with: "\"uid\":4294967296"))\(shaKV)}", "\"uid\" is out of range")
        rejects("{\"path\":\"a\"\(tail.replacingOccurrences(of: "\"mtimeNs\":0", with: "\"mtimeNs\":9223372036854775808"))\(shaKV)}", "\"mtimeNs\" is out of range")
        rejects("{\"path\":\"a\"\(tail.replacingOccurrences(of: "\"mode\":420", with: "\"mode\":4096"))\(shaKV)}", "\"mode\" is out of range")
        rejects("{\"path\":\"a\"\(tail.replacingOccurrences(of: "\"size\":1", with: "\"size\":01"))\(shaKV)}", "invalid JSON at column 35: expected ',' or '}'")
        rejects("{\"path\":\"a\"\(tail.replacingOccurrences(of: "file", with: "pipe"))}", "unknown entry type \"pipe\"")
        rejects("{\"path\":\"a\"\(tail),\"sha256\":\"\(Fixtures.sha.uppercased())\"}", "\"sha256\" must be 64 lower-case hex digits")
        rejects("{\"path\":\"a\"\(tail),\"sha256\":\"abc\"}", "\"sha256\" must be 64 lower-case hex digits")
        rejects("{\"path\":\"a\"\(tail)\(shaKV),\"unstable\":1}", "\"unstable\" must be a boolean")
        rejects("{\"path\":\"a\"\(tail)\(shaKV),\"size\":2}", "duplicate key \"size\"")
        rejects("{\"path\":\"a\\u00ff\"\(tail)\(shaKV)}\u{FF}", "invalid JSON at column \(19 + tail.count + shaKV.count): unexpected data after the object")
        rejects("{\"path\":\"\u{0}\"\(tail)\(shaKV)}", "invalid JSON at column 10: control character in a string")
    }

    func testInvalidUTF8InsideAStringIsRejected() {
        var bytes = b("{\"path\":\"a")
        bytes.append(0xFF)
        bytes += b("\"\(tail)\(shaKV)}")
        XCTAssertThrowsError(try ManifestCodec.decodeLine(bytes)) {
            XCTAssertEqual(($0 as? ManifestKitError)?.reason, "invalid UTF-8 in a string")
        }
    }

    func testEntryRuleRejections() {
        rejects("{\"type\":\"dir\",\"size\":0,\"mode\":0,\"uid\":0,\"gid\":0,\"mtimeNs\":0,\"ctimeNs\":0,\"ino\":0,\"nlink\":1}", "missing \"path\"")
        rejects("{\"path\":\"a\",\"pathB64\":\"YQ==\"\(tail)\(shaKV)}", "both \"path\" and \"pathB64\"")
        rejects("{\"pathB64\":\"YQ=\"\(tail)\(shaKV)}", "\"pathB64\" is not valid base64")
        rejects("{\"path\":\"a\"\(tail.replacingOccurrences(of: ",\"nlink\":1", with: ""))\(shaKV)}", "missing \"nlink\"")
        rejects("{\"path\":\"\"\(tail)\(shaKV)}", "path \"\" is empty")
        rejects("{\"path\":\"/etc\"\(tail)\(shaKV)}", "path \"/etc\" starts with \"/\"")
        rejects("{\"path\":\"a//b\"\(tail)\(shaKV)}", "path \"a//b\" has an empty component")
        rejects("{\"path\":\"a/./b\"\(tail)\(shaKV)}", "path \"a/./b\" has a \".\" component")
        rejects("{\"path\":\"../b\"\(tail)\(shaKV)}", "path \"../b\" has a \"..\" component")
        rejects("{\"path\":\"a\\u0000b\"\(tail)\(shaKV)}", "path \"a\\u0000b\" contains a NUL byte")
        rejects("{\"path\":\"a\"\(tail)}", "file entry without \"sha256\" or \"error\"")
        rejects("{\"path\":\"a\"\(tail)\(shaKV),\"error\":\"EIO: x\"}", "\"sha256\" together with \"error\"")
        rejects("{\"path\":\"a\"\(tail.replacingOccurrences(of: "file", with: "dir"))\(shaKV)}", "\"sha256\" on a dir entry")
        rejects("{\"path\":\"a\"\(tail.replacingOccurrences(of: "file", with: "dir")),\"target\":\"x\"}", "\"target\" on a dir entry")
        rejects("{\"path\":\"a\"\(tail.replacingOccurrences(of: "file", with: "symlink"))}", "symlink entry without \"target\" or \"error\"")
        rejects("{\"path\":\"a\"\(tail.replacingOccurrences(of: "file", with: "symlink")),\"target\":\"x\",\"targetB64\":\"eA==\"}", "both \"target\" and \"targetB64\"")
    }

    func testTrailerRejections() {
        rejects("{\"trailer\":[]}", "\"trailer\" must be an object")
        rejects("{\"trailer\":{\"entries\":1}}", "trailer is missing \"files\"")
        rejects("{\"trailer\":{\"entries\":-1}}", "\"entries\" is out of range")
    }

    func testCanonicalFastPathAgreesWithTheGeneralDecoder() throws {
        // A leading space takes a line off the fast path; both must decode alike.
        var rng: UInt64 = 0x2545F4914F6CDD1D
        func r() -> UInt64 { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng }
        for i in 0..<500 {
            let t = EntryType.allCases[i % 7]
            let big = i % 3 == 0
            let e = ManifestEntry(
                path: b("d\(i)/é\(r() % 1000)\(i % 11 == 0 ? "\\\"\u{1}" : "")"), type: t,
                size: big ? UInt64.max - r() % 5 : r() % 100, mode: UInt32(r() % 0o10000), uid: UInt32(truncatingIfNeeded: r()),
                gid: UInt32(truncatingIfNeeded: r()), mtimeNs: Int64(bitPattern: r()), ctimeNs: i % 5 == 0 ? Int64.min : Int64(bitPattern: r()),
                ino: r(), nlink: r() % 4, sha256: t == .file && i % 4 != 1 ? Fixtures.sha : nil,
                target: t == .symlink ? (i % 2 == 0 ? [0xFF, 0x2F] : b("x/\(i)")) : nil,
                error: (t == .file && i % 4 == 1) || i % 9 == 0 ? "EIO: Input/output error \(i)" : nil, unstable: i % 6 == 0)
            guard e.problem == nil else { continue }
            let line = Array(ManifestCodec.entryLine(e).dropLast())
            XCTAssertEqual(try ManifestCodec.decodeEntry(line), e, "\(i)")
            XCTAssertEqual(try ManifestCodec.decodeEntry([0x20] + line), e, "\(i)")
        }
    }

    func testUnknownKeysAreIgnored() throws {
        let e = try ManifestCodec.decodeEntry(b("{\"xattrs\":{\"user.a\":\"b\"},\"path\":\"a\"\(tail)\(shaKV),\"future\":[]}"))
        XCTAssertEqual(e, Fixtures.file("a", size: 1).with { $0.mode = 420; $0.uid = 0; $0.gid = 0; $0.mtimeNs = 0; $0.ctimeNs = 0; $0.ino = 1 })
    }
}

extension ManifestEntry {
    func with(_ change: (inout ManifestEntry) -> Void) -> ManifestEntry {
        var copy = self
        change(&copy)
        return copy
    }
}
