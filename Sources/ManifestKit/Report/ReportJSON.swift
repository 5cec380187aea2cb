import Primitives

/// The findings' JSON form, shared by the report and the findings file
/// (strings through ``JSONText/appendReadableString(_:to:)``).
enum ReportJSON {
    /// Appends `"path":"…"` when `bytes` are valid UTF-8, else `"pathB64":"…"`.
    static func appendPathField(_ name: String, _ bytes: [UInt8], to out: inout [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        if text.utf8.elementsEqual(bytes) {
            JSONText.appendReadableString(name, to: &out)
            out.append(0x3A)
            JSONText.appendReadableString(text, to: &out)
        } else {
            JSONText.appendReadableString(name + "B64", to: &out)
            out.append(0x3A)
            JSONText.appendReadableString(Base64.encode(bytes), to: &out)
        }
    }

    /// One finding as a compact JSON object (the findings-file line without `\n`):
    /// `{"path":…,"class":…,"severity":…,"type":…,"detail":…}`.
    static func appendFinding(_ f: Finding, to out: inout [UInt8]) {
        out.append(0x7B)
        appendPathField("path", f.path, to: &out)
        out.append(contentsOf: Array(",\"class\":".utf8))
        JSONText.appendReadableString(f.verdict.rawValue, to: &out)
        out.append(contentsOf: Array(",\"severity\":".utf8))
        JSONText.appendReadableString(f.severity.rawValue, to: &out)
        if let type = f.type {
            out.append(contentsOf: Array(",\"type\":".utf8))
            JSONText.appendReadableString(type.rawValue, to: &out)
        }
        out.append(contentsOf: Array(",\"detail\":".utf8))
        JSONText.appendReadableString(f.detail, to: &out)
        out.append(0x7D)
    }
}
