/// RFC 3986 percent-encoding as SigV4 uses it: every byte outside the unreserved
/// set (`A–Z a–z 0–9 - . _ ~`) becomes `%XX` with upper-case hex.
public enum URIEncoding {
    /// True for the RFC 3986 unreserved bytes.
    public static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Percent-encodes the UTF-8 bytes of `text`, leaving unreserved bytes (and `/`
    /// when `keepSlash`) as they are. A `%` is itself encoded (`%25`).
    ///
    /// ```swift
    /// URIEncoding.encode("a b/c:d", keepSlash: true)   // "a%20b/c%3Ad"
    /// URIEncoding.encode("arn%3Aaws", keepSlash: false) // "arn%253Aaws"
    /// ```
    public static func encode(_ text: String, keepSlash: Bool = false) -> String {
        encode(bytes: Array(text.utf8), keepSlash: keepSlash)
    }

    /// Percent-encodes `bytes` (see ``encode(_:keepSlash:)``).
    public static func encode(bytes: [UInt8], keepSlash: Bool = false) -> String {
        let hexDigits = Array("0123456789ABCDEF".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        for b in bytes {
            if isUnreserved(b) || (keepSlash && b == UInt8(ascii: "/")) {
                out.append(b)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(b >> 4)])
                out.append(hexDigits[Int(b & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` escapes (either hex case) to bytes. A `%` not followed by two
    /// hex digits is kept literally; `+` is kept as `+` (it is not a space here).
    public static func decode(_ text: String) -> [UInt8] {
        let u = Array(text.utf8)
        var out = [UInt8]()
        out.reserveCapacity(u.count)
        var i = 0
        while i < u.count {
            if u[i] == UInt8(ascii: "%"), i + 2 < u.count, let hi = nibble(u[i + 1]), let lo = nibble(u[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(u[i])
                i += 1
            }
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
