import AWSLite
import Foundation
import XCTest

/// The `Date` adapters over Primitives' RFC 3339 and HTTP-date parsers.
final class TimestampsTests: XCTestCase {
    func testFormatAndParse() throws {
        let date = try XCTUnwrap(Timestamps.parse("2025-03-04T05:41:05.921Z"))
        XCTAssertEqual(date.timeIntervalSince1970, 1_741_066_865.921, accuracy: 0.0005)
        XCTAssertEqual(Timestamps.rfc3339Millis(date), "2025-03-04T05:41:05.921Z")
        XCTAssertEqual(Timestamps.rfc3339(date), "2025-03-04T05:41:05Z")
        XCTAssertEqual(Timestamps.parse("2025-03-04T07:41:05+02:00"), Timestamps.parse("2025-03-04T05:41:05Z"))
        XCTAssertEqual(Timestamps.rfc3339(Date(timeIntervalSince1970: 0)), "1970-01-01T00:00:00Z")
        XCTAssertEqual(Timestamps.rfc3339(Timestamps.parse("2024-02-29T23:59:59Z")!), "2024-02-29T23:59:59Z")
        for bad in ["", "2025-03-04", "2025-13-04T05:41:05Z", "2025-03-04T05:41:05", "2025-03-04T05:41:05.Z", "2025-03-04T05:41:05Zjunk"] {
            XCTAssertNil(Timestamps.parse(bad), bad)
        }
    }

    func testCredentialExpirations() {
        XCTAssertEqual(Timestamps.parse("2026-11-22T06:30:00Z"), Date(timeIntervalSince1970: 1_795_329_000))
        XCTAssertEqual(Timestamps.parse("2026-11-22T08:30:00.5+02:00"), Date(timeIntervalSince1970: 1_795_329_000.5))
        XCTAssertEqual(Timestamps.parse("2024-02-29T00:00:00-01:00"), Date(timeIntervalSince1970: 1_709_168_400))
        XCTAssertNil(Timestamps.parse("2026-11-22 06:30:00Z"))
        XCTAssertNil(Timestamps.parse("2026-11-22T06:30:00"))
        XCTAssertNil(Timestamps.parse("2026-13-22T06:30:00Z"))
        XCTAssertNil(Timestamps.parse("2026-11-22T06:30:00Zjunk"))
    }

    func testHTTPDates() {
        XCTAssertEqual(Timestamps.parseHTTPDate("Wed, 21 Oct 2015 07:28:00 GMT"), Date(timeIntervalSince1970: 1_445_412_480))
        XCTAssertEqual(Timestamps.parseHTTPDate("Fri, 31 Dec 9999 23:59:59 GMT"), Date(timeIntervalSince1970: 253_402_300_799))
        XCTAssertNil(Timestamps.parseHTTPDate(nil))
        XCTAssertNil(Timestamps.parseHTTPDate("Wednesday, 21-Oct-15 07:28:00 GMT"))
        XCTAssertNil(Timestamps.parseHTTPDate("7"))
    }

    /// Years beyond what nanoseconds in `Int64` hold still parse (credential expirations,
    /// S3 bodies); formatting clamps to 1677–2262.
    func testYear9999AndClamping() {
        XCTAssertEqual(Timestamps.parse("9999-12-31T23:59:59Z"), Date(timeIntervalSince1970: 253_402_300_799))
        XCTAssertEqual(Timestamps.parse("0001-01-01T00:00:00Z"), Date(timeIntervalSince1970: -62_135_596_800))
        XCTAssertEqual(Timestamps.rfc3339(Date(timeIntervalSince1970: 253_402_300_799)), "2262-04-11T23:47:16Z")
        XCTAssertEqual(Timestamps.rfc3339Millis(Date(timeIntervalSince1970: -1e12)), "1677-09-21T00:12:43.147Z")
        XCTAssertEqual(Timestamps.rfc3339Millis(Date(timeIntervalSince1970: -0.0005)), "1969-12-31T23:59:59.999Z")
    }

    /// Non-finite and huge `Date`s never trap.
    func testExtremeDatesDoNotTrap() {
        for t in [Double.nan, .infinity, -.infinity, 1e300, -1e300, Double(Int64.max), Double(Int64.min)] {
            let date = Date(timeIntervalSince1970: t)
            _ = Timestamps.rfc3339(date)
            _ = Timestamps.nanoseconds(date)
            _ = Timestamps.seconds(date)
            _ = SigV4.amzDate(date)
        }
        XCTAssertEqual(Timestamps.seconds(Date(timeIntervalSince1970: .nan)), 0)
        XCTAssertEqual(Timestamps.nanoseconds(Date(timeIntervalSince1970: .nan)), 0)
        XCTAssertEqual(Timestamps.seconds(Date(timeIntervalSince1970: -0.5)), -1)
        XCTAssertEqual(Timestamps.seconds(Date(timeIntervalSince1970: 1e300)), 1 << 62)
    }
}
