import XCTest
@testable import ManifestKit

final class TimestampAndTextTests: XCTestCase {
    func testFormatKnownInstants() {
        XCTAssertEqual(Timestamp.format(ns: 0), "1970-01-01T00:00:00.000000000Z")
        XCTAssertEqual(Timestamp.format(ns: 1_700_000_000_123_456_789), "2023-11-14T22:13:20.123456789Z")
        XCTAssertEqual(Timestamp.format(ns: -1), "1969-12-31T23:59:59.999999999Z")
        XCTAssertEqual(Timestamp.format(ns: 951_782_400_000_000_000), "2000-02-29T00:00:00.000000000Z")
        XCTAssertEqual(Timestamp.format(ns: Int64.max), "2262-04-11T23:47:16.854775807Z")
        XCTAssertEqual(Timestamp.format(ns: Int64.min), "1677-09-21T00:12:43.145224192Z")
    }

    func testFormatWithFewerFractionDigitsTruncates() {
        let ns: Int64 = 1_741_066_865_921_999_999
        XCTAssertEqual(Timestamp.format(ns: ns, fractionDigits: 3), "2025-03-04T05:41:05.921Z")
        XCTAssertEqual(Timestamp.format(ns: ns, fractionDigits: 0), "2025-03-04T05:41:05Z")
        XCTAssertEqual(Timestamp.format(ns: ns, fractionDigits: 1), "2025-03-04T05:41:05.9Z")
        XCTAssertEqual(Timestamp.format(ns: ns, fractionDigits: 9), Timestamp.format(ns: ns))
        XCTAssertEqual(Timestamp.format(ns: -1, fractionDigits: 3), "1969-12-31T23:59:59.999Z")
        XCTAssertEqual(Timestamp.format(ns: -1, fractionDigits: 0), "1969-12-31T23:59:59Z")
        var out: [UInt8] = []
        Timestamp.append(ns: 0, fractionDigits: 3, to: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "1970-01-01T00:00:00.000Z")
    }

    func testParseInvertsFormat() {
        for ns: Int64 in [0, -1, 1, 1_700_000_000_123_456_789, 951_782_400_000_000_000, Int64.max, Int64.min, -86_400_000_000_001] {
            XCTAssertEqual(Timestamp.parse(Timestamp.format(ns: ns)), ns, "\(ns)")
        }
    }

    func testParseAcceptsRFC3339Variants() {
        XCTAssertEqual(Timestamp.parse("2023-11-14T22:13:20Z"), 1_700_000_000_000_000_000)
        XCTAssertEqual(Timestamp.parse("2023-11-14t22:13:20.5z"), 1_700_000_000_500_000_000)
        XCTAssertEqual(Timestamp.parse("2023-11-15T00:13:20.000000001+02:00"), 1_700_000_000_000_000_001)
        XCTAssertEqual(Timestamp.parse("2023-11-14T21:43:20-00:30"), 1_700_000_000_000_000_000)
    }

    func testParseRejectsMalformed() {
        for bad in ["", "2023-11-14", "2023-11-14T22:13:20", "2023-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
                    "2023-11-14T24:00:00Z", "2023-11-14T22:60:00Z", "2023-11-14T22:13:60Z", "2023-11-14T22:13:20.Z",
                    "2023-11-14T22:13:20.1234567890Z", "2023-11-14 22:13:20Z", "2023-11-14T22:13:20+0200",
                    "2023-11-14T22:13:20Z ", "9999-01-01T00:00:00Z", "1600-01-01T00:00:00Z"] {
            XCTAssertNil(Timestamp.parse(bad), bad)
        }
    }

