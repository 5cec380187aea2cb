import Glibc
import Synchronization

/// The process ran out of descriptors or memory (``ResourceLimits/isExhaustion(_:)``)
/// while probing a name: a fact about the process, never written into an entry.
/// The walker makes room, waits and probes the same name again.
struct Exhausted: Error {
    let code: Int32
}

/// The blocking I/O for one name: `fstatat`, then by type hash the file, read the
/// link, or open and list the directory. Runs on a walker thread, never on Swift's
/// cooperative pool. Failures become entries with `error`, except running out of
/// descriptors or memory, which throws ``Exhausted`` (nothing is kept open then).
final class EntryProbe: Sendable {
    /// A directory to descend into: open descriptor, its sorted names, its stat.
    struct OpenedDirectory {
        var fd: Int32
        var listing: DirectoryListing
        var stat: FileStat
    }

    let rootDev: UInt64
    let crossMounts: Bool
    let hooks: WalkTestHooks
    let progress: WalkProgress
    /// Cleared (for the whole walk) once the kernel refuses `O_NOATIME`.
    let useNoAtime: Atomic<Bool>

    /// Digests to take from an earlier manifest instead of reading (`EntryProbe+Reuse`).
    let reuse: ReuseIndex?

    init(rootDev: UInt64, crossMounts: Bool, noAtime: Bool, hooks: WalkTestHooks, progress: WalkProgress,
         reuse: ReuseIndex? = nil) {
        self.reuse = reuse
        self.rootDev = rootDev
        self.crossMounts = crossMounts
        self.hooks = hooks
        self.progress = progress
        self.useNoAtime = Atomic(noAtime)
    }

    /// Linux `O_NOATIME` (the same value on x86-64 and arm64; not exported to Swift).
    static let oNoAtime: Int32 = 0o1000000

    /// Probes name `name` in directory `dirfd`; `path` is its relative path.
    func probe(dirfd: Int32, name: UnsafePointer<CChar>, path: [UInt8], dtype: UInt8,
               scratch: HashScratch) throws(Exhausted) -> (ManifestEntry, OpenedDirectory?) {
        // With a reuse manifest a file is stat'ed first (no open, no read when reused).
        if dtype == UInt8(DT_REG), hooks.afterStat == nil, reuse == nil,
           let entry = try openRegular(dirfd: dirfd, name: name, path: path, scratch: scratch) {
            return (entry, nil)
        }
        var attempt = 0
        while true {
            attempt += 1
            let st: FileStat
            if let code = hooks.injected(.stat, path) {
                return (try failed(path, dtype: dtype, code), nil)
            }
            switch FileStat.at(dirfd, name) {
            case .failure(let e): return (try failed(path, dtype: dtype, e.code), nil)
            case .success(let s): st = s
            }
            hooks.afterStat?(path)
            switch st.entryType {
            case .file:
                let decision = reusable(path, st)
                if case .reuse(let digest) = decision { return (reused(path, st, digest), nil) }
                switch try hashFile(dirfd: dirfd, name: name, path: path, stat: st, scratch: scratch) {
                case .done(let entry): return (sampled(entry, st, decision), nil)
                case .replaced where attempt < 3: continue
                case .replaced: return (try withError(st.entry(path: path), EAGAIN), nil)
                }
            case .dir:
                return try listDirectory(dirfd: dirfd, name: name, path: path, stat: st)
            case .symlink:
                return (try readLink(dirfd: dirfd, name: name, path: path, stat: st), nil)
            case .fifo, .socket, .char, .block:
                // Never opened: opening a FIFO blocks, opening a device may act on it.
                return (st.entry(path: path), nil)
            }
        }
    }

    private func failed(_ path: [UInt8], dtype: UInt8, _ code: Int32) throws(Exhausted) -> ManifestEntry {
        if ResourceLimits.isExhaustion(code) { throw Exhausted(code: code) }
        return ManifestEntry(path: path, type: entryType(dtype: dtype), nlink: 0, error: SystemError.describe(code))
    }

    /// `entry` with `error` set to `code` (and no digest); throws ``Exhausted``
    /// instead for a code that is about the process, not the entry.
    func withError(_ entry: ManifestEntry, _ code: Int32) throws(Exhausted) -> ManifestEntry {
        if ResourceLimits.isExhaustion(code) { throw Exhausted(code: code) }
        var e = entry
        e.error = SystemError.describe(code)
        e.sha256 = nil
        return e
    }

    private enum HashOutcome {
        case done(ManifestEntry)
        /// The name no longer refers to the regular file we stat'ed.
        case replaced
    }

    private func openFile(_ dirfd: Int32, _ name: UnsafePointer<CChar>) -> Int32 {
        let base = O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY
        if useNoAtime.load(ordering: .relaxed) {
            let fd = openat(dirfd, name, base | Self.oNoAtime)
            if fd >= 0 || errno != EPERM { return fd }
            // Not the owner and no CAP_FOWNER: the kernel refuses O_NOATIME.
            let fd2 = openat(dirfd, name, base)
            if fd2 >= 0 { useNoAtime.store(false, ordering: .relaxed) }
            return fd2
        }
        return openat(dirfd, name, base)
    }

