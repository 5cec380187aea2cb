/// Which tree a manifest describes (DESIGN.md §1).
public enum ManifestRole: String, Sendable, CaseIterable {
    case baseline, post, restored, local
}

/// Line 1 of a manifest.
public struct ManifestHeader: Sendable, Equatable {
    /// The format tag every v1 manifest carries.
    public static let formatTag = "efs-backup-verifier/1"

    public var role: ManifestRole
    public var root: String?
    public var fileSystemId: String?
    public var recoveryPointArn: String?
    /// When the walk started, nanoseconds since the epoch (written as RFC 3339).
    public var startedAtNs: Int64
    /// `"manifest-worker <version>"`.
    public var tool: String
    public var hash: String
    public var shardIndex: Int
    public var shardCount: Int

    public init(
        role: ManifestRole, root: String? = nil, fileSystemId: String? = nil,
        recoveryPointArn: String? = nil, startedAtNs: Int64, tool: String,
        hash: String = "sha256", shardIndex: Int = 0, shardCount: Int = 1
    ) {
        self.role = role
        self.root = root
        self.fileSystemId = fileSystemId
        self.recoveryPointArn = recoveryPointArn
        self.startedAtNs = startedAtNs
        self.tool = tool
        self.hash = hash
        self.shardIndex = shardIndex
        self.shardCount = shardCount
    }
}

/// The last line of a manifest: counts and the digest of all entry lines.
public struct ManifestTrailer: Sendable, Equatable {
    public var entries: UInt64 = 0
    public var files: UInt64 = 0
    public var dirs: UInt64 = 0
    public var symlinks: UInt64 = 0
    public var others: UInt64 = 0
    public var bytes: UInt64 = 0
    public var errors: UInt64 = 0
    public var unstable: UInt64 = 0
    /// Nanoseconds since the epoch (written as RFC 3339).
    public var completedAtNs: Int64 = 0
    /// Lower-case hex SHA-256 of the exact bytes of all entry lines.
    public var entriesSha256: String = ""
    /// What a walk with a reuse manifest reused and sampled (``ReuseCounts``);
    /// nil for a walk without one. ``count(_:)`` counts `mismatches` (creating it
    /// for an entry with `reuseMismatch`).
    public var reuse: ReuseCounts?

    public init() {}

    /// What ``count(_:)`` refuses: an entry whose size would carry the `bytes`
    /// total past `UInt64.max` (2^64 − 1), which no trailer can state.
    public static let bytesOverflowReason =
        "file sizes sum past 2^64-1 bytes (18446744073709551615): no trailer can state the total"

    /// Adds one entry to the counts (not to the digest).
    ///
    /// - Returns: false, counting nothing, when a total would overflow
    ///   (``bytesOverflowReason``; the one-per-entry counts cannot overflow
    ///   before the `entries` count, which is checked too).
    public mutating func count(_ entry: ManifestEntry) -> Bool {
        let (newEntries, entriesOverflow) = entries.addingReportingOverflow(1)
        var newBytes = bytes
        if entry.type == .file {
            let (sum, overflow) = bytes.addingReportingOverflow(entry.size)
            guard !overflow else { return false }
            newBytes = sum
        }
        guard !entriesOverflow else { return false }
        entries = newEntries
        bytes = newBytes
        // Each of these is at most `entries`, so none can overflow.
        switch entry.type {
        case .file: files += 1
        case .dir: dirs += 1
        case .symlink: symlinks += 1
        case .fifo, .socket, .char, .block: others += 1
        }
        if entry.error != nil { errors += 1 }
        if entry.unstable { unstable += 1 }
        if entry.reuseMismatch { reuse = ReuseCounts(reused: reuse?.reused ?? 0, sampled: reuse?.sampled ?? 0,
                                                     mismatches: (reuse?.mismatches ?? 0) + 1, seed: reuse?.seed ?? 0) }
        return true
    }

    /// True when every count equals `other`'s (the digest and time are not compared).
    public func countsEqual(_ other: ManifestTrailer) -> Bool {
        entries == other.entries && files == other.files && dirs == other.dirs
            && symlinks == other.symlinks && others == other.others && bytes == other.bytes
            && errors == other.errors && unstable == other.unstable
            && (reuse?.mismatches ?? 0) == (other.reuse?.mismatches ?? 0)
    }
}
