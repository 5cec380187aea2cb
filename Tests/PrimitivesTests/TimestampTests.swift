import Primitives
import XCTest

final class TimestampTests: XCTestCase {
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

    func testLeapDays() {
        XCTAssertEqual(Timestamp.parse("2024-02-29T00:00:00Z"), 1_709_164_800_000_000_000)
        XCTAssertEqual(Timestamp.parse("2000-02-29T00:00:00Z"), 951_782_400_000_000_000)
        XCTAssertNil(Timestamp.parse("1900-02-29T00:00:00Z"))
        XCTAssertNil(Timestamp.parse("2100-02-29T00:00:00Z"))
        XCTAssertEqual(Timestamp.format(ns: 1_709_164_800_000_000_000 - 1, fractionDigits: 0), "2024-02-28T23:59:59Z")
    }

    /// `parseInstant` takes every 4-digit year; `parse` only what nanoseconds in `Int64` hold.
    func testParseInstantCoversYears0000To9999() {
        XCTAssertTrue(Timestamp.parseInstant("9999-12-31T23:59:59.999999999Z")! == (253_402_300_799, 999_999_999))
        XCTAssertTrue(Timestamp.parseInstant("0000-01-01T00:00:00Z")! == (-62_167_219_200, 0))
        XCTAssertTrue(Timestamp.parseInstant("0000-01-01T00:00:00+23:59")! == (-62_167_219_200 - 86_340, 0))
        XCTAssertTrue(Timestamp.parseInstant("9999-12-31T23:59:59-23:59")! == (253_402_300_799 + 86_340, 0))
        XCTAssertTrue(Timestamp.parseInstant("1969-12-31T23:59:59.5Z")! == (-1, 500_000_000))
        XCTAssertNil(Timestamp.parse("9999-12-31T23:59:59Z"))
        XCTAssertNil(Timestamp.parse("0000-01-01T00:00:00Z"))
        XCTAssertNil(Timestamp.parse("2262-04-11T23:47:16.854775808Z"))  // one past Int64.max
        XCTAssertNil(Timestamp.parse("1677-09-21T00:12:43.145224191Z"))  // one before Int64.min
        for bad in ["9999-12-32T00:00:00Z", "0000-00-01T00:00:00Z", "-001-01-01T00:00:00Z", "+999-01-01T00:00:00Z",
                    "10000-01-01T00:00:00Z", "2023-11-14T22:13:20+24:00", "2023-11-14T22:13:20+00:60", "2023-11-14T22:13:20+00:00:00",
                    "2023-11-14T22:13:20.\u{0}Z", "２０２３-11-14T22:13:20Z"] {
            XCTAssertNil(Timestamp.parseInstant(bad), bad)
            XCTAssertNil(Timestamp.parse(bad), bad)
        }
    }

    /// Every prefix of a valid timestamp is refused without reading past the end.
    func testTruncatedInputIsRefused() {
        let full = Array("2023-11-14T22:13:20.123456789+02:00".utf8)
        for n in 0..<full.count {
            let prefix = Array(full[0..<n])
            XCTAssertNil(prefix.withUnsafeBufferPointer { Timestamp.parseInstant(utf8: $0) }, "\(n)")
        }
        XCTAssertNotNil(full.withUnsafeBufferPointer { Timestamp.parseInstant(utf8: $0) })
    }
}
