import Primitives

/// A manifest's **ends**: its header and trailer lines, byte for byte as in the
/// manifest, uncompressed, in a small object next to it (`<manifest>.ends.ndjson`).
///
/// `manifest-worker generate --plan P --shard I -o OUT` writes `OUT.ends.ndjson` once
/// `OUT` is complete, so that a reader who needs only a part's shard, plan, counts
/// and digest (the orchestrator, as each shard's task ends) reads a few hundred bytes
/// instead of the whole part. It is a claim about the manifest, not a proof: the
/// set reader (``ManifestSetReader``) checks every part's own trailer against what
/// the set index took from it. docs/manifest-format.md, "Ends".
public struct ManifestEnds: Sendable, Equatable {
    /// What is appended to the manifest's location to name its ends.
    public static let suffix = ".ends.ndjson"
    /// The most bytes a reader accepts (a header holds at most a root, two range
    /// bounds and a few names: far less).
    public static let maxBytes = 1 << 20

    public var header: ManifestHeader
    public var trailer: ManifestTrailer

    public init(header: ManifestHeader, trailer: ManifestTrailer) {
        self.header = header
        self.trailer = trailer
    }

    /// Where the ends of the manifest at `location` (a path or `s3://` URI) are.
    public static func location(of location: String) -> String { location + suffix }

    /// The object's bytes: the header line and the trailer line, each with its `\n`,
    /// exactly as ``ManifestWriter`` writes them into the manifest.
    public func encoded() -> [UInt8] {
        var out = ManifestCodec.headerLine(header)
        ManifestCodec.appendTrailerLine(trailer, to: &out)
        return out
    }

    /// Decodes ends read from `name`: exactly two lines, a valid header and a valid
    /// trailer (the manifest's own rules), whose counts agree with each other
    /// (`entries` is `files + dirs + symlinks + others`; `errors` and `unstable` at
    /// most `entries`).
    /// - Throws: ``ManifestKitError`` `.invalidManifest` with subject `name` and the
    ///   line (e.g. `k.ends.ndjson:2: truncated: no trailer`).
    public static func decode(_ bytes: [UInt8], name: String) throws -> ManifestEnds {
        func fail(_ line: Int?, _ reason: String) -> ManifestKitError {
            ManifestKitError(.invalidManifest, subject: name, line: line, reason: reason)
        }
        guard bytes.count <= maxBytes else { throw fail(nil, "\(bytes.count) bytes: ends are at most \(maxBytes) bytes") }
        guard !bytes.isEmpty else { throw fail(1, "empty: no header") }
        guard let firstEnd = bytes.firstIndex(of: 0x0A) else { throw fail(1, "truncated: the last line has no newline") }
        // Each line is decoded before what follows it is looked at, so the first
        // problem named is the first there is.
        let header: ManifestHeader, trailer: ManifestTrailer
        do {
            header = try bytes.withUnsafeBufferPointer { (all) throws(LineProblem) -> ManifestHeader in
                try ManifestCodec.decodeHeader(UnsafeBufferPointer(rebasing: all[..<firstEnd]))
            }
        } catch {
            throw fail(1, error.reason)
        }
        let secondStart = firstEnd + 1
        guard secondStart < bytes.count else { throw fail(2, "truncated: no trailer") }
        guard let secondEnd = bytes[secondStart...].firstIndex(of: 0x0A) else {
            throw fail(2, "truncated: the last line has no newline")
        }
        do {
            trailer = try bytes.withUnsafeBufferPointer { (all) throws(LineProblem) -> ManifestTrailer in
                try ManifestCodec.decodeTrailer(UnsafeBufferPointer(rebasing: all[secondStart..<secondEnd]))
            }
        } catch {
            throw fail(2, error.reason)
        }
        guard secondEnd + 1 == bytes.count else { throw fail(3, "unexpected data after the trailer") }
        let ends = ManifestEnds(header: header, trailer: trailer)
        if let problem = ends.trailer.countsProblem { throw fail(2, problem) }
        return ends
    }
}

extension ManifestTrailer {
    /// Why the counts cannot be a manifest's (without its entries to count), or nil.
    var countsProblem: String? {
        var sum: UInt64 = 0
        for part in [files, dirs, symlinks, others] {
            let (s, overflow) = sum.addingReportingOverflow(part)
            guard !overflow else { return "\"files\", \"dirs\", \"symlinks\" and \"others\" sum past 2^64-1" }
            sum = s
        }
        if sum != entries {
            return "\"entries\" is \(entries) but \"files\", \"dirs\", \"symlinks\" and \"others\" sum to \(sum)"
        }
        for (key, value) in [("errors", errors), ("unstable", unstable)] where value > entries {
            return "\"\(key)\" is \(value), more than \"entries\" (\(entries))"
        }
        return nil
    }
}
