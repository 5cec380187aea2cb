import XCTest
@testable import ManifestKit

/// The one escaping of file-system strings for human text.
final class HumanTextTests: XCTestCase {
    func testPlainNamesAreShownAsTheyAre() {
        for name in ["a", "d/a.txt", "é ü", "日本語/ファイル", "a\"b", "with space", "🙂", "\u{A0}nbsp"] {
            XCTAssertEqual(HumanText.name(Array(name.utf8)), name)
            XCTAssertEqual(HumanText.line(name), name)
        }
    }

    func testControlCharacters() {
        XCTAssertEqual(HumanText.name(Array("a\nb".utf8)), #""a\nb""#)
        XCTAssertEqual(HumanText.name(Array("a\tb\rc".utf8)), #""a\tb\rc""#)
        XCTAssertEqual(HumanText.name([0x61, 0x1B, 0x5B, 0x32, 0x4A]), #""a\x1b[2J""#)
        XCTAssertEqual(HumanText.name([0x00, 0x01, 0x07, 0x08, 0x1F, 0x7F]), #""\x00\x01\x07\x08\x1f\x7f""#)
        XCTAssertEqual(HumanText.line("x\u{1B}]0;title\u{07}y\nz"), #"x\x1b]0;title\x07y\nz"#)
    }

    func testInvalidUTF8() {
        XCTAssertEqual(HumanText.name([0x63, 0x61, 0x66, 0xE9]), #""caf\xe9""#)
        XCTAssertEqual(HumanText.name([0xC3]), #""\xc3""#, "truncated")
        XCTAssertEqual(HumanText.name([0xC0, 0xAF]), #""\xc0\xaf""#, "overlong")
        XCTAssertEqual(HumanText.name([0xED, 0xA0, 0x80]), #""\xed\xa0\x80""#, "surrogate")
        XCTAssertEqual(HumanText.name([0xF4, 0x90, 0x80, 0x80]), #""\xf4\x90\x80\x80""#, "past U+10FFFF")
        XCTAssertEqual(HumanText.name([0xFF, 0x61]), #""\xffa""#)
    }

    func testBidiAndOtherInvisibleControls() {
        for value: UInt32 in [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
                              0x200E, 0x200F, 0x061C, 0x2028, 0x2029, 0x85, 0x9B] {
            let scalar = Unicode.Scalar(value)!
            let expected = "\\u{" + String(value, radix: 16, uppercase: true) + "}"
            XCTAssertEqual(HumanText.name(Array("a\(scalar)b".utf8)), "\"a\(expected)b\"")
            XCTAssertEqual(HumanText.line("a\(scalar)b"), "a\(expected)b")
        }
        XCTAssertEqual(HumanText.name(Array("invoice\u{202E}fdp.exe".utf8)), #""invoice\u{202E}fdp.exe""#)
    }

    func testQuotingIsUnambiguous() {
        // A backslash or a leading quote is enough to be quoted; inside, both are escaped.
        XCTAssertEqual(HumanText.name(Array(#"a\nb"#.utf8)), #""a\\nb""#, "a literal backslash-n is not a newline")
        XCTAssertEqual(HumanText.name(Array(#""quoted""#.utf8)), #""\"quoted\"""#)
        XCTAssertEqual(HumanText.name(Array("a\"\n".utf8)), #""a\"\n""#)
        XCTAssertEqual(HumanText.name(""), "")
    }

    func testLineIsIdempotentAndKeepsBackslashes() {
        let hostile = "f\nPASS: no findings\n\u{1B}[2J\u{202E}\u{85}"
        let once = HumanText.line(hostile)
        XCTAssertEqual(once, #"f\nPASS: no findings\n\x1b[2J\u{202E}\u{85}"#)
        XCTAssertEqual(HumanText.line(once), once)
        XCTAssertEqual(HumanText.line(#"C:\dir"#), #"C:\dir"#)
    }

    func testEveryByteAndScalarClassLeavesNoControlCharacter() {
        // Property: whatever the bytes, the output is one line of printable text.
        var bytes: [UInt8] = Array(0...255)
        bytes += Array("\u{202E}\u{2066}\u{2028}\u{85}é".utf8)
        for text in [HumanText.name(bytes), HumanText.line(String(decoding: bytes, as: UTF8.self))] {
            for scalar in text.unicodeScalars {
                XCTAssertFalse(scalar.value < 0x20 || scalar.value == 0x7F || HumanText.isEscapedScalar(scalar.value),
                               "U+\(String(scalar.value, radix: 16)) left in \(text)")
            }
        }
    }
}
