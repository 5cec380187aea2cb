extension ManifestSet {
    /// The index file's bytes: one JSON object, a line per part, ending in `\n`.
    public func encoded() -> [UInt8] {
        var out = [UInt8]()
        out.appendLiteral("{\"manifestSet\":")
        JSONText.appendString(Self.formatTag, to: &out)
        out.appendLiteral(",\"plan\":")
        JSONText.appendString(plan, to: &out)
        out.appendLiteral(",\"role\":")
        JSONText.appendString(role.rawValue, to: &out)
        for (key, ns) in [("startedAt", startedAtNs), ("completedAt", completedAtNs)] {
            guard let ns else { continue }
            out.append(contentsOf: ",\"\(key)\":\"".utf8)
            Timestamp.append(ns: ns, to: &out)
            out.append(0x22)
        }
        out.appendLiteral(",\"parts\":[")
        for (i, part) in parts.enumerated() {
            out.appendLiteral(i == 0 ? "\n{\"index\":" : ",\n{\"index\":")
            JSONText.appendInt(Int64(part.index), to: &out)
            out.appendLiteral(",\"location\":")
            JSONText.appendString(part.location, to: &out)
            out.appendLiteral(",\"entries\":")
            JSONText.appendUInt(part.entries, to: &out)
            out.appendLiteral(",\"entriesSha256\":")
            JSONText.appendString(part.entriesSha256, to: &out)
            out.append(0x7D)
        }
        out.appendLiteral("]}\n")
        return out
    }

    /// True when `bytes` start like a set index (after whitespace, `{` and the
    /// `"manifestSet"` key), so a reader can tell it from a gzip manifest.
    public static func looksLikeSet(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
        return bytes[i...].starts(with: Array("{\"manifestSet\"".utf8))
    }

    /// Decodes and checks a set index (JSON whitespace allowed; unknown keys
    /// ignored; every rule of ``problem``).
    /// - Throws: ``ManifestKitError`` `.invalidManifest` with subject `name`.
    public static func decode(_ bytes: [UInt8], name: String) throws -> ManifestSet {
        let set: ManifestSet
        do {
            set = try bytes.withUnsafeBufferPointer { (u) throws(LineProblem) -> ManifestSet in
                var s = JSONScanner(u)
                let set = try decodeSet(&s)
                try s.end()
                return set
            }
        } catch {
            throw ManifestKitError(.invalidManifest, subject: name, reason: "invalid manifest set: \(error.reason)")
        }
        if let problem = set.problem {
            throw ManifestKitError(.invalidManifest, subject: name, reason: "invalid manifest set: \(problem)")
        }
        return set
    }

    private static func decodeSet(_ s: inout JSONScanner) throws(LineProblem) -> ManifestSet {
        try s.beginObject()
        var keys = KeySet()
        var tag: String?
        var set = ManifestSet(plan: "", role: .local, parts: [])
        var first = true
        while let key = try s.nextKey(first: &first) {
            try keys.insert(key, known: ["manifestSet", "plan", "role", "startedAt", "completedAt", "parts"])
            switch key {
            case "manifestSet":
                let t = try ManifestCodec.text(&s, key)
                guard t == formatTag else {
                    throw LineProblem("unsupported set version \(JSONText.quoted(t)) (expected \(JSONText.quoted(formatTag)))")
                }
                tag = t
            case "plan": set.plan = try ManifestCodec.text(&s, key)
            case "role":
                let r = try ManifestCodec.text(&s, key)
                guard let role = ManifestRole(rawValue: r) else { throw LineProblem("unknown role \(JSONText.quoted(r))") }
                set.role = role
            case "startedAt": set.startedAtNs = try optionalTimestamp(&s, key)
            case "completedAt": set.completedAtNs = try optionalTimestamp(&s, key)
            case "parts": set.parts = try decodeParts(&s)
            default: try s.skipValue()
            }
        }
        guard tag != nil else { throw LineProblem("not a manifest set: missing \"manifestSet\"") }
        try keys.require(["plan", "role", "parts"], in: "manifestSet")
        return set
    }

    private static func optionalTimestamp(_ s: inout JSONScanner, _ key: String) throws(LineProblem) -> Int64? {
        if s.null() { return nil }
        return try ManifestCodec.timestamp(&s, key)
    }

    private static func decodeParts(_ s: inout JSONScanner) throws(LineProblem) -> [Part] {
        var parts = [Part]()
        var first = true
        while try s.nextElement(first: &first, "parts") {
            guard parts.count < ShardPlan.maxShards else { throw LineProblem("more than \(ShardPlan.maxShards) parts") }
            let field = "parts[\(parts.count)]"
            try s.beginObject(field)
            var keys = KeySet()
            var part = Part(index: 0, location: "", entries: 0, entriesSha256: "")
            var index: Int64 = 0
            var inner = true
            while let key = try s.nextKey(first: &inner) {
                try keys.insert(key, known: ["index", "location", "entries", "entriesSha256"])
                switch key {
                case "index": index = try s.int64("\(field).index")
                case "location": part.location = try ManifestCodec.text(&s, "\(field).location")
                case "entries": part.entries = try s.uint64("\(field).entries")
                case "entriesSha256": part.entriesSha256 = try ManifestCodec.text(&s, "\(field).entriesSha256")
                default: try s.skipValue()
                }
            }
            try keys.require(["index", "location", "entries", "entriesSha256"], in: field)
            guard let i = Int(exactly: index), i == parts.count else {
                throw LineProblem("\(JSONText.quoted(field)) has \"index\" \(index) (parts are listed in order 0 … K-1)")
            }
            part.index = i
            parts.append(part)
        }
        return parts
    }
}
