import XCTest

final class ManifestWorkerPlaceholderTests: XCTestCase {
    func testTargetBuilds() { XCTAssertEqual(1 + 1, 2) }
}
