import Glibc

/// The process's limits that a walk runs into, and what to say when it does.
///
/// `EMFILE`, `ENFILE`, `ENOMEM` and `ENOBUFS` are facts about the process or the
/// machine, not about the entry whose system call failed: the walker never
/// writes them into a manifest (see ``TreeWalker``), it waits and retries, and
/// when it cannot go on it stops with ``exhaustedError(_:subject:)``.
public enum ResourceLimits {
    /// Raises the soft `RLIMIT_NOFILE` to the hard limit (as Go's runtime does at
    /// start-up); best effort. Returns the soft limit in force afterwards.
    @discardableResult
    public static func raiseOpenFiles() -> UInt64? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { return UInt64(raised.rlim_cur) }
        }
        return UInt64(limit.rlim_cur)
    }

    /// The soft and hard `RLIMIT_NOFILE`, or nil.
    public static func openFiles() -> (soft: UInt64, hard: UInt64)? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        return (UInt64(limit.rlim_cur), UInt64(limit.rlim_max))
    }

    /// Whether `code` says the process or the machine ran out of something
    /// (descriptors, memory, buffers) rather than something about one entry.
    @inline(__always)
    public static func isExhaustion(_ code: Int32) -> Bool {
        code == EMFILE || code == ENFILE || code == ENOMEM || code == ENOBUFS
    }

    /// Descriptors open in this process now (`/proc/self/fd`), or nil.
    static func openDescriptorCount() -> Int? {
        guard let dir = opendir("/proc/self/fd") else { return nil }
        defer { closedir(dir) }
        var count = -1  // the descriptor of `dir` itself
        while let entry = readdir(dir) {
            let first = withUnsafeBytes(of: entry.pointee.d_name) { $0[0] }
            if first != 0x2E { count += 1 }
        }
        return max(0, count)
    }

    /// The error that ends a walk that cannot make progress under a limit: it
    /// names the limit and what to raise.
    public static func exhaustedError(_ code: Int32, subject: String) -> ManifestKitError {
        let what: String
        switch code {
        case EMFILE:
            let limits = openFiles().map { "the open-file limit (RLIMIT_NOFILE) is \($0.soft), hard \($0.hard)" }
                ?? "the open-file limit (RLIMIT_NOFILE) is reached"
            what = "\(limits); raise it (ulimit -n, or the container's nofile ulimit) to at least 64, or lower --concurrency"
        case ENFILE:
            what = "the system-wide open-file table is full; raise fs.file-max or close files elsewhere"
        default:
            what = "out of memory; raise the memory limit of the process or task, or lower --concurrency"
        }
        return ManifestKitError(.io, subject: subject, reason: "\(SystemError.describe(code)): the walk cannot go on: \(what)")
    }
}

/// How many descriptors a walk may use, from the soft `RLIMIT_NOFILE` and the
/// descriptors already open: `available` = limit − open − 16 (kept for the
/// output, sockets, a second walk). A job holds up to three (a directory being
/// listed, its `readdir` copy, a file); idle cached directories take the rest.
struct DescriptorBudget: Equatable {
    var jobsInFlight: Int
    var maxOpenDirectories: Int

    static func now(concurrency: Int) -> DescriptorBudget {
        let soft = ResourceLimits.openFiles().map { Int(clamping: $0.soft) } ?? 1024
        let open = ResourceLimits.openDescriptorCount() ?? 16
        return of(limit: soft, open: open, concurrency: concurrency)
    }

    /// The budget for a soft limit of `limit` with `open` descriptors open.
    static func of(limit: Int, open: Int, concurrency: Int) -> DescriptorBudget {
        let available = max(0, limit - open - 16)
        let directories = min(512, max(1, available / 4))
        let jobs = min(concurrency, max(1, (available - directories) / 3))
        return DescriptorBudget(jobsInFlight: jobs, maxOpenDirectories: directories)
    }
}
