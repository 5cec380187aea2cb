import Primitives
import XCTest

final class JSONTextTests: XCTestCase {
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
