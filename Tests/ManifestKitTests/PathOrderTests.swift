import XCTest
@testable import ManifestKit

final class PathOrderTests: XCTestCase {
    private func b(_ s: String) -> [UInt8] { Array(s.utf8) }

    func testSlashSortsBeforeEveryOtherByte() {
        XCTAssertTrue(PathOrder.less(b("a/b"), b("a-c")))
        XCTAssertTrue(PathOrder.less(b("a"), b("a/b")))
        XCTAssertTrue(PathOrder.less(b("a/b"), b("ab")))
        XCTAssertTrue(PathOrder.less(b("a/zzz"), b("a!")))
        XCTAssertEqual(PathOrder.compare(b("x/y"), b("x/y")), 0)
    }

    func testHighBytesSortAfterAscii() {
        XCTAssertTrue(PathOrder.less(b("z"), [0x80]))
        XCTAssertTrue(PathOrder.less([0x61, 0x2F, 0xFF], [0x61, 0x21]))
    }

    func testSortingMatchesComponentwiseComparison() {
        let paths = ["a-c", "a/b", "a", "ab", "a/b/c", "a/b-", "b", "a/a"].map(b)
        let sorted = paths.sorted(by: PathOrder.less)
        let componentwise = paths.sorted { x, y in
            let cx = x.split(separator: 0x2F, omittingEmptySubsequences: false).map(Array.init)
            let cy = y.split(separator: 0x2F, omittingEmptySubsequences: false).map(Array.init)
            return cx.lexicographicallyPrecedes(cy) { $0.lexicographicallyPrecedes($1) }
        }
        XCTAssertEqual(sorted, componentwise)
        XCTAssertEqual(sorted.map { String(decoding: $0, as: UTF8.self) },
                       ["a", "a/a", "a/b", "a/b/c", "a/b-", "a-c", "ab", "b"])
    }
}
