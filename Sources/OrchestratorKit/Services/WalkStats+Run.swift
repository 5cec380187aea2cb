import AWSLite
import Foundation
import ManifestKit

/// The run document's view of ``WalkStats``: `Date`s for the timeline, and its coding. A run
/// document written before the nanosecond times were kept has only `startedAt`/`completedAt`;
/// those are read back to the nanosecond they round to. A manifest set's walk keeps its
/// shards' (`shards`, written only when there are any).
extension WalkStats: Codable {
    public var startedAt: Date { Date(timeIntervalSince1970: Double(startedAtNs) / 1e9) }
    public var completedAt: Date { Date(timeIntervalSince1970: Double(completedAtNs) / 1e9) }

    private enum CodingKeys: String, CodingKey {
        case entries, files, bytes, errors, unstable, startedAt, completedAt, seconds
        case filesPerSecond, megabytesPerSecond, startedAtNs, completedAtNs, shards
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func time(_ ns: CodingKeys, _ date: CodingKeys) throws -> Int64 {
            if let value = try c.decodeIfPresent(Int64.self, forKey: ns) { return value }
            return Timestamps.nanoseconds(try c.decode(Date.self, forKey: date))
        }
        self.init(entries: try c.decode(UInt64.self, forKey: .entries), files: try c.decode(UInt64.self, forKey: .files),
                  bytes: try c.decode(UInt64.self, forKey: .bytes), errors: try c.decode(UInt64.self, forKey: .errors),
                  unstable: try c.decode(UInt64.self, forKey: .unstable),
                  startedAtNs: try time(.startedAtNs, .startedAt), completedAtNs: try time(.completedAtNs, .completedAt))
        shards = try c.decodeIfPresent([WalkStats].self, forKey: .shards) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(entries, forKey: .entries)
        try c.encode(files, forKey: .files)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(errors, forKey: .errors)
        try c.encode(unstable, forKey: .unstable)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(completedAt, forKey: .completedAt)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(filesPerSecond, forKey: .filesPerSecond)
        try c.encode(megabytesPerSecond, forKey: .megabytesPerSecond)
        try c.encode(startedAtNs, forKey: .startedAtNs)
        try c.encode(completedAtNs, forKey: .completedAtNs)
        if !shards.isEmpty { try c.encode(shards, forKey: .shards) }
    }
}
