import XCTest

final class OrchestratorPlaceholderTests: XCTestCase {
    func testTargetBuilds() { XCTAssertEqual(1 + 1, 2) }
}
