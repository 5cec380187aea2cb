extension ShardPlan {
    /// The plan file's bytes: one JSON object, a line per shard, ending in `\n`.
    ///
    /// ```
    /// {"plan":"efs-backup-verifier/plan-1","source":{…},"cost":{…},"shards":[
    /// {"index":0,"start":null,"end":"m","entries":5,"bytes":10,"cost":15010},
    /// {"index":1,"start":"m","end":null,"entries":4,"bytes":0,"cost":12000}]}
    /// ```
    public func encoded() -> [UInt8] {
        var out = [UInt8]()
        out.appendLiteral("{\"plan\":")
        JSONText.appendString(Self.formatTag, to: &out)
        out.appendLiteral(",\"source\":{\"entries\":")
        JSONText.appendUInt(source.entries, to: &out)
        out.appendLiteral(",\"entriesSha256\":")
        JSONText.appendString(source.entriesSha256, to: &out)
        for (key, value) in [("root", source.root), ("fileSystemId", source.fileSystemId)] {
            guard let value else { continue }
            out.append(contentsOf: ",\"\(key)\":".utf8)
            JSONText.appendString(value, to: &out)
        }
        out.appendLiteral("},\"cost\":{\"perEntryMicros\":")
        JSONText.appendUInt(cost.perEntryMicros, to: &out)
        out.appendLiteral(",\"bytesPerSecond\":")
        JSONText.appendUInt(cost.bytesPerSecond, to: &out)
        out.appendLiteral("},\"shards\":[")
        for (i, shard) in shards.enumerated() {
            out.appendLiteral(i == 0 ? "\n{\"index\":" : ",\n{\"index\":")
            JSONText.appendInt(Int64(shard.index), to: &out)
            out.appendLiteral(",\"start\":")
            PathJSON.append(shard.range.start, to: &out)
            out.appendLiteral(",\"end\":")
            PathJSON.append(shard.range.end, to: &out)
            out.appendLiteral(",\"entries\":")
            JSONText.appendUInt(shard.entries, to: &out)
            out.appendLiteral(",\"bytes\":")
            JSONText.appendUInt(shard.bytes, to: &out)
            out.appendLiteral(",\"cost\":")
            JSONText.appendUInt(shard.cost, to: &out)
            out.append(0x7D)
        }
        out.appendLiteral("]}\n")
        return out
    }

    /// Decodes and checks a plan file (JSON whitespace allowed anywhere; unknown
    /// keys ignored; every rule of ``problem``).
    /// - Throws: ``ManifestKitError`` `.invalidManifest` with subject `name`.
    public static func decode(_ bytes: [UInt8], name: String) throws -> ShardPlan {
        let plan: ShardPlan
        do {
            plan = try bytes.withUnsafeBufferPointer { (u) throws(LineProblem) -> ShardPlan in
                var s = JSONScanner(u)
                let plan = try decodePlan(&s)
                try s.end()
                return plan
            }
        } catch {
            throw ManifestKitError(.invalidManifest, subject: name, reason: "invalid shard plan: \(error.reason)")
        }
        if let problem = plan.problem {
            throw ManifestKitError(.invalidManifest, subject: name, reason: "invalid shard plan: \(problem)")
        }
        return plan
    }

    private static func decodePlan(_ s: inout JSONScanner) throws(LineProblem) -> ShardPlan {
        try s.beginObject()
        var keys = KeySet()
        var tag: String?
        var source: Source?
        var cost: CostModel?
        var shards: [Shard]?
        var first = true
        while let key = try s.nextKey(first: &first) {
            try keys.insert(key, known: ["plan", "source", "cost", "shards"])
            switch key {
            case "plan":
                let t = try ManifestCodec.text(&s, key)
                guard t == formatTag else {
                    throw LineProblem("unsupported plan version \(JSONText.quoted(t)) (expected \(JSONText.quoted(formatTag)))")
                }
                tag = t
            case "source": source = try decodeSource(&s)
            case "cost": cost = try decodeCost(&s)
            case "shards": shards = try decodeShards(&s)
            default: try s.skipValue()
            }
        }
        guard tag != nil else { throw LineProblem("not a shard plan: missing \"plan\"") }
        guard let source else { throw LineProblem("missing \"source\"") }
        guard let cost else { throw LineProblem("missing \"cost\"") }
        guard let shards else { throw LineProblem("missing \"shards\"") }
        return ShardPlan(source: source, cost: cost, shards: shards)
    }

    private static func decodeSource(_ s: inout JSONScanner) throws(LineProblem) -> Source {
        try s.beginObject("source")
        var keys = KeySet()
        var out = Source(entries: 0, entriesSha256: "")
        var first = true
        while let key = try s.nextKey(first: &first) {
            try keys.insert(key, known: ["entries", "entriesSha256", "root", "fileSystemId"])
            switch key {
            case "entries": out.entries = try s.uint64("source.entries")
            case "entriesSha256": out.entriesSha256 = try ManifestCodec.text(&s, "source.entriesSha256")
            case "root": out.root = try ManifestCodec.optionalText(&s, "source.root")
            case "fileSystemId": out.fileSystemId = try ManifestCodec.optionalText(&s, "source.fileSystemId")
            default: try s.skipValue()
            }
        }
        try keys.require(["entries", "entriesSha256"], in: "source")
        return out
    }

    private static func decodeCost(_ s: inout JSONScanner) throws(LineProblem) -> CostModel {
        try s.beginObject("cost")
        var keys = KeySet()
        var out = CostModel(perEntryMicros: 0, bytesPerSecond: 0)
        var first = true
        while let key = try s.nextKey(first: &first) {
            try keys.insert(key, known: ["perEntryMicros", "bytesPerSecond"])
            switch key {
            case "perEntryMicros": out.perEntryMicros = try s.uint64("cost.perEntryMicros")
            case "bytesPerSecond": out.bytesPerSecond = try s.uint64("cost.bytesPerSecond")
            default: try s.skipValue()
            }
        }
        try keys.require(["perEntryMicros", "bytesPerSecond"], in: "cost")
        return out
    }

    private static func decodeShards(_ s: inout JSONScanner) throws(LineProblem) -> [Shard] {
        var shards = [Shard]()
        var first = true
        while try s.nextElement(first: &first, "shards") {
            guard shards.count < maxShards else { throw LineProblem("more than \(maxShards) shards") }
            let field = "shards[\(shards.count)]"
            try s.beginObject(field)
            var keys = KeySet()
            var shard = Shard(index: 0, range: .all, entries: 0, bytes: 0, cost: 0)
            var index: Int64 = 0
            var inner = true
            while let key = try s.nextKey(first: &inner) {
                try keys.insert(key, known: ["index", "start", "end", "entries", "bytes", "cost"])
                switch key {
                case "index": index = try s.int64("\(field).index")
                case "start": shard.range.start = try PathJSON.decode(&s, "\(field).start")
                case "end": shard.range.end = try PathJSON.decode(&s, "\(field).end")
                case "entries": shard.entries = try s.uint64("\(field).entries")
                case "bytes": shard.bytes = try s.uint64("\(field).bytes")
                case "cost": shard.cost = try s.uint64("\(field).cost")
                default: try s.skipValue()
                }
            }
            try keys.require(["index", "start", "end", "entries", "bytes", "cost"], in: field)
            guard let i = Int(exactly: index), i == shards.count else {
                throw LineProblem("\(JSONText.quoted(field)) has \"index\" \(index)")
            }
            shard.index = i
            shards.append(shard)
        }
        return shards
    }
}

/// The keys seen in one JSON object: refuses a known key twice, checks the required ones.
struct KeySet {
    private var seen = Set<String>()

    mutating func insert(_ key: String, known: Set<String>) throws(LineProblem) {
        guard known.contains(key) else { return }
        guard seen.insert(key).inserted else { throw LineProblem("duplicate key \(JSONText.quoted(key))") }
    }

    func require(_ keys: [String], in object: String) throws(LineProblem) {
        for key in keys where !seen.contains(key) {
            throw LineProblem("\(JSONText.quoted(object)) is missing \(JSONText.quoted(key))")
        }
    }
}
