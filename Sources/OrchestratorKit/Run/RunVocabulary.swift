/// The words of a run document, typed. Raw values are exactly the strings stored before,
/// so existing documents decode unchanged and new ones read the same.

/// The role of a worker task of a run (the key of `Run.tasks`, the last part of the task
/// group `ebv:<fs>:<run>:<role>`, the purpose of its RunTask token).
public enum TaskRole: String, Sendable, Codable, CodingKeyRepresentable, CaseIterable, Comparable {
    /// The manifest of production after the backup.
    case post
    /// The manifest of the restored file system.
    case restored
    /// The diff, when it runs as a task (too big for Lambda).
    case diff
    /// `manifest-worker plan-shards`: the shard plan of a sharded run, from its baseline.
    case plan
    /// The manifest of production of a scheduled baseline run (`{"action":"baseline"}`).
    /// Not `baseline`: that group suffix never named a task of ours.
    case baselineManifest = "baseline-manifest"

    public static func < (lhs: TaskRole, rhs: TaskRole) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One worker task's place in a run: its role, and its shard for a sharded role (nil:
/// the role's one task, `Run.tasks[role]`).
public struct TaskSlot: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var role: TaskRole
    public var shard: Int?

    public init(_ role: TaskRole, shard: Int? = nil) {
        self.role = role
        self.shard = shard
    }

    public static func < (lhs: TaskSlot, rhs: TaskSlot) -> Bool {
        (lhs.role, lhs.shard ?? -1) < (rhs.role, rhs.shard ?? -1)
    }

    /// `post`, or `post shard 2 of 3` given the count (the last of three: shards are
    /// 0-based everywhere — documents, task groups, part names, `--shard`, the CLI's messages
    /// and the walk lines of the summary).
    public func describe(count: Int?) -> String {
        guard let shard else { return role.rawValue }
        return "\(role.rawValue) shard \(shard) of \(count.map(String.init) ?? "?")"
    }

    public var description: String { describe(count: nil) }
}

/// The once-only actions claimed in a run before they are done (the key of `Run.claims`).
public enum ClaimKey: String, Sendable, Codable, CodingKeyRepresentable, CaseIterable {
    /// The SNS summary.
    case notify
    /// The EMF line.
    case metrics
    /// The restore-testing validation result.
    case validation
    /// The task-definition revision.
    case registerTaskDefinition
    /// The diff.
    case verdict
}

/// A status AWS reports as a string: an open set (AWS may add values; what it sends is
/// kept as sent), coded as the bare string, written as a literal in code.
public protocol OpenStringSet: RawRepresentable, Sendable, Codable, Hashable, ExpressibleByStringLiteral,
    CustomStringConvertible where RawValue == String {
    init(rawValue: String)
}

extension OpenStringSet {
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public init(from decoder: any Decoder) throws { self.init(rawValue: try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    public var description: String { rawValue }
}

/// AWS Backup's restore job `Status`. An open set (AWS may add values; what it sends is
/// kept as sent), with the values the orchestrator acts on as constants.
public struct RestoreStatus: OpenStringSet {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let pending: RestoreStatus = "PENDING"
    public static let running: RestoreStatus = "RUNNING"
    public static let completed: RestoreStatus = "COMPLETED"
    public static let failed: RestoreStatus = "FAILED"
    public static let aborted: RestoreStatus = "ABORTED"

    /// COMPLETED, FAILED, ABORTED: the restore will not change any more.
    public var isTerminal: Bool { self == .completed || self == .failed || self == .aborted }
}

/// An ECS task's `lastStatus`. An open set, like `RestoreStatus`.
public struct TaskStatus: OpenStringSet {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let provisioning: TaskStatus = "PROVISIONING"
    public static let stopped: TaskStatus = "STOPPED"
}
