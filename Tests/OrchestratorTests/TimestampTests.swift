import Foundation
import XCTest
@testable import OrchestratorKit

final class TimestampTests: XCTestCase {
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
}
