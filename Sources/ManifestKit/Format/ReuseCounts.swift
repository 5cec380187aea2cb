/// The trailer's `reuse` object: what a walk with a reuse manifest
/// (`generate --reuse-from`) took from it, read anyway, and found changed.
/// Written only by such walks (and whenever an entry carries `reuseMismatch`).
///
/// ```
/// "reuse":{"reused":990,"sampled":10,"mismatches":0,"seed":42}
/// ```
public struct ReuseCounts: Sendable, Equatable {
    /// Files whose `sha256` was taken from the reuse manifest without reading them.
    public var reused: UInt64
    /// Files that could have been reused and were read anyway (the rehash sample).
    public var sampled: UInt64
    /// Sampled files whose fresh digest differed (the entries with
    /// `"reuseMismatch":true`; a reader checks the count).
    public var mismatches: UInt64
    /// The seed that chose the sample (`--sample-seed`): with the fraction it names
    /// the sampled paths exactly.
    public var seed: UInt64

    public init(reused: UInt64 = 0, sampled: UInt64 = 0, mismatches: UInt64 = 0, seed: UInt64 = 0) {
        self.reused = reused
        self.sampled = sampled
        self.mismatches = mismatches
        self.seed = seed
    }
}

extension ManifestCodec {
    /// Appends `,"reuse":{…}` (trailer line order: after `entriesSha256`).
    static func appendReuse(_ r: ReuseCounts, to out: inout [UInt8]) {
        out.appendLiteral(",\"reuse\":{\"reused\":")
        JSONText.appendUInt(r.reused, to: &out)
        out.appendLiteral(",\"sampled\":")
        JSONText.appendUInt(r.sampled, to: &out)
        out.appendLiteral(",\"mismatches\":")
        JSONText.appendUInt(r.mismatches, to: &out)
        out.appendLiteral(",\"seed\":")
        JSONText.appendUInt(r.seed, to: &out)
        out.append(0x7D)
    }

    /// Decodes the trailer's `reuse` object: all four counts required, no key
    /// twice, unknown keys skipped, `mismatches` ≤ `sampled`.
    static func decodeReuse(_ s: inout JSONScanner) throws(LineProblem) -> ReuseCounts {
        guard s.peek() == 0x7B else {
            try s.skipValue()
            throw LineProblem("\"reuse\" must be an object")
        }
        try s.beginObject()
        var first = true
        var r = ReuseCounts()
        var seen = Set<String>()
        while let key = try s.nextKey(first: &first) {
            switch key {
            case "reused", "sampled", "mismatches", "seed":
                guard seen.insert(key).inserted else { throw LineProblem("duplicate key \"reuse.\(key)\"") }
                let v = try s.uint64("reuse.\(key)")
                switch key {
                case "reused": r.reused = v
                case "sampled": r.sampled = v
                case "mismatches": r.mismatches = v
                default: r.seed = v
                }
            default: try s.skipValue()
            }
        }
        for key in ["reused", "sampled", "mismatches", "seed"] where !seen.contains(key) {
            throw LineProblem("\"reuse\" is missing \"\(key)\"")
        }
        guard r.mismatches <= r.sampled else {
            throw LineProblem("\"reuse\": \"mismatches\" (\(r.mismatches)) is more than \"sampled\" (\(r.sampled))")
        }
        return r
    }
}
