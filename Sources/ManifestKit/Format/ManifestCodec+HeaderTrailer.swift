extension ManifestCodec {
    // MARK: - Header

    /// Appends the header line (with its `\n`): `manifest`, `role`, then `root`,
    /// `fileSystemId`, `recoveryPointArn` when set, `startedAt`, `tool`, `hash`,
    /// `shard`.
    public static func appendHeaderLine(_ h: ManifestHeader, to out: inout [UInt8]) {
        out.append(contentsOf: "{\"manifest\":".utf8)
        JSONText.appendString(ManifestHeader.formatTag, to: &out)
        out.append(contentsOf: ",\"role\":".utf8)
        JSONText.appendString(h.role.rawValue, to: &out)
        for (key, value) in [("root", h.root), ("fileSystemId", h.fileSystemId), ("recoveryPointArn", h.recoveryPointArn)] {
            guard let value else { continue }
            out.append(contentsOf: ",\"\(key)\":".utf8)
            JSONText.appendString(value, to: &out)
        }
        out.append(contentsOf: ",\"startedAt\":\"".utf8)
        Timestamp.append(ns: h.startedAtNs, to: &out)
        out.append(contentsOf: "\",\"tool\":".utf8)
        JSONText.appendString(h.tool, to: &out)
        out.append(contentsOf: ",\"hash\":".utf8)
        JSONText.appendString(h.hash, to: &out)
        out.append(contentsOf: ",\"shard\":{\"index\":".utf8)
        JSONText.appendInt(Int64(h.shardIndex), to: &out)
        out.append(contentsOf: ",\"count\":".utf8)
        JSONText.appendInt(Int64(h.shardCount), to: &out)
        out.append(contentsOf: "}}\n".utf8)
    }

    /// The header line of `header`, with its `\n`.
    public static func headerLine(_ header: ManifestHeader) -> [UInt8] {
        var out = [UInt8]()
        appendHeaderLine(header, to: &out)
        return out
    }

    static func decodeHeader(_ line: UnsafeBufferPointer<UInt8>) throws(LineProblem) -> ManifestHeader {
        var s = JSONScanner(line)
        try s.beginObject()
        var first = true
        var seen = Set<String>()
        var tag: String?
        var role: ManifestRole?
        var startedAt: Int64?
        var tool: String?
        var hash: String?
        var h = ManifestHeader(role: .local, startedAtNs: 0, tool: "")
        while let key = try s.nextKey(first: &first) {
            guard seen.insert(key).inserted else { throw LineProblem("duplicate key \(JSONText.quoted(key))") }
            switch key {
            case "manifest":
                let t = try text(&s, key)
                guard t == ManifestHeader.formatTag else {
                    throw LineProblem("unsupported manifest version \(JSONText.quoted(t)) (expected \(JSONText.quoted(ManifestHeader.formatTag)))")
                }
                tag = t
            case "role":
                let r = try text(&s, key)
                guard let known = ManifestRole(rawValue: r) else { throw LineProblem("unknown role \(JSONText.quoted(r))") }
                role = known
            case "root": h.root = try optionalText(&s, key)
            case "fileSystemId": h.fileSystemId = try optionalText(&s, key)
            case "recoveryPointArn": h.recoveryPointArn = try optionalText(&s, key)
            case "startedAt": startedAt = try timestamp(&s, key)
            case "tool": tool = try text(&s, key)
            case "hash":
                let v = try text(&s, key)
                guard v == "sha256" else { throw LineProblem("unsupported hash \(JSONText.quoted(v)) (expected \"sha256\")") }
                hash = v
            case "shard":
                (h.shardIndex, h.shardCount) = try shard(&s)
            default:
                try s.skipValue()
            }
        }
        try s.end()
        guard tag != nil else { throw LineProblem("not a manifest header: missing \"manifest\"") }
        guard let role else { throw LineProblem("header is missing \"role\"") }
        guard let startedAt else { throw LineProblem("header is missing \"startedAt\"") }
        guard let tool else { throw LineProblem("header is missing \"tool\"") }
        guard let hash else { throw LineProblem("header is missing \"hash\"") }
        h.role = role
        h.startedAtNs = startedAt
        h.tool = tool
        h.hash = hash
        return h
    }

    private static func shard(_ s: inout JSONScanner) throws(LineProblem) -> (Int, Int) {
        guard s.peek() == 0x7B else {
            try s.skipValue()
            throw LineProblem("\"shard\" must be an object")
        }
        try s.beginObject()
        var first = true
        var index: Int64?
        var count: Int64?
        while let key = try s.nextKey(first: &first) {
            switch key {
            case "index":
                guard index == nil else { throw LineProblem("duplicate key \"index\"") }
                index = try s.int64("shard.index")
            case "count":
                guard count == nil else { throw LineProblem("duplicate key \"count\"") }
                count = try s.int64("shard.count")
            default: try s.skipValue()
            }
        }
        guard let index, let count else { throw LineProblem("\"shard\" needs \"index\" and \"count\"") }
        guard count >= 1, count <= Int64(Int32.max), index >= 0, index < count else {
            throw LineProblem("\"shard\" index \(index) of count \(count) is out of range")
        }
        return (Int(index), Int(count))
    }

    // MARK: - Trailer

    /// Appends the trailer line (with its `\n`): `{"trailer":{"entries":…,"files":…,
    /// "dirs":…,"symlinks":…,"others":…,"bytes":…,"errors":…,"unstable":…,
    /// "completedAt":…,"entriesSha256":…}}`, with `,"reuse":{…}` before the
    /// closing braces when the trailer has ``ManifestTrailer/reuse``.
    public static func appendTrailerLine(_ t: ManifestTrailer, to out: inout [UInt8]) {
        out.append(contentsOf: "{\"trailer\":{".utf8)
        for (i, (key, value)) in trailerCounts(t).enumerated() {
            if i > 0 { out.append(0x2C) }
            out.append(contentsOf: "\"\(key)\":".utf8)
            JSONText.appendUInt(value, to: &out)
        }
        out.append(contentsOf: ",\"completedAt\":\"".utf8)
        Timestamp.append(ns: t.completedAtNs, to: &out)
        out.append(contentsOf: "\",\"entriesSha256\":".utf8)
        JSONText.appendString(t.entriesSha256, to: &out)
        if let reuse = t.reuse { appendReuse(reuse, to: &out) }
        out.append(contentsOf: "}}\n".utf8)
    }

    /// The trailer line of `trailer`, with its `\n`.
    public static func trailerLine(_ trailer: ManifestTrailer) -> [UInt8] {
        var out = [UInt8]()
        appendTrailerLine(trailer, to: &out)
        return out
    }

    /// The trailer's counts in line order, with their keys.
    static func trailerCounts(_ t: ManifestTrailer) -> [(String, UInt64)] {
        [("entries", t.entries), ("files", t.files), ("dirs", t.dirs), ("symlinks", t.symlinks),
         ("others", t.others), ("bytes", t.bytes), ("errors", t.errors), ("unstable", t.unstable)]
    }

    static func decodeTrailer(_ line: UnsafeBufferPointer<UInt8>) throws(LineProblem) -> ManifestTrailer {
        var s = JSONScanner(line)
        try s.beginObject()
        var first = true
        var trailer: ManifestTrailer?
        while let key = try s.nextKey(first: &first) {
            if key == "trailer" {
                guard trailer == nil else { throw LineProblem("duplicate key \"trailer\"") }
                trailer = try trailerObject(&s)
            } else {
                try s.skipValue()
            }
        }
        try s.end()
        guard let trailer else { throw LineProblem("missing \"trailer\"") }
        return trailer
    }

    private static func trailerObject(_ s: inout JSONScanner) throws(LineProblem) -> ManifestTrailer {
        guard s.peek() == 0x7B else {
            try s.skipValue()
            throw LineProblem("\"trailer\" must be an object")
        }
        try s.beginObject()
        var first = true
        var t = ManifestTrailer()
        var seen = Set<String>()
        let countKeys: Set<String> = ["entries", "files", "dirs", "symlinks", "others", "bytes", "errors", "unstable"]
        while let key = try s.nextKey(first: &first) {
            let known = countKeys.contains(key) || key == "completedAt" || key == "entriesSha256" || key == "reuse"
            if known {
                guard seen.insert(key).inserted else { throw LineProblem("duplicate key \(JSONText.quoted(key))") }
            }
            switch key {
            case "entries": t.entries = try s.uint64(key)
            case "files": t.files = try s.uint64(key)
            case "dirs": t.dirs = try s.uint64(key)
            case "symlinks": t.symlinks = try s.uint64(key)
            case "others": t.others = try s.uint64(key)
            case "bytes": t.bytes = try s.uint64(key)
            case "errors": t.errors = try s.uint64(key)
            case "unstable": t.unstable = try s.uint64(key)
            case "completedAt": t.completedAtNs = try timestamp(&s, key)
            case "entriesSha256":
                let v = try text(&s, key)
                guard ManifestEntry.isSHA256Hex(v) else { throw LineProblem("\"entriesSha256\" must be 64 lower-case hex digits") }
                t.entriesSha256 = v
            case "reuse": t.reuse = try decodeReuse(&s)
            default: try s.skipValue()
            }
        }
        for key in ["entries", "files", "dirs", "symlinks", "others", "bytes", "errors", "unstable", "completedAt", "entriesSha256"]
        where !seen.contains(key) {
            throw LineProblem("trailer is missing \(JSONText.quoted(key))")
        }
        return t
    }

    // MARK: - Value helpers

    private static func text(_ s: inout JSONScanner, _ key: String) throws(LineProblem) -> String {
        String(decoding: try s.string(key), as: UTF8.self)
    }

    private static func optionalText(_ s: inout JSONScanner, _ key: String) throws(LineProblem) -> String? {
        if s.null() { return nil }
        return try text(&s, key)
    }

    private static func timestamp(_ s: inout JSONScanner, _ key: String) throws(LineProblem) -> Int64 {
        let bytes = try s.string(key)
        guard let ns = bytes.withUnsafeBufferPointer({ Timestamp.parse(utf8: $0) }) else {
            throw LineProblem("\(JSONText.quoted(key)) is not an RFC 3339 timestamp")
        }
        return ns
    }
}
