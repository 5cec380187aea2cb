import Primitives
import XCTest

/// RFC 7231 §7.1.1.1 HTTP dates: IMF-fixdate only.
final class HTTPDateTests: XCTestCase {
    func testParsesIMFFixdate() {
        XCTAssertEqual(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT"), 784_111_777)  // RFC 7231's example
        XCTAssertEqual(HTTPDate.parse("Wed, 21 Oct 2015 07:28:00 GMT"), 1_445_412_480)
        XCTAssertEqual(HTTPDate.parse("Thu, 01 Jan 1970 00:00:00 GMT"), 0)
        XCTAssertEqual(HTTPDate.parse("Wed, 31 Dec 1969 23:59:59 GMT"), -1)
        XCTAssertEqual(HTTPDate.parse("Tue, 29 Feb 2000 12:00:00 GMT"), 951_825_600)
        XCTAssertEqual(HTTPDate.parse("Thu, 29 Feb 2024 23:59:59 GMT"), 1_709_251_199)
        XCTAssertEqual(HTTPDate.parse("Fri, 31 Dec 9999 23:59:59 GMT"), 253_402_300_799)
        XCTAssertEqual(HTTPDate.parse("Sat, 01 Jan 0000 00:00:00 GMT"), -62_167_219_200)
        // The day name is not checked against the date (as before).
        XCTAssertEqual(HTTPDate.parse("Mon, 06 Nov 1994 08:49:37 GMT"), 784_111_777)
    }

    func testRefusesOtherFormsAndBadFields() {
        for bad in ["", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",  // RFC 850, asctime
                    "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Nov 1994 08:49:37 +0000",
                    "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 94 08:49:37 GMT", "sun, 06 nov 1994 08:49:37 gmt",
                    "Sun, 06 November 1994 08:49:37 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT", "Sun,06 Nov 1994 08:49:37 GMT ",
                    " Sun, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT ", "Sun, 06 Nov 1994 8:49:37 GMT ",
                    "Sun, 29 Feb 1900 00:00:00 GMT", "Tue, 29 Feb 2023 00:00:00 GMT", "Sun, 31 Apr 1994 00:00:00 GMT",
                    "Sun, 00 Nov 1994 00:00:00 GMT", "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 23:60:00 GMT",
                    "Sun, 06 Nov 1994 23:59:60 GMT", "Sun, 06 Nov -994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMTX",
                    "Sun, 06 Nov 1994 08:49:3 GMT", "Sun, 06 Nov 1994 08:49:37 GM", "Sun, 06 Nov 1994 08:49:37 GMT\u{0}"] {
            XCTAssertNil(HTTPDate.parse(bad), bad)
        }
    }

    func testFormatRoundTrips() {
        XCTAssertEqual(HTTPDate.format(seconds: 784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT")
        XCTAssertEqual(HTTPDate.format(seconds: 0), "Thu, 01 Jan 1970 00:00:00 GMT")
        XCTAssertEqual(HTTPDate.format(seconds: -1), "Wed, 31 Dec 1969 23:59:59 GMT")
        XCTAssertEqual(HTTPDate.format(seconds: 951_825_600), "Tue, 29 Feb 2000 12:00:00 GMT")
        XCTAssertEqual(HTTPDate.format(seconds: 253_402_300_799), "Fri, 31 Dec 9999 23:59:59 GMT")
        XCTAssertEqual(HTTPDate.format(seconds: -62_167_219_200), "Sat, 01 Jan 0000 00:00:00 GMT")
        for seconds: Int64 in [0, 1, -1, 784_111_777, 1_709_251_199, 4_107_542_399, -62_167_219_200, 253_402_300_799] {
            XCTAssertEqual(HTTPDate.format(seconds: seconds).flatMap(HTTPDate.parse), seconds, "\(seconds)")
        }
        for outside: Int64 in [253_402_300_800, -62_167_219_201, .max, .min] {
            XCTAssertNil(HTTPDate.format(seconds: outside), "\(outside)")
        }
    }
}
