import XCTest
@testable import ManifestKit

/// Base64, UTF-8 validation, manifest path rules (timestamps and JSON escaping: PrimitivesTests).
final class FormatCheckTests: XCTestCase {
    func testBase64Vectors() {
        let vectors = [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")]
        for (plain, coded) in vectors {
            XCTAssertEqual(Base64.encode(Array(plain.utf8)), coded)
            XCTAssertEqual(Base64.decode(coded), Array(plain.utf8))
        }
        XCTAssertEqual(Base64.encode([0xFF, 0xFE, 0x00]), "//4A")
    }

    func testBase64RejectsNonCanonical() {
        for bad in ["Zg", "Zg=", "Zh==", "Zm9=", "Zm 9v", "Zm9v====", "Z===", "Zm9v!A==", "=Zg="] {
            XCTAssertNil(Base64.decode(bad), bad)
        }
    }

    func testUTF8Check() {
        XCTAssertTrue(UTF8Check.isValid(Array("plain é 日本 🎉".utf8)))
        for bad: [UInt8] in [[0xFF], [0xC0, 0x80], [0xC3], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xF0, 0x9F, 0x8E]] {
            XCTAssertFalse(UTF8Check.isValid(bad), "\(bad)")
        }
    }

    func testPathRules() {
        XCTAssertNil(ManifestPath.problem(Array("a/b c/.hidden/..x".utf8)))
        XCTAssertEqual(ManifestPath.problem([]), "is empty")
        XCTAssertEqual(ManifestPath.problem(Array("/a".utf8)), "starts with \"/\"")
        XCTAssertEqual(ManifestPath.problem(Array("a//b".utf8)), "has an empty component")
        XCTAssertEqual(ManifestPath.problem(Array("a/".utf8)), "has an empty component")
        XCTAssertEqual(ManifestPath.problem(Array("./a".utf8)), "has a \".\" component")
        XCTAssertEqual(ManifestPath.problem(Array("a/../b".utf8)), "has a \"..\" component")
        XCTAssertEqual(ManifestPath.problem([0x61, 0x00]), "contains a NUL byte")
    }


}

final class ByteScanTests: XCTestCase {
    func testLowerHex64AgainstAPlainCheck() {
        var bytes = Array(String(repeating: "0123456789abcdef", count: 4).utf8)
        XCTAssertTrue(bytes.withUnsafeBufferPointer { ByteScan.isLowerHex64($0.baseAddress!) })
        for pos in [0, 7, 8, 33, 63] {
            for c: UInt8 in [0x2F, 0x3A, 0x40, 0x41, 0x46, 0x60, 0x67, 0x80, 0xB0, 0xE1, 0x00, 0xFF] {
                let saved = bytes[pos]
                bytes[pos] = c
                XCTAssertFalse(bytes.withUnsafeBufferPointer { ByteScan.isLowerHex64($0.baseAddress!) }, "\(pos) \(c)")
                bytes[pos] = saved
            }
        }
    }

    func testClassifyFindsBackslashesControlsAndHighBytes() {
        for len in [0, 1, 7, 8, 9, 16, 23] {
            let plain = [UInt8](repeating: 0x61, count: len)
            XCTAssertTrue(plain.withUnsafeBufferPointer { ByteScan.classify($0) } == (true, true), "\(len)")
            for pos in 0..<len {
                for (c, expect) in [(UInt8(0x5C), (false, true)), (0x1F, (false, true)), (0x00, (false, true)),
                                    (0x80, (true, false)), (0xDC, (true, false)), (0x20, (true, true)), (0x7F, (true, true))] {
                    var b = plain
                    b[pos] = c
                    XCTAssertTrue(b.withUnsafeBufferPointer { ByteScan.classify($0) } == expect, "\(len) \(pos) \(c)")
                }
            }
        }
    }
}
