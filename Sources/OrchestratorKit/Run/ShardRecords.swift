import Foundation
import ManifestKit

/// A run's shard plan: written by the `plan` task (`manifest-worker plan-shards`) from the
/// run's baseline, shared by every sharded role of the run.
public struct ShardPlanRecord: Sendable, Codable, Equatable {
    /// `manifests/<fs>/runs/<run>/plan.json` (baseline runs: under their parts prefix).
    public var key: String
    /// The manifest (or set) the plan is computed from.
    public var sourceKey: String
    /// The shards asked for (`ShardSizing`).
    public var requested: Int
    /// The shards the plan holds, once read (1: the run walks unsharded after all — a plan
    /// of one range, or a plan task that failed).
    public var count: Int?
    /// Lowercase hex SHA-256 of the plan file's bytes (the parts' headers carry it).
    public var digest: String?

    public init(key: String, sourceKey: String, requested: Int) {
        self.key = key
        self.sourceKey = sourceKey
        self.requested = requested
    }
}

/// What the orchestrator keeps of one part manifest (its header and trailer), enough to
/// write the set index without reading the part again.
public struct PartSummary: Sendable, Codable, Equatable {
    public var entries: UInt64
    /// The part trailer's `entriesSha256`.
    public var entriesSha256: String
    public var walk: WalkStats?

    public init(entries: UInt64, entriesSha256: String, walk: WalkStats? = nil) {
        self.entries = entries
        self.entriesSha256 = entriesSha256
        self.walk = walk
    }
}

extension Run {
    /// How many shards the run's manifests are walked by: the plan's count once read, else 1.
    public var shardCount: Int { shardPlan?.count ?? 1 }

    /// Whether `role` is walked by several tasks.
    public var isSharded: Bool { shardCount > 1 }

    /// The task in `slot`.
    public func record(_ slot: TaskSlot) -> TaskRecord? {
        guard let shard = slot.shard else { return tasks[slot.role] }
        guard let records = shardTasks?[slot.role], shard >= 0, shard < records.count else { return nil }
        return records[shard]
    }

    /// Stores the task of `slot` (a shard's place must exist: `shardTasks[role]` holds all K).
    public mutating func setRecord(_ record: TaskRecord, for slot: TaskSlot) {
        guard let shard = slot.shard else {
            tasks[slot.role] = record
            return
        }
        guard var records = shardTasks?[slot.role], shard >= 0, shard < records.count else { return }
        records[shard] = record
        shardTasks?[slot.role] = records
    }

    /// Every task slot of the run, in order.
    public var slots: [TaskSlot] {
        var all = tasks.keys.map { TaskSlot($0) }
        for (role, records) in shardTasks ?? [:] {
            all += records.indices.map { TaskSlot(role, shard: $0) }
        }
        return all.sorted()
    }

    /// Whether the role's manifest task(s) were started.
    public func started(_ role: TaskRole) -> Bool {
        tasks[role] != nil || shardTasks?[role] != nil
    }

    /// Whether the role's manifest is complete: its one task exited 0, or (sharded) its set
    /// index is written.
    public func manifestComplete(_ role: TaskRole) -> Bool {
        if shardTasks?[role] != nil { return manifestSets?[role] != nil }
        return tasks[role]?.succeeded == true
    }

    /// The role's manifest as the diff reads it: the set index when sharded, else the one manifest.
    public func manifestKey(_ role: TaskRole) -> String? {
        if shardTasks?[role] != nil { return manifestSets?[role] }
        return tasks[role]?.manifestKey
    }
}