    func testBase64Vectors() {
        let vectors = [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")]
        for (plain, coded) in vectors {
            XCTAssertEqual(Base64.encode(Array(plain.utf8)), coded)
            XCTAssertEqual(Base64.decode(coded), Array(plain.utf8))
        }
        XCTAssertEqual(Base64.encode([0xFF, 0xFE, 0x00]), "//4A")
    }

    func testBase64RejectsNonCanonical() {
        for bad in ["Zg", "Zg=", "Zh==", "Zm9=", "Zm 9v", "Zm9v====", "Z===", "Zm9v!A==", "=Zg="] {
            XCTAssertNil(Base64.decode(bad), bad)
        }
    }

    func testUTF8Check() {
        XCTAssertTrue(UTF8Check.isValid(Array("plain é 日本 🎉".utf8)))
        for bad: [UInt8] in [[0xFF], [0xC0, 0x80], [0xC3], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xF0, 0x9F, 0x8E]] {
            XCTAssertFalse(UTF8Check.isValid(bad), "\(bad)")
        }
    }

    func testPathRules() {
        XCTAssertNil(ManifestPath.problem(Array("a/b c/.hidden/..x".utf8)))
        XCTAssertEqual(ManifestPath.problem([]), "is empty")
        XCTAssertEqual(ManifestPath.problem(Array("/a".utf8)), "starts with \"/\"")
        XCTAssertEqual(ManifestPath.problem(Array("a//b".utf8)), "has an empty component")
        XCTAssertEqual(ManifestPath.problem(Array("a/".utf8)), "has an empty component")
        XCTAssertEqual(ManifestPath.problem(Array("./a".utf8)), "has a \".\" component")
        XCTAssertEqual(ManifestPath.problem(Array("a/../b".utf8)), "has a \"..\" component")
        XCTAssertEqual(ManifestPath.problem([0x61, 0x00]), "contains a NUL byte")
    }

    func testJSONTextEscapesMinimally() {
        var out = [UInt8]()
        JSONText.appendString("a\"b\\c\u{1}\n\u{7F}é/", to: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "\"a\\\"b\\\\c\\u0001\\u000a\u{7F}é/\"")
        out = []
        JSONText.appendUInt(UInt64.max, to: &out)
        JSONText.appendInt(Int64.min, to: &out)
        JSONText.appendUInt(0, to: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "18446744073709551615-92233720368547758080")
    }

    func testJSONTextShortEscapesForLogLines() {
        XCTAssertEqual(JSONText.quoted("a\n\r\t\u{1}\"\\z", shortEscapes: true), #""a\n\r\t\u0001\"\\z""#)
        XCTAssertEqual(JSONText.quoted("a\n\r\t"), #""a\u000a\u000d\u0009""#)
    }
}

final class ByteScanTests: XCTestCase {
    func testLowerHex64AgainstAPlainCheck() {
        var bytes = Array(String(repeating: "0123456789abcdef", count: 4).utf8)
        XCTAssertTrue(bytes.withUnsafeBufferPointer { ByteScan.isLowerHex64($0.baseAddress!) })
        for pos in [0, 7, 8, 33, 63] {
            for c: UInt8 in [0x2F, 0x3A, 0x40, 0x41, 0x46, 0x60, 0x67, 0x80, 0xB0, 0xE1, 0x00, 0xFF] {
                let saved = bytes[pos]
                bytes[pos] = c
                XCTAssertFalse(bytes.withUnsafeBufferPointer { ByteScan.isLowerHex64($0.baseAddress!) }, "\(pos) \(c)")
                bytes[pos] = saved
            }
        }
    }

    func testClassifyFindsBackslashesControlsAndHighBytes() {
        for len in [0, 1, 7, 8, 9, 16, 23] {
            let plain = [UInt8](repeating: 0x61, count: len)
            XCTAssertTrue(plain.withUnsafeBufferPointer { ByteScan.classify($0) } == (true, true), "\(len)")
            for pos in 0..<len {
                for (c, expect) in [(UInt8(0x5C), (false, true)), (0x1F, (false, true)), (0x00, (false, true)),
                                    (0x80, (true, false)), (0xDC, (true, false)), (0x20, (true, true)), (0x7F, (true, true))] {
                    var b = plain
                    b[pos] = c
                    XCTAssertTrue(b.withUnsafeBufferPointer { ByteScan.classify($0) } == expect, "\(len) \(pos) \(c)")
                }
            }
        }
    }
}
