/// A contiguous range of manifest order, `[start, end)`: what one shard of a
/// ``ShardPlan`` holds. A nil bound is unbounded (−∞ for `start`, +∞ for `end`).
/// Bounds are raw path bytes and need not exist in any tree.
public struct ShardRange: Sendable, Equatable {
    /// The first path in the range (inclusive), nil for −∞.
    public var start: [UInt8]?
    /// The first path after the range (exclusive), nil for +∞.
    public var end: [UInt8]?

    /// Every path.
    public static let all = ShardRange(start: nil, end: nil)

    public init(start: [UInt8]?, end: [UInt8]?) {
        self.start = start
        self.end = end
    }

    /// True when `path` lies in `[start, end)` (``PathOrder``).
    public func contains(_ path: [UInt8]) -> Bool {
        if let start, PathOrder.compare(path, start) < 0 { return false }
        if let end, PathOrder.compare(path, end) >= 0 { return false }
        return true
    }

    /// True when neither `directory` nor any path below it (`directory/…`) lies
    /// in the range, so a walk need not list it.
    ///
    /// A directory's subtree is contiguous in manifest order, right after the
    /// directory itself: it is wholly before `start` when the directory sorts
    /// before `start` and `start` is not below it, and wholly after when the
    /// directory itself is at or past `end`.
    public func excludesSubtree(of directory: [UInt8]) -> Bool {
        if let end, PathOrder.compare(directory, end) >= 0 { return true }
        if let start, PathOrder.compare(directory, start) < 0, !PathOrder.isAncestor(directory, of: start) { return true }
        return false
    }

    /// Why the range is not acceptable (a bound that is not an entry path, or
    /// `start` not before `end`), or nil.
    public var problem: String? {
        for (key, bound) in [("start", start), ("end", end)] {
            if let bound, let p = ManifestPath.problem(bound) { return "\(JSONText.quoted(key)) path \(JSONText.quoted(bound)) \(p)" }
        }
        if let start, let end, PathOrder.compare(start, end) >= 0 {
            return "\"start\" \(JSONText.quoted(start)) does not sort before \"end\" \(JSONText.quoted(end))"
        }
        return nil
    }
}

/// A path as a JSON value the way entries write it: a string when the bytes are
/// UTF-8, else `{"pathB64":"…"}`; `null` for an absent bound.
enum PathJSON {
    static func append(_ path: [UInt8]?, to out: inout [UInt8]) {
        guard let path else { out.appendLiteral("null"); return }
        if UTF8Check.isValid(path) {
            JSONText.appendString(path, to: &out)
        } else {
            out.appendLiteral("{\"pathB64\":\"")
            Base64.encode(path, into: &out)
            out.appendLiteral("\"}")
        }
    }

    /// Reads a string, `{"pathB64":…}` or `null` (nil), checking the path rules.
    static func decode(_ s: inout JSONScanner, _ field: String) throws(LineProblem) -> [UInt8]? {
        if s.null() { return nil }
        let path: [UInt8]
        switch s.peek() {
        case 0x22:
            path = try s.string()
        case 0x7B:
            try s.beginObject()
            var first = true
            var decoded: [UInt8]?
            while let key = try s.nextKey(first: &first) {
                guard key == "pathB64" else { try s.skipValue(); continue }
                guard decoded == nil else { throw LineProblem("\(JSONText.quoted(field)) has \"pathB64\" twice") }
                let text = try s.string("\(field).pathB64")
                guard let bytes = text.withUnsafeBufferPointer({ Base64.decode($0) }) else {
                    throw LineProblem("\"\(field).pathB64\" is not valid base64")
                }
                decoded = bytes
            }
            guard let decoded else { throw LineProblem("\(JSONText.quoted(field)) object has no \"pathB64\"") }
            path = decoded
        default:
            try s.skipValue()
            throw LineProblem("\(JSONText.quoted(field)) must be a path string, {\"pathB64\":…} or null")
        }
        if let p = ManifestPath.problem(path) { throw LineProblem("\(JSONText.quoted(field)) path \(JSONText.quoted(path)) \(p)") }
        return path
    }
}

extension JSONScanner {
    /// Steps through an array: consumes `[` on the first call (with `first`
    /// true) and the `,` between elements; false after the closing `]`.
    mutating func nextElement(first: inout Bool, _ field: String) throws(LineProblem) -> Bool {
        if first {
            guard peek() == 0x5B else {
                try skipValue()
                throw LineProblem("\(JSONText.quoted(field)) must be an array")
            }
            i += 1
            first = false
            if peek() == 0x5D { i += 1; return false }
            return true
        }
        guard let c = peek() else { throw syntax("") }
        i += 1
        if c == 0x5D { return false }
        guard c == 0x2C else { i -= 1; throw syntax("expected ',' or ']'") }
        return true
    }

    /// Requires `{` next, else a type problem naming `field`.
    mutating func beginObject(_ field: String) throws(LineProblem) {
        guard peek() == 0x7B else {
            try skipValue()
            throw LineProblem("\(JSONText.quoted(field)) must be an object")
        }
        try beginObject()
    }
}
