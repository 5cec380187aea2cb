import AWSLite
import Foundation
import ManifestKit

/// The shard-plan file as the orchestrator needs it: how many shards, and the plan's
/// identity — ManifestKit's `ShardPlan` (format and digest), which `manifest-worker
/// plan-shards` writes.
public enum PlanFile {
    /// (shard count, digest) of a plan file.
    /// - Throws: `PartUnreadable` (keyed by `key`) naming what is wrong.
    public static func summary(_ data: Data, key: String) throws -> (count: Int, digest: String) {
        let bytes = Array(data)
        let plan: ShardPlan
        do {
            plan = try ShardPlan.decode(bytes, name: key)
        } catch {
            throw PartUnreadable(key: key, reason: "\(error)")
        }
        guard (1...ShardSizing.limit).contains(plan.count) else {
            throw PartUnreadable(key: key, reason: "\(plan.count) shards (the orchestrator runs 1-\(ShardSizing.limit))")
        }
        return (plan.count, digest(data))
    }

    /// The plan's identity: lowercase hex SHA-256 of its bytes (`ShardPlan.digest(of:)`).
    public static func digest(_ data: Data) -> String { ShardPlan.digest(of: Array(data)) }
}

/// The manifest-set index (`<role>.set.json`) the orchestrator writes once every part is
/// in: ManifestKit's `ManifestSet`, the parts in shard order with the entry count and
/// `entriesSha256` of each part's trailer. Locations are absolute `s3://` URIs.
public enum SetIndex {
    public struct Part: Sendable, Equatable {
        public var location: String
        public var summary: PartSummary
        public init(location: String, summary: PartSummary) {
            self.location = location
            self.summary = summary
        }
    }

    /// The index document.
    /// - Throws: `PartUnreadable` (keyed by `key`) when ManifestKit finds the set unacceptable.
    public static func encode(planDigest: String, role: String, parts: [Part], key: String) throws -> Data {
        guard let manifestRole = ManifestRole(rawValue: role) else { throw PartUnreadable(key: key, reason: "unknown role \(role)") }
        // The parts' own nanoseconds: through a `Date` they would be cut to the millisecond,
        // and the set's completion would fall before its last part's. The set reader checks
        // both times against the parts (they may come from the parts' ends).
        let starts = parts.compactMap { $0.summary.walk?.startedAtNs }
        let ends = parts.compactMap { $0.summary.walk?.completedAtNs }
        let set = ManifestSet(
            plan: planDigest, role: manifestRole, startedAtNs: starts.count == parts.count ? starts.min() : nil,
            completedAtNs: ends.count == parts.count ? ends.max() : nil,
            parts: parts.enumerated().map { index, part in
                ManifestSet.Part(index: index, location: part.location, entries: part.summary.entries,
                                 entriesSha256: part.summary.entriesSha256)
            })
        if let problem = set.problem { throw PartUnreadable(key: key, reason: problem) }
        return Data(set.encoded())
    }
}
