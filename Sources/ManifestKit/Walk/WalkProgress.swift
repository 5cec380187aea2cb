import Synchronization

/// Live counters of a walk, safe to read from another thread (for a progress line).
///
/// Counters only grow. `entries`, `errors` and `unstable` count emitted entries;
/// `files` counts regular files hashed and `bytesHashed` grows with every read.
public final class WalkProgress: Sendable {
    private let entriesCount = Atomic<UInt64>(0)
    private let filesCount = Atomic<UInt64>(0)
    private let bytesCount = Atomic<UInt64>(0)
    private let errorsCount = Atomic<UInt64>(0)
    private let unstableCount = Atomic<UInt64>(0)
    private let reopenCount = Atomic<UInt64>(0)
    private let mountPointCount = Atomic<UInt64>(0)
    private let exhaustionCount = Atomic<UInt64>(0)
    private let lastPathBox = Mutex<[UInt8]>([])

    public init() {}

    /// Entries handed to `emit`.
    public var entries: UInt64 { entriesCount.load(ordering: .relaxed) }
    /// Regular files whose hashing finished (with or without error).
    public var files: UInt64 { filesCount.load(ordering: .relaxed) }
    /// Bytes read and hashed so far.
    public var bytesHashed: UInt64 { bytesCount.load(ordering: .relaxed) }
    /// Emitted entries that carry `error`.
    public var errors: UInt64 { errorsCount.load(ordering: .relaxed) }
    /// Emitted entries marked `unstable`.
    public var unstable: UInt64 { unstableCount.load(ordering: .relaxed) }

    /// Directories on another file system than the root's (mount points):
    /// listed as entries, their contents not walked (unless `crossMounts`).
    public var mountPointsNotEntered: UInt64 { mountPointCount.load(ordering: .relaxed) }

    /// Times a system call ran out of descriptors or memory and was retried
    /// (never written into the manifest).
    public var exhaustionRetries: UInt64 { exhaustionCount.load(ordering: .relaxed) }

    /// Directories re-opened through their ancestors after their descriptor was evicted.
    var reopenedDirectories: UInt64 { reopenCount.load(ordering: .relaxed) }

    func addMountPointNotEntered() { mountPointCount.wrappingAdd(1, ordering: .relaxed) }
    func addExhaustion() { exhaustionCount.wrappingAdd(1, ordering: .relaxed) }
    func addReopen() { reopenCount.wrappingAdd(1, ordering: .relaxed) }
    func addBytes(_ n: UInt64) { bytesCount.wrappingAdd(n, ordering: .relaxed) }
    func addFile() { filesCount.wrappingAdd(1, ordering: .relaxed) }

    /// The path of the entry emitted last (empty before the first): where the
    /// walk is, for a progress record.
    public var lastPath: [UInt8] { lastPathBox.withLock { $0 } }

    func emitted(_ entry: ManifestEntry) {
        lastPathBox.withLock { $0 = entry.path }
        entriesCount.wrappingAdd(1, ordering: .relaxed)
        if entry.error != nil { errorsCount.wrappingAdd(1, ordering: .relaxed) }
        if entry.unstable { unstableCount.wrappingAdd(1, ordering: .relaxed) }
    }
}
