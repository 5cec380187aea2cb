import XCTest

final class AWSLitePlaceholderTests: XCTestCase {
    func testTargetBuilds() { XCTAssertEqual(1 + 1, 2) }
}
