import XCTest

final class IntegrationPlaceholderTests: XCTestCase {
    func testTargetBuilds() { XCTAssertEqual(1 + 1, 2) }
}
