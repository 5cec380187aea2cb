/// How a `TreeWalker` walks and hashes.
public struct WalkOptions: Sendable {
    /// Threads doing the per-entry I/O (stat, readdir, open, read, readlink).
    /// Independent of the core count: on network file systems each operation
    /// waits milliseconds, so many must be in flight. Default 32.
    public var concurrency: Int
    /// Bytes per `read` (one reused buffer per thread). Default 1 MiB; at least 4 KiB.
    public var readBufferSize: Int
    /// Descend into directories on another device than the root. Default false:
    /// a mount point is listed as a `dir` entry and not descended into.
    public var crossMounts: Bool
    /// How many entries may be in flight or finished-but-not-yet-emitted ahead of
    /// the emitter (the reorder window). Default `max(4096, 32 × concurrency)`:
    /// while the workers keep both cores busy the emitter gets little CPU time,
    /// and a window of a few thousand entries (a few MiB) lets them run on
    /// instead of stalling every few hundred names (measured: 10–20 % more
    /// files/s than 1,024 on small files, no gain beyond 4,096).
    public var lookahead: Int?
    /// Jobs of one directory running at once before other directories are
    /// preferred (some file systems serialize lookups within a directory). A
    /// directory is still served beyond this when nothing else is pending.
    /// Default `max(2, concurrency / 16)`.
    public var perDirectoryLimit: Int?
    /// Bytes of directory listings read ahead of the emitter before no further
    /// directory is started ahead of it. Default 64 MiB.
    public var listingBudgetBytes: Int
    /// Directory descriptors kept open at most (beyond those in use). Default: a
    /// quarter of the descriptors the process may still open (the soft
    /// `RLIMIT_NOFILE` less those open and 16 spare), between 1 and 512. Evicted
    /// directories are re-opened through their ancestors, checking device and inode.
    public var maxOpenDirectories: Int?
    /// Ask for `O_NOATIME` (dropped for the rest of the walk when the kernel refuses it).
    public var noAtime: Bool
    /// The most names one thread takes at a time: a name and the regular files
    /// (by `d_type`) right after it in its directory, at most a quarter of the
    /// names the directory has left. Default: 1 on network and user-space file
    /// systems (NFS/EFS, FUSE, SMB, …: every call waits for a round trip, so
    /// names spread over all threads), 8 on local ones (a hand-over between
    /// threads costs as much as a small file). 1…1024.
    public var namesPerJob: Int?

    /// Hash files larger than `readBufferSize` through `mmap` windows instead of
    /// `read` (no copy out of the page cache; a file truncated meanwhile is
    /// caught, see `MappedRegions`). Default: on local file systems only; on
    /// network ones (EFS) every file is read with `readBufferSize` reads.
    public var mapLargeFiles: Bool?

    /// An earlier manifest of the same tree to take unchanged files' digests from
    /// (``ReuseIndex``; `generate --reuse-from`). Default nil: every file is read.
    public var reuse: ReuseIndex?

    /// The reorder window the walk uses: `lookahead`, or its default
    /// `max(4096, 32 × concurrency)`.
    public var resolvedLookahead: Int { lookahead ?? max(4096, 32 * concurrency) }

    /// Test-only: code run at fixed points of the per-entry work.
    var testHooks = WalkTestHooks()

    public init(
        concurrency: Int = 32, readBufferSize: Int = 1 << 20, crossMounts: Bool = false,
        lookahead: Int? = nil, perDirectoryLimit: Int? = nil, listingBudgetBytes: Int = 64 << 20,
        maxOpenDirectories: Int? = nil, noAtime: Bool = true, namesPerJob: Int? = nil,
        mapLargeFiles: Bool? = nil, reuse: ReuseIndex? = nil
    ) {
        self.reuse = reuse
        self.mapLargeFiles = mapLargeFiles
        self.namesPerJob = namesPerJob
        self.listingBudgetBytes = listingBudgetBytes
        self.concurrency = concurrency
        self.readBufferSize = readBufferSize
        self.crossMounts = crossMounts
        self.lookahead = lookahead
        self.perDirectoryLimit = perDirectoryLimit
        self.maxOpenDirectories = maxOpenDirectories
        self.noAtime = noAtime
    }
}

/// The system calls a test can fail on purpose (`WalkTestHooks.injectErrno`).
enum WalkStep: Sendable {
    case stat, open, read, readlink, openDirectory, readDirectory
}

/// Deterministic seams for tests: run code between the walker's steps, or make a
/// step fail with a chosen `errno`. Paths are the entry's relative path bytes.
struct WalkTestHooks: Sendable {
    /// After an entry's `fstatat`, before anything is opened.
    var afterStat: (@Sendable ([UInt8]) -> Void)?
    /// After a regular file is opened and `fstat`ed, before the first read.
    var afterOpen: (@Sendable ([UInt8]) -> Void)?
    /// After each read of a regular file, with the bytes read so far.
    var afterRead: (@Sendable ([UInt8], UInt64) -> Void)?
    /// Returns an `errno` to make `step` fail for `path` instead of calling it.
    var injectErrno: (@Sendable (WalkStep, [UInt8]) -> Int32?)?
    /// Tries, with no other job running, before running out of descriptors or
    /// memory stops the walk (default 24, about two seconds).
    var exhaustionAttempts: Int?

    init() {}

    func injected(_ step: WalkStep, _ path: [UInt8]) -> Int32? {
        injectErrno?(step, path)
    }
}
