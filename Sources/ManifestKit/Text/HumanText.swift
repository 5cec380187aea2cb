import Primitives

/// The one escaping of file-system strings (paths, symlink targets, error
/// texts, names from events) for text that people read: stdout, stderr,
/// `summary.txt`, the SNS message. JSON output does not use it (JSON escaping
/// is already exact).
///
/// Escaped, so that no string can add a line, move the cursor, recolour a
/// terminal or display reversed:
/// - control characters (C0 and DEL): `\n`, `\r`, `\t`, else `\xNN`
///   (`\x1b` for ESC);
/// - bytes that are not valid UTF-8: `\xNN`;
/// - C1 controls (U+0080–U+009F), the line and paragraph separators
///   (U+2028, U+2029) and the Unicode bidi controls (U+061C, U+200E, U+200F,
///   U+202A–U+202E, U+2066–U+2069): `\u{202E}`.
///
/// ``name(_:)-swift.type.method`` marks a name that needed escaping by quoting
/// it as `ls --quoting-style=c` does (`"f\nPASS"`, with `\"` and `\\` inside);
/// any other name is shown as it is.
///
/// ```swift
/// HumanText.name(Array("d/a.txt".utf8))        // d/a.txt
/// HumanText.name(Array("f\nPASS: ok".utf8))    // "f\nPASS: ok"
/// HumanText.name([0x63, 0x61, 0x66, 0xE9])     // "caf\xe9"
/// HumanText.line("EACCES: \u{1B}[2J")          // EACCES: \x1b[2J
/// ```
public enum HumanText {
    /// A path or other name: as it is when it needs no escaping, else escaped
    /// and quoted. A name with `\`, or one that starts with `"`, is quoted too,
    /// so that a shown name that starts with `"` is always a quoted one.
    public static func name<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let plain = escape(bytes, quoting: false)
        if !plain.escaped && !bytes.contains(0x5C) && bytes.first != 0x22 { return plain.text }
        return "\"" + escape(bytes, quoting: true).text + "\""
    }

    /// ``name(_:)-swift.type.method`` of a string's UTF-8.
    public static func name(_ text: String) -> String { name(Array(text.utf8)) }

    /// Free text that may carry file-system strings (a finding's detail, an
    /// error message): the same escapes, never quoted, `\` kept. Idempotent:
    /// escaped text is left as it is.
    public static func line(_ text: String) -> String {
        let utf8 = Array(text.utf8)
        return escape(utf8, quoting: false).text
    }

    /// True when `scalar` is shown as `\u{…}`: C1 controls, line and paragraph
    /// separators, bidi controls.
    static func isEscapedScalar(_ value: UInt32) -> Bool {
        switch value {
        case 0x80...0x9F, 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    private static func escape<Bytes: Collection>(_ bytes: Bytes, quoting: Bool) -> (text: String, escaped: Bool)
        where Bytes.Element == UInt8 {
        let u = Array(bytes)
        var out = ""
        out.reserveCapacity(u.count)
        var escaped = false
        var i = 0
        while i < u.count {
            let byte = u[i]
            if byte < 0x80 {
                switch byte {
                case 0x0A: out += "\\n"; escaped = true
                case 0x0D: out += "\\r"; escaped = true
                case 0x09: out += "\\t"; escaped = true
                case 0x00..<0x20, 0x7F: out += hex(byte); escaped = true
                case 0x22 where quoting: out += "\\\""
                case 0x5C where quoting: out += "\\\\"
                default: out.unicodeScalars.append(Unicode.Scalar(byte))
                }
                i += 1
            } else if let (scalar, length) = decodeScalar(u, at: i) {
                if isEscapedScalar(scalar.value) {
                    out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                    escaped = true
                } else {
                    out.unicodeScalars.append(scalar)
                }
                i += length
            } else {
                out += hex(byte)
                escaped = true
                i += 1
            }
        }
        return (out, escaped)
    }

    private static func hex(_ byte: UInt8) -> String { "\\x" + Hex.encode([byte]) }

    /// Decodes one multi-byte UTF-8 scalar starting at `index`, or nil if the
    /// bytes there are not valid UTF-8 (overlong, surrogate, truncated, …).
    private static func decodeScalar(_ bytes: [UInt8], at index: Int) -> (Unicode.Scalar, Int)? {
        let length: Int
        switch bytes[index] {
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return nil
        }
        guard bytes.count - index >= length else { return nil }
        var decoder = UTF8()
        var iterator = bytes[index..<(index + length)].makeIterator()
        if case .scalarValue(let scalar) = decoder.decode(&iterator), scalar.utf8.count == length {
            return (scalar, length)
        }
        return nil
    }
}
