/// Small deterministic JSON writing helpers for the report and findings file.
enum ReportJSON {
    /// Appends `text` as a JSON string literal (quotes included). Non-ASCII is
    /// kept as UTF-8; `"`, `\` and control characters are escaped.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(0x22)
        for byte in text.utf8 {
            switch byte {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: out.append(contentsOf: [0x5C, 0x72])
            case 0x09: out.append(contentsOf: [0x5C, 0x74])
            case 0x00..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(0x22)
    }

    /// Appends `"path":"…"` when `bytes` are valid UTF-8, else `"pathB64":"…"`.
    static func appendPathField(_ name: String, _ bytes: [UInt8], to out: inout [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        if text.utf8.elementsEqual(bytes) {
            appendString(name, to: &out)
            out.append(0x3A)
            appendString(text, to: &out)
        } else {
            appendString(name + "B64", to: &out)
            out.append(0x3A)
            appendString(base64(bytes), to: &out)
        }
    }

    /// Standard base64 with padding (RFC 4648 §4).
    static func base64(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let n = min(3, bytes.count - i)
            var v = UInt32(bytes[i]) << 16
            if n > 1 { v |= UInt32(bytes[i + 1]) << 8 }
            if n > 2 { v |= UInt32(bytes[i + 2]) }
            for k in 0..<4 {
                out.append(k <= n ? base64Digits[Int((v >> (18 - 6 * UInt32(k))) & 0x3F)] : 0x3D)
            }
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// One finding as a compact JSON object (the findings-file line without `\n`):
    /// `{"path":…,"class":…,"severity":…,"type":…,"detail":…}`.
    static func appendFinding(_ f: Finding, to out: inout [UInt8]) {
        out.append(0x7B)
        appendPathField("path", f.path, to: &out)
        out.append(contentsOf: Array(",\"class\":".utf8))
        appendString(f.verdict.rawValue, to: &out)
        out.append(contentsOf: Array(",\"severity\":".utf8))
        appendString(f.severity.rawValue, to: &out)
        if let type = f.type {
            out.append(contentsOf: Array(",\"type\":".utf8))
            appendString(type.rawValue, to: &out)
        }
        out.append(contentsOf: Array(",\"detail\":".utf8))
        appendString(f.detail, to: &out)
        out.append(0x7D)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
    private static let base64Digits: [UInt8] =
        Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
}
