/// Standard base64 (RFC 4648 §4, with `=` padding), used for `pathB64` and
/// `targetB64`. The decoder is strict: it rejects missing padding, characters
/// outside the alphabet, whitespace, and non-zero unused bits.
public enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let reverse: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }()

    /// Appends the base64 text of `bytes` to `out`.
    public static func encode(_ bytes: [UInt8], into out: inout [UInt8]) {
        var i = 0
        let n = bytes.count
        while i + 3 <= n {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)]); out.append(alphabet[Int(v & 63)])
            i += 3
        }
        if n - i == 1 {
            let v = UInt32(bytes[i]) << 16
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(0x3D); out.append(0x3D)
        } else if n - i == 2 {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)]); out.append(0x3D)
        }
    }

    /// The base64 text of `bytes`.
    public static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        encode(bytes, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes canonical padded base64; nil when `text` is not exactly that.
    public static func decode(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let n = text.count
        guard n % 4 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(n / 4 * 3)
        var i = 0
        while i < n {
            let a = reverse[Int(text[i])], b = reverse[Int(text[i + 1])]
            guard a != 0xFF, b != 0xFF else { return nil }
            let last = i + 4 == n
            if last && text[i + 2] == 0x3D {
                guard text[i + 3] == 0x3D, b & 0x0F == 0 else { return nil }
                out.append(a << 2 | b >> 4)
                return out
            }
            let c = reverse[Int(text[i + 2])]
            guard c != 0xFF else { return nil }
            if last && text[i + 3] == 0x3D {
                guard c & 0x03 == 0 else { return nil }
                out.append(a << 2 | b >> 4); out.append(b << 4 | c >> 2)
                return out
            }
            let d = reverse[Int(text[i + 3])]
            guard d != 0xFF else { return nil }
            out.append(a << 2 | b >> 4); out.append(b << 4 | c >> 2); out.append(c << 6 | d)
            i += 4
        }
        return out
    }

    /// ``decode(_:)-(UnsafeBufferPointer<UInt8>)`` of a string.
    public static func decode(_ text: String) -> [UInt8]? {
        var copy = text
        return copy.withUTF8 { decode($0) }
    }
}
