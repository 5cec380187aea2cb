/// Low-level JSON output: minimal string escaping and exact integers, appended
/// to a byte array. Escapes only `"`, `\` and control characters (as `\u00xx`);
/// every other byte, UTF-8 included, passes through unchanged.
public enum JSONText {
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `bytes` as a quoted JSON string (the caller guarantees valid UTF-8).
    @inlinable
    public static func appendString(_ bytes: [UInt8], to out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { appendString($0, to: &out) }
    }

    /// Appends `text` as a quoted JSON string.
    @inlinable
    public static func appendString(_ text: String, to out: inout [UInt8]) {
        var copy = text
        copy.withUTF8 { appendString($0, to: &out) }
    }

    /// Appends `u` as a quoted JSON string (the caller guarantees valid UTF-8).
    /// With `shortEscapes`, line feed, carriage return and tab are written `\n`, `\r`, `\t`
    /// (as log lines conventionally show them) instead of `\u000a`, `\u000d`, `\u0009`.
    public static func appendString(_ u: UnsafeBufferPointer<UInt8>, shortEscapes: Bool = false, to out: inout [UInt8]) {
        out.append(0x22)
        var start = 0
        var i = 0
        let n = u.count
        while i < n {
            let c = u[i]
            if c >= 0x20 && c != 0x22 && c != 0x5C { i += 1; continue }
            if i > start { out.append(contentsOf: UnsafeBufferPointer(rebasing: u[start..<i])) }
            out.append(0x5C)
            switch c {
            case 0x22, 0x5C: out.append(c)
            case 0x0A where shortEscapes: out.append(0x6E)
            case 0x0D where shortEscapes: out.append(0x72)
            case 0x09 where shortEscapes: out.append(0x74)
            default:
                out.append(0x75); out.append(0x30); out.append(0x30)
                out.append(hex[Int(c >> 4)]); out.append(hex[Int(c & 0x0F)])
            }
            i += 1
            start = i
        }
        if n > start { out.append(contentsOf: UnsafeBufferPointer(rebasing: u[start..<n])) }
        out.append(0x22)
    }

    /// Appends `text` as a quoted JSON string for people to read (the report,
    /// the findings file, `--json` output): like `appendString(_:to:)`,
    /// but a line feed, carriage return and tab get their short escapes
    /// (`\n`, `\r`, `\t`).
    public static func appendReadableString(_ text: String, to out: inout [UInt8]) {
        out.append(0x22)
        for byte in text.utf8 {
            switch byte {
            case 0x22, 0x5C: out.append(0x5C); out.append(byte)
            case 0x0A: out.append(0x5C); out.append(0x6E)
            case 0x0D: out.append(0x5C); out.append(0x72)
            case 0x09: out.append(0x5C); out.append(0x74)
            case 0x00..<0x20:
                out.append(0x5C); out.append(0x75); out.append(0x30); out.append(0x30)
                out.append(hex[Int(byte >> 4)]); out.append(hex[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(0x22)
    }

    /// Appends the decimal digits of `v` (inlinable: the manifest encoder's hot path).
    @inlinable
    public static func appendUInt(_ v: UInt64, to out: inout [UInt8]) {
        if v < 10 { out.append(UInt8(truncatingIfNeeded: v) &+ 0x30); return }
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0) // 24 bytes: room for 20 digits
        withUnsafeMutableBytes(of: &tmp) { raw in
            var x = v
            var p = 24
            while x > 0 {
                p -= 1
                raw[p] = UInt8(truncatingIfNeeded: x % 10) &+ 0x30
                x /= 10
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[p..<24]))
        }
    }

    /// Appends the decimal digits of `v`, with `-` when negative.
    @inlinable
    public static func appendInt(_ v: Int64, to out: inout [UInt8]) {
        if v < 0 {
            out.append(0x2D)
            appendUInt(v.magnitude, to: &out)
        } else {
            appendUInt(UInt64(v), to: &out)
        }
    }

    /// `text` quoted and escaped as JSON, for error messages and log lines
    /// (`shortEscapes` as in ``appendString(_:shortEscapes:to:)``).
    public static func quoted(_ text: String, shortEscapes: Bool = false) -> String {
        var out = [UInt8]()
        var copy = text
        copy.withUTF8 { appendString($0, shortEscapes: shortEscapes, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Raw bytes quoted for error messages (invalid UTF-8 shown as U+FFFD).
    public static func quoted(_ bytes: [UInt8]) -> String {
        quoted(String(decoding: bytes, as: UTF8.self))
    }
}