    /// The fast path for a name whose directory entry says regular file: `openat`
    /// first and take the stat from `fstat` on the descriptor (one lookup, and one
    /// network round trip, less per file than `fstatat` then `openat`). Returns nil
    /// when that does not give an open regular file (gone, a symlink or FIFO now,
    /// unreadable, a failure injected): the caller then stats and classifies as
    /// for any other name. `O_NONBLOCK` keeps a FIFO put in its place from blocking.
    /// Not taken when a test observes the step after `fstatat` (`afterStat`).
    private func openRegular(dirfd: Int32, name: UnsafePointer<CChar>, path: [UInt8],
                             scratch: HashScratch) throws(Exhausted) -> ManifestEntry? {
        if hooks.injectErrno != nil, hooks.injected(.stat, path) != nil || hooks.injected(.open, path) != nil {
            return nil
        }
        let fd = openFile(dirfd, name)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard case .success(let st) = FileStat.of(fd: fd), st.isRegular else { return nil }
        if st.dev != rootDev && !crossMounts {
            return try withError(st.entry(path: path), EXDEV)  // another file system: not read
        }
        let entry = try hashOpened(fd: fd, path: path, before: st, scratch: scratch)
        progress.addFile()
        return entry
    }

    private func hashFile(dirfd: Int32, name: UnsafePointer<CChar>, path: [UInt8], stat: FileStat,
                          scratch: HashScratch) throws(Exhausted) -> HashOutcome {
        if stat.dev != rootDev && !crossMounts {
            // A file mounted over this name belongs to another file system: not read.
            return .done(try withError(stat.entry(path: path), EXDEV))
        }
        if let code = hooks.injected(.open, path) {
            let entry = try withError(stat.entry(path: path), code)
            progress.addFile()
            return .done(entry)
        }
        let fd = openFile(dirfd, name)
        guard fd >= 0 else {
            let e = errno
            if e == ELOOP || e == ENXIO || e == ENODEV {
                progress.addFile()
                return .replaced
            }
            let entry = try withError(stat.entry(path: path), e)
            progress.addFile()
            return .done(entry)
        }
        defer { close(fd) }
        let before: FileStat
        switch FileStat.of(fd: fd) {
        case .failure(let e):
            let entry = try withError(stat.entry(path: path), e.code)
            progress.addFile()
            return .done(entry)
        case .success(let s): before = s
        }
        progress.addFile()
        guard before.isRegular, before.ino == stat.ino, before.dev == stat.dev else { return .replaced }
        return .done(try hashOpened(fd: fd, path: path, before: before, scratch: scratch))
    }

    private func readLink(dirfd: Int32, name: UnsafePointer<CChar>, path: [UInt8], stat: FileStat) throws(Exhausted) -> ManifestEntry {
        var entry = stat.entry(path: path)
        if let code = hooks.injected(.readlink, path) { return try withError(entry, code) }
        // st_size of a symlink is its target's length on Linux, but a file system may
        // report anything: start from it only when plausible, and stop growing at 1 MiB
        // (Linux targets are at most PATH_MAX bytes).
        var capacity = stat.size < 65_536 ? max(256, Int(stat.size) + 1) : 65_536
        while true {
            var buf = [UInt8](repeating: 0, count: capacity)
            let n = buf.withUnsafeMutableBytes { readlinkat(dirfd, name, $0.baseAddress!.assumingMemoryBound(to: CChar.self), capacity) }
            if n < 0 { return try withError(entry, errno) }
            if n < capacity {
                entry.target = Array(buf[0..<n])
                return entry
            }
            guard capacity < 1 << 20 else { return try withError(entry, ENAMETOOLONG) }
            capacity *= 2
        }
    }

    private func listDirectory(dirfd: Int32, name: UnsafePointer<CChar>, path: [UInt8], stat: FileStat) throws(Exhausted) -> (ManifestEntry, OpenedDirectory?) {
        let entry = stat.entry(path: path)
        if stat.dev != rootDev && !crossMounts {
            progress.addMountPointNotEntered()
            return (entry, nil)  // a mount point: listed, not descended into
        }
        if let code = hooks.injected(.openDirectory, path) { return (try withError(entry, code), nil) }
        let fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return (try withError(entry, errno), nil) }
        let opened: FileStat
        switch FileStat.of(fd: fd) {
        case .failure(let e):
            close(fd)
            return (try withError(entry, e.code), nil)
        case .success(let s): opened = s
        }
        // Replaced between fstatat and openat: describe what is actually listed.
        var result = opened.ino == stat.ino && opened.dev == stat.dev ? entry : opened.entry(path: path)
        if opened.dev != rootDev && !crossMounts {
            close(fd)
            progress.addMountPointNotEntered()
            return (result, nil)
        }
        if let code = hooks.injected(.readDirectory, path) {
            close(fd)
            return (try withError(result, code), nil)
        }
        switch DirectoryListing.read(fd: fd) {
        case .failure(let e):
            close(fd)
            if ResourceLimits.isExhaustion(e.code) { throw Exhausted(code: e.code) }
            result.error = e.text
            return (result, nil)
        case .success(let listing):
            if listing.count == 0 {
                close(fd)
                return (result, nil)
            }
            return (result, OpenedDirectory(fd: fd, listing: listing, stat: opened))
        }
    }
}
