import Foundation
import ManifestKit

/// The shard-plan file as the orchestrator needs it (pure): how many shards, and the plan's
/// identity (lowercase hex SHA-256 of the file's exact bytes). docs/manifest-format.md and
/// SHARDS-CONTRACT.md define the file; `manifest-worker plan-shards` writes it.
public enum PlanFile {
    public static let format = "efs-backup-verifier/plan-1"

    /// (shard count, digest) of a plan file.
    /// - Throws: `PartUnreadable` (keyed by `key`) naming what is wrong.
    public static func summary(_ data: Data, key: String) throws -> (count: Int, digest: String) {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw PartUnreadable(key: key, reason: "not a JSON object")
        }
        guard root["plan"] as? String == format else {
            throw PartUnreadable(key: key, reason: "\"plan\" is not \(LogJSON.string(format))")
        }
        guard let shards = root["shards"] as? [Any], (1...ShardSizing.limit).contains(shards.count) else {
            throw PartUnreadable(key: key, reason: "\"shards\" is not a list of 1-\(ShardSizing.limit) ranges")
        }
        return (shards.count, digest(data))
    }

    /// The plan's identity: lowercase hex SHA-256 of its bytes.
    public static func digest(_ data: Data) -> String { ManifestKit.SHA256.hex(Array(data)) }
}

/// The manifest-set index (`<role>.set.json`) the orchestrator writes once every part is
/// in: the parts in shard order with the entry count and `entriesSha256` of each part's
/// trailer (pure). Locations are absolute `s3://` URIs.
public enum SetIndex {
    public static let format = "efs-backup-verifier/set-1"

    public struct Part: Sendable, Equatable {
        public var location: String
        public var summary: PartSummary
        public init(location: String, summary: PartSummary) {
            self.location = location
            self.summary = summary
        }
    }

    /// The index document (sorted keys, one line and a newline).
    public static func encode(planDigest: String, role: String, parts: [Part]) -> Data {
        let items: [[String: Any]] = parts.enumerated().map { index, part in
            ["index": index, "location": part.location, "entries": NSNumber(value: part.summary.entries),
             "entriesSha256": part.summary.entriesSha256]
        }
        let root: [String: Any] = ["manifestSet": format, "plan": planDigest, "role": role, "parts": items]
        let data = (try? JSONSerialization.data(withJSONObject: root, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return data + Data("\n".utf8)
    }
}
