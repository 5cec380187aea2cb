import ManifestKit
import Primitives

/// A JSON value whose objects keep their keys in the order given, so that
/// `--json` output is stable (never in hash-map order).
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.serialized() == rhs.serialized()
    }

    /// Compact JSON text (no spaces, no trailing newline).
    func serialized() -> String {
        var out: [UInt8] = []
        write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private func write(to out: inout [UInt8]) {
        switch self {
        case .null: out += "null".utf8
        case .bool(let b): out += (b ? "true" : "false").utf8
        case .int(let n): JSONText.appendInt(n, to: &out)
        case .uint(let n): JSONText.appendUInt(n, to: &out)
        case .double(let d):
            if d.isFinite { out += (d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)).utf8 } else { out += "null".utf8 }
        case .string(let s): JSONText.appendReadableString(s, to: &out)
        case .array(let items):
            out.append(0x5B)
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(0x2C) }
                item.write(to: &out)
            }
            out.append(0x5D)
        case .object(let members):
            out.append(0x7B)
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out.append(0x2C) }
                JSONText.appendReadableString(key, to: &out)
                out.append(0x3A)
                value.write(to: &out)
            }
            out.append(0x7D)
        }
    }
}
