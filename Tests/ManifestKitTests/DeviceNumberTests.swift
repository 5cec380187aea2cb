import Glibc
import XCTest
@testable import ManifestKit

/// Character and block devices carry their device number (`rdevMajor`,
/// `rdevMinor`): recorded by the walker, kept by the codec, compared as content.
final class DeviceNumberTests: XCTestCase {
    private func device(_ type: EntryType, _ major: UInt32, _ minor: UInt32, path: String = "dev/x") -> ManifestEntry {
        ManifestEntry(path: Array(path.utf8), type: type, mode: 0o666, mtimeNs: 500, ino: 7, nlink: 1,
                      rdev: DeviceNumber(major: major, minor: minor))
    }

    private func decode(_ line: String) throws -> ManifestEntry {
        try ManifestCodec.decodeEntry(Array(line.utf8))
    }

    private let prefix = "{\"path\":\"n\",\"type\":\"char\",\"size\":0,\"mode\":438,\"uid\":0,\"gid\":0,\"mtimeNs\":500,\"ctimeNs\":0,\"ino\":7,\"nlink\":1"

    func testSplitOfAKernelDeviceNumber() {
        XCTAssertEqual(DeviceNumber(rawValue: (1 << 8) | 3), DeviceNumber(major: 1, minor: 3))
        // Large numbers use the high bits: major 0x1234, minor 0x56789.
        let raw: UInt64 = (0x234 << 8) | (0x1000 << 32) | 0x89 | (0x56700 << 12)
        XCTAssertEqual(DeviceNumber(rawValue: raw), DeviceNumber(major: 0x1234, minor: 0x56789))
        XCTAssertEqual(DeviceNumber(major: 8, minor: 1).description, "8:1")
    }

    func testDeviceLineCarriesItsNumberAfterNlink() throws {
        let line = String(decoding: ManifestCodec.entryLine(device(.char, 1, 3, path: "n")), as: UTF8.self)
        XCTAssertEqual(line, prefix + ",\"rdevMajor\":1,\"rdevMinor\":3}\n")
        XCTAssertEqual(try decode(String(line.dropLast())), device(.char, 1, 3, path: "n"))
        let block = device(.block, 259, 1048575)
        XCTAssertEqual(try ManifestCodec.decodeEntry(Array(ManifestCodec.entryLine(block).dropLast())), block)
    }

    func testGeneralDecoderAgreesAndOldLinesHaveNoNumber() throws {
        // Keys in another order (not the canonical fast path), with spaces.
        let reordered = "{ \"rdevMinor\": 3, \"rdevMajor\": 1, " + prefix.dropFirst() + "}"
        XCTAssertEqual(try decode(reordered), device(.char, 1, 3, path: "n"))
        // A line written before device numbers were recorded: no number.
        XCTAssertNil(try decode(prefix + "}").rdev)
    }

    func testMisplacedOrHalfDeviceNumbersAreRejected() {
        let cases: [(String, String)] = [
            (prefix.replacingOccurrences(of: "char", with: "fifo") + ",\"rdevMajor\":1,\"rdevMinor\":3}", "\"rdevMajor\" on a fifo entry"),
            (prefix + ",\"rdevMajor\":1}", "\"rdevMajor\" without \"rdevMinor\""),
            (prefix + ",\"rdevMinor\":1}", "\"rdevMinor\" without \"rdevMajor\""),
            (prefix + ",\"rdevMajor\":4294967296,\"rdevMinor\":3}", "\"rdevMajor\" is out of range"),
            (prefix + ",\"rdevMajor\":1,\"rdevMinor\":-3}", "\"rdevMinor\""),
        ]
        for (line, reason) in cases {
            XCTAssertThrowsError(try decode(line), line) { error in
                let text = (error as? ManifestKitError)?.reason ?? "\(error)"
                XCTAssertTrue(text.hasPrefix(reason), "\(line): \(text)")
            }
        }
        var entry = device(.dir, 1, 3)
        entry.type = .dir
        XCTAssertEqual(entry.problem, "\"rdevMajor\" on a dir entry")
    }

    func testChangedDeviceNumberIsNotAMatch() throws {
        let b = device(.char, 1, 3), r = device(.char, 1, 5)
        XCTAssertEqual(try dfClassify(b: b, p: nil, r: r), DfVerdict(.corrupt, "device number differs: baseline 1:3 restored 1:5 (size and mtime unchanged)"))
        XCTAssertEqual(try dfClassify(b: b, p: nil, r: b), DfVerdict(.match, ""))
        // A manifest from before device numbers were recorded cannot say: not compared.
        var old = b
        old.rdev = nil
        XCTAssertEqual(try dfClassify(b: old, p: nil, r: r), DfVerdict(.match, ""))
        XCTAssertEqual(try dfClassify(b: device(.block, 8, 1), p: nil, r: device(.block, 8, 2)),
                       DfVerdict(.corrupt, "device number differs: baseline 8:1 restored 8:2 (size and mtime unchanged)"))
    }

    func testWalkerRecordsTheNumberOfDevicesItMade() throws {
        let t = try WalkTestTree()
        let null = t.abs(b("null")), loop = t.abs(b("loop"))
        guard mknod(null, S_IFCHR | 0o666, (1 << 8) | 3) == 0 else { throw XCTSkip("mknod needs root") }
        XCTAssertEqual(mknod(loop, S_IFBLK | 0o600, (7 << 8) | 0), 0)
        XCTAssertEqual(mkfifo(t.abs(b("pipe")), 0o644), 0)
        let entries = try t.walk()
        XCTAssertEqual(entries.map(\.displayPath), ["loop", "null", "pipe"])
        XCTAssertEqual(entries.map(\.rdev), [DeviceNumber(major: 7, minor: 0), DeviceNumber(major: 1, minor: 3), nil])
        XCTAssertEqual(entries.map(\.type), [.block, .char, .fifo])
    }
}
