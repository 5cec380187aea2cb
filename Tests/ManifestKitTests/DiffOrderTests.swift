import XCTest
@testable import ManifestKit

final class DiffOrderTests: XCTestCase {
    func testSlashSortsBeforeDashAcrossInputs() throws {
        // Manifest order puts a/b before a-c; a plain string merge would pair them wrongly.
        let b = [dfDir("a"), dfFile("a/b"), dfFile("a-c")]
        let r = [dfDir("a"), dfFile("a-c")]
        let (findings, tally) = try dfDiff(b: b, p: b, r: r)
        XCTAssertEqual(findings.map(\.displayPath), ["a/b"])
        XCTAssertEqual(findings.map(\.verdict), [.missing])
        XCTAssertEqual(tally[.match], 2)
    }

    func testOutOfOrderInputIsRejected() {
        let b = [dfFile("a-c"), dfFile("a/b")]
        XCTAssertThrowsError(try dfDiff(b: b, p: nil, r: [])) { error in
            XCTAssertEqual((error as? ManifestKitError)?.kind, .invalidManifest)
            XCTAssertEqual("\(error)", "baseline:3: entries out of order: 'a/b' after 'a-c'")
        }
    }

    func testDuplicatePathIsRejected() {
        XCTAssertThrowsError(try dfDiff(b: [], p: [dfFile("x"), dfFile("x")], r: [])) { error in
            XCTAssertEqual("\(error)", "post:3: entries out of order: 'x' after 'x'")
        }
    }

    func testNonUTF8PathsMergeByRawBytes() throws {
        let bad: [UInt8] = [0x66, 0xFF, 0x6F]          // "f\xFFo"
        let high: [UInt8] = [0x66, 0xC3, 0xA9]         // "fé", sorts before 0xFF
        let b = [dfFile(high, "1"), dfFile(bad, "2")]
        let r = [dfFile(high, "1"), dfFile(bad, "3")]
        let (findings, tally) = try dfDiff(b: b, p: nil, r: r)
        XCTAssertEqual(findings.map(\.path), [bad])
        XCTAssertEqual(findings.map(\.verdict), [.corrupt])
        XCTAssertEqual(findings.first?.displayPath, #""f\xffo""#, "escaped and marked (HumanText)")
        XCTAssertEqual(tally[.match], 1)
    }
}
