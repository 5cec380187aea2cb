/// Builds a ``ManifestSet`` from the parts' headers and trailers (what the
/// orchestrator reads once each shard's task is done, and `join` from its
/// arguments), checking that every part belongs to the plan, that each shard
/// comes once (and, with `requireOrder`, in order) and that none is missing.
///
/// Every error is a ``ManifestKitError`` `.invalidManifest` whose subject is
/// the part's location (or `manifest set` for a missing part), e.g.
/// `part-0002.ndjson.gz: out of order: expected shard 2 of 4 (index 1), found index 2`.
public struct ManifestSetBuilder: Sendable {
    /// The plan digest every part must carry.
    public let plan: String
    /// K, the number of shards.
    public let count: Int
    private let ranges: [ShardRange]?
    private let requireOrder: Bool
    private var parts: [Int: (part: ManifestSet.Part, header: ManifestHeader, completedAtNs: Int64)] = [:]
    private var first: (location: String, header: ManifestHeader)?

    /// - Parameters:
    ///   - plan: the plan's digest (``ShardPlan/digest(of:)``).
    ///   - count: K.
    ///   - requireOrder: parts must be added as shard 0, 1, … K−1.
    public init(plan: String, count: Int, requireOrder: Bool = false) {
        self.plan = plan
        self.count = count
        self.ranges = nil
        self.requireOrder = requireOrder
    }

    /// A builder that also checks each part's range against `shardPlan`'s.
    public init(plan: String, shardPlan: ShardPlan, requireOrder: Bool = false) {
        self.plan = plan
        self.count = shardPlan.count
        self.ranges = shardPlan.shards.map(\.range)
        self.requireOrder = requireOrder
    }

    /// The shard indexes not added yet, ascending.
    public var missing: [Int] { (0..<max(count, 0)).filter { parts[$0] == nil } }

    /// Adds the part at `location` with its header and (checked) trailer.
    public mutating func add(location: String, header: ManifestHeader, trailer: ManifestTrailer) throws {
        func fail(_ reason: String) -> ManifestKitError {
            ManifestKitError(.invalidManifest, subject: location, reason: reason)
        }
        guard let partPlan = header.shardPlan else {
            throw fail("not a shard of a plan: its header has no \"shard.plan\"")
        }
        guard partPlan == plan else { throw fail("belongs to plan \(partPlan), not to plan \(plan)") }
        guard header.shardCount == count else {
            throw fail("is shard \(header.shardIndex) of \(header.shardCount), but the plan has \(count) shards")
        }
        let index = header.shardIndex
        if let existing = parts[index] {
            throw fail("shard \(index) is already in the set (\(JSONText.quoted(existing.part.location)))")
        }
        if requireOrder, index != parts.count {
            throw fail("out of order: expected shard \(parts.count + 1) of \(count) (index \(parts.count)), found index \(index)")
        }
        if let ranges, index < ranges.count, ranges[index] != header.shardRange {
            throw fail("shard \(index)'s range in its header differs from the plan's")
        }
        if let first {
            for (key, mine, theirs) in [("role", header.role.rawValue, first.header.role.rawValue),
                                        ("root", header.root ?? "null", first.header.root ?? "null"),
                                        ("fileSystemId", header.fileSystemId ?? "null", first.header.fileSystemId ?? "null")]
            where mine != theirs {
                throw fail("\(JSONText.quoted(key)) is \(JSONText.quoted(mine)), but \(JSONText.quoted(first.location)) has \(JSONText.quoted(theirs))")
            }
        } else {
            first = (location, header)
        }
        let part = ManifestSet.Part(index: index, location: location, entries: trailer.entries, entriesSha256: trailer.entriesSha256)
        parts[index] = (part, header, trailer.completedAtNs)
    }

    /// The index: the parts in order, the earliest start and the latest completion.
    /// - Throws: naming the missing shards when any is.
    public func build() throws -> ManifestSet {
        let missing = self.missing
        guard missing.isEmpty, let first else {
            let names = missing.prefix(10).map(String.init).joined(separator: ", ") + (missing.count > 10 ? ", …" : "")
            throw ManifestKitError(.invalidManifest, subject: "manifest set",
                                   reason: "incomplete: missing shard\(missing.count == 1 ? "" : "s") \(names) of \(count) (0-based)")
        }
        let ordered = (0..<count).compactMap { parts[$0] }
        return ManifestSet(
            plan: plan, role: first.header.role,
            startedAtNs: ordered.map(\.header.startedAtNs).min(),
            completedAtNs: ordered.map(\.completedAtNs).max(),
            parts: ordered.map(\.part))
    }
}
