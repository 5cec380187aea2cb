import XCTest
@testable import ManifestKit

final class ShardRangeTests: XCTestCase {
    private func b(_ s: String) -> [UInt8] { Array(s.utf8) }

    func testContainsIsHalfOpenInPathOrder() {
        let r = ShardRange(start: b("a/b"), end: b("a-c"))
        for p in ["a/b", "a/b/c", "a/b-", "a/z", "a/zz/y"] { XCTAssertTrue(r.contains(b(p)), p) }
        for p in ["a", "a/a", "a/a/zzz", "a-c", "a-c/x", "ab", "b"] { XCTAssertFalse(r.contains(b(p)), p) }
        XCTAssertTrue(ShardRange.all.contains(b("anything/at/all")))
        XCTAssertTrue(ShardRange(start: nil, end: b("m")).contains(b("a")))
        XCTAssertFalse(ShardRange(start: nil, end: b("m")).contains(b("m")))
        XCTAssertTrue(ShardRange(start: b("m"), end: nil).contains(b("m")))
        XCTAssertFalse(ShardRange(start: b("m"), end: nil).contains(b("l/zzz")))
    }

    func testExcludesSubtreeOnlyWhenNoDescendantIsInRange() {
        let r = ShardRange(start: b("d/m"), end: b("f/b"))
        // Before start, and start not below: wholly outside.
        XCTAssertTrue(r.excludesSubtree(of: b("c")))
        XCTAssertTrue(r.excludesSubtree(of: b("d/a")))
        XCTAssertTrue(r.excludesSubtree(of: b("d/l")))
        // Straddles start: the directory itself is out, some of its names are in.
        XCTAssertFalse(r.excludesSubtree(of: b("d")))
        XCTAssertFalse(r.excludesSubtree(of: b("d/m")))
        // Inside.
        XCTAssertFalse(r.excludesSubtree(of: b("e")))
        XCTAssertFalse(r.excludesSubtree(of: b("d-x")))
        // Straddles end: "f" < "f/b".
        XCTAssertFalse(r.excludesSubtree(of: b("f")))
        XCTAssertFalse(r.excludesSubtree(of: b("f/a")))
        // At or past end.
        XCTAssertTrue(r.excludesSubtree(of: b("f/b")))
        XCTAssertTrue(r.excludesSubtree(of: b("f/c")))
        XCTAssertTrue(r.excludesSubtree(of: b("f-")))
        XCTAssertTrue(r.excludesSubtree(of: b("g")))
        // "d/m-" sorts after everything under "d/m", so it is inside.
        XCTAssertFalse(r.excludesSubtree(of: b("d/m-")))
        XCTAssertFalse(ShardRange.all.excludesSubtree(of: b("x")))
    }

    /// Exhaustive check against the definition over a small alphabet: a
    /// directory is excluded exactly when neither it nor any path below it is in range.
    func testExcludesSubtreeAgreesWithTheDefinition() {
        let names = ["a", "a-", "b"]
        var paths: [[UInt8]] = []
        func grow(_ prefix: [UInt8], _ depth: Int) {
            for n in names {
                let p = prefix.isEmpty ? b(n) : prefix + [0x2F] + b(n)
                paths.append(p)
                if depth < 3 { grow(p, depth + 1) }
            }
        }
        grow([], 1)
        let bounds: [[UInt8]?] = [nil] + paths
        for start in bounds {
            for end in bounds {
                if let s = start, let e = end, PathOrder.compare(s, e) >= 0 { continue }
                let r = ShardRange(start: start, end: end)
                for d in paths {
                    let anyInside = paths.contains { ($0 == d || PathOrder.isAncestor(d, of: $0)) && r.contains($0) }
                    if r.excludesSubtree(of: d) { XCTAssertFalse(anyInside, "\(r) \(d)") }
                    // Conservative only where the tree lacks the bound's own path.
                    if !r.excludesSubtree(of: d), !anyInside {
                        XCTAssertTrue(start.map { PathOrder.isAncestor(d, of: $0) } ?? false, "\(r) \(d)")
                    }
                }
            }
        }
    }

    func testProblems() {
        XCTAssertNil(ShardRange.all.problem)
        XCTAssertEqual(ShardRange(start: b("b"), end: b("a")).problem, "\"start\" \"b\" does not sort before \"end\" \"a\"")
        XCTAssertEqual(ShardRange(start: b("a"), end: b("a")).problem, "\"start\" \"a\" does not sort before \"end\" \"a\"")
        XCTAssertEqual(ShardRange(start: b("a/"), end: nil).problem, "\"start\" path \"a/\" has an empty component")
        XCTAssertEqual(ShardRange(start: nil, end: b("/x")).problem, "\"end\" path \"/x\" starts with \"/\"")
        XCTAssertEqual(ShardRange(start: nil, end: b("x/..")).problem, "\"end\" path \"x/..\" has a \"..\" component")
    }
}
