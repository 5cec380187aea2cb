import Glibc

/// Walks a directory tree and hashes its regular files with a bounded pool of
/// dedicated threads, emitting one `ManifestEntry` per object below the root in
/// manifest order (depth-first pre-order, siblings by raw name bytes).
///
/// All per-entry I/O (`fstatat`, `openat`, `readdir`, `read`, `readlinkat`) runs
/// on `options.concurrency` POSIX threads, never on Swift's cooperative pool.
/// Workers take the earliest pending entry, so directory listings and file hashes
/// ahead of the emitter are in flight while it consumes results in order.
/// Memory is bounded by the listings of the directories on the current path,
/// the reorder window (`lookahead` entries) and `listingBudgetBytes` of listings
/// read ahead — not by the size of the tree.
///
/// Rules (DESIGN.md §3): symlinks are never followed (`target` comes from
/// `readlinkat`); FIFOs, sockets and devices are never opened; a directory on
/// another device than the root is listed but not descended into (unless
/// `crossMounts`), a regular file on another device gets `error` `EXDEV`; the
/// tree is only read. Every syscall is relative to a directory descriptor, so
/// depth and total path length are unlimited. A name that cannot be stat'ed,
/// opened, read or listed yields an entry with `error` and the walk goes on; a
/// file whose size, mtime or ctime changed while it was hashed is `unstable`
/// (its `sha256` is of the bytes read — for a mapped file that shrank, zeros stand
/// in for the bytes that were gone — its metadata from the `fstat` after open).
/// `size` is `st_size` for every type (for directories and symlinks as the file
/// system reports it). An entry whose `fstatat` failed carries only its path, the
/// type its directory entry announced (`file` when unknown) and `error`. Special
/// errors: `EAGAIN` (a name kept changing type between `fstatat` and `open`),
/// `ESTALE` (an evicted directory re-opened by name is no longer the one listed),
/// `EXDEV` (a regular file on another device). The root itself may be a symlink.
///
/// Running out of descriptors or memory (`EMFILE`, `ENFILE`, `ENOMEM`, `ENOBUFS`)
/// is never an entry's `error`: the walk makes room and retries the same call
/// (see `WalkScheduler+Exhaustion`), so its entries are the same as without the
/// limit, or it stops with an error naming the limit. The number of jobs in
/// flight and of cached directory descriptors start from a budget of the
/// descriptors the process may still open (``DescriptorBudget``).
///
/// ```swift
/// let walker = try TreeWalker(root: "/mnt/efs", options: WalkOptions(concurrency: 64))
/// try walker.run { entry in try writer.append(entry) }
/// ```
public final class TreeWalker: Sendable {
    public let root: String
    public let options: WalkOptions
    /// Live counters, readable from any thread while `run` is going.
    public let progress: WalkProgress

    /// - Throws: `ManifestKitError(.invalidArgument)` for unusable options.
    public init(root: String, options: WalkOptions = WalkOptions(), progress: WalkProgress = WalkProgress()) throws {
        guard (1...4096).contains(options.concurrency) else {
            throw ManifestKitError(.invalidArgument, subject: "concurrency", reason: "must be between 1 and 4096, got \(options.concurrency)")
        }
        guard options.readBufferSize >= 4096 else {
            throw ManifestKitError(.invalidArgument, subject: "readBufferSize", reason: "must be at least 4096 bytes, got \(options.readBufferSize)")
        }
        if let l = options.lookahead, l < 1 {
            throw ManifestKitError(.invalidArgument, subject: "lookahead", reason: "must be at least 1, got \(l)")
        }
        if let p = options.perDirectoryLimit, p < 1 {
            throw ManifestKitError(.invalidArgument, subject: "perDirectoryLimit", reason: "must be at least 1, got \(p)")
        }
        guard options.listingBudgetBytes >= 1 else {
            throw ManifestKitError(.invalidArgument, subject: "listingBudgetBytes", reason: "must be at least 1, got \(options.listingBudgetBytes)")
        }
        if let n = options.namesPerJob, !(1...1024).contains(n) {
            throw ManifestKitError(.invalidArgument, subject: "namesPerJob", reason: "must be between 1 and 1024, got \(n)")
        }
        if let m = options.maxOpenDirectories, m < 1 {
            throw ManifestKitError(.invalidArgument, subject: "maxOpenDirectories", reason: "must be at least 1, got \(m)")
        }
        self.root = root
        self.options = options
        self.progress = progress
    }

    /// Walks the tree, calling `emit` once per entry, in manifest order, from the
    /// calling thread (never concurrently). Blocks until the walk is done.
    ///
    /// - Throws: `ManifestKitError(.io)` when the root cannot be opened, is not a
    ///   directory or cannot be listed; whatever `emit` throws (the walk stops).
    public func run(emit: (ManifestEntry) throws -> Void) throws {
        let (rootNode, rootStat) = try openRoot()
        let kind = FileSystemKind.of(dev: rootStat.dev)
        let mapLargeFiles = options.mapLargeFiles ?? (kind == .local)
        let budget = DescriptorBudget.now(concurrency: options.concurrency)
        let scheduler = WalkScheduler(
            root: rootNode, lookahead: options.resolvedLookahead,
            perDirectoryLimit: options.perDirectoryLimit ?? max(2, options.concurrency / 16),
            listingBudget: options.listingBudgetBytes,
            maxOpenDirectories: options.maxOpenDirectories ?? budget.maxOpenDirectories,
            namesPerJob: options.namesPerJob ?? (kind == .remote ? 1 : 8),
            progress: progress, inFlightLimit: budget.jobsInFlight,
            exhaustionAttempts: options.testHooks.exhaustionAttempts ?? 24, rootPath: root)
        let probe = EntryProbe(rootDev: rootStat.dev, crossMounts: options.crossMounts, noAtime: options.noAtime,
                               hooks: options.testHooks, progress: progress, reuse: options.reuse)
        let bufferSize = options.readBufferSize
        let workers = (0..<options.concurrency).map { _ in
            WorkerThread(stackSize: 512 << 10) { Self.work(scheduler, probe, bufferSize, mapLargeFiles) }
        }
        defer {
            scheduler.stop()
            workers.forEach { $0.join() }
            scheduler.remainingDescriptors().forEach { _ = close($0) }
        }
        var stack = [rootNode]
        var batch: [JobResult] = []
        while scheduler.nextBatch(&stack, into: &batch, max: 256) {
            // The batch's results are finished: no worker asks the reuse manifest
            // for their paths again, so its entries up to here can go.
            if let reuse = options.reuse, let last = batch.last { try reuse.advance(past: last.entry.path) }
            for result in batch {
                // Counted first: a progress record taken while `emit` runs shows this entry.
                progress.emitted(result.entry)
                try emit(result.entry)
            }
        }
        if let failure = scheduler.stoppedBy() { throw failure }
    }

    private func openRoot() throws -> (DirNode, FileStat) {
        let fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw rootError(errno) }
        let st: FileStat
        switch FileStat.of(fd: fd) {
        case .failure(let e):
            close(fd)
            throw rootError(e.code)
        case .success(let s): st = s
        }
        // Listing takes a second descriptor (the readdir copy): it can run out here too.
        switch DirectoryListing.read(fd: fd) {
        case .failure(let e):
            close(fd)
            throw rootError(e.code)
        case .success(let listing):
            let node = DirNode(parent: nil, indexInParent: 0, name: [], path: [], dev: st.dev, ino: st.ino,
                               fd: fd, listing: listing)
            return (node, st)
        }
    }

    /// The root could not be opened, stat'ed or listed: running out of descriptors or
    /// memory names the limit to raise, like any other point of the walk.
    private func rootError(_ code: Int32) -> ManifestKitError {
        if ResourceLimits.isExhaustion(code) { return ResourceLimits.exhaustedError(code, subject: root) }
        return ManifestKitError(.io, subject: root, reason: SystemError.describe(code))
    }

    /// One worker thread: take the earliest pending names, probe them, hand back the results.
    private static func work(_ scheduler: WalkScheduler, _ probe: EntryProbe, _ bufferSize: Int, _ mapLargeFiles: Bool) {
        let scratch = HashScratch(bufferSize: bufferSize, mapLargeFiles: mapLargeFiles)
        defer { scratch.release() }
        var results: [JobResult] = []
        results.reserveCapacity(scheduler.namesPerJob)
        var next = scheduler.take()
        while let job = next {
            let node = job.node
            for index in job.index..<(job.index + job.count) {
                let path = node.childPath(index)
                var alone = 0
                var probed: (ManifestEntry, EntryProbe.OpenedDirectory?)?
                while probed == nil {
                    let outcome = node.listing.withCName(index) { name in
                        Result { () throws(Exhausted) in
                            try probe.probe(dirfd: job.fd, name: name, path: path, dtype: node.listing.dtype(index),
                                            scratch: scratch)
                        }
                    }
                    switch outcome {
                    case .success(let result): probed = result
                    case .failure(let exhausted):
                        // Not a fact about this name: make room, wait, probe it again.
                        if !scheduler.recover(from: exhausted.code, alone: &alone) {
                            // The walk stopped: close what this job opened (the
                            // scheduler closes the rest once the workers are joined).
                            for result in results { if let dir = result.dir { _ = close(dir.fd) } }
                            return
                        }
                    }
                }
                let (entry, opened) = probed!
                var dir: DirNode?
                if let opened {
                    dir = DirNode(parent: node, indexInParent: index, name: node.listing.name(index),
                                  path: path, dev: opened.stat.dev, ino: opened.stat.ino, fd: opened.fd,
                                  listing: opened.listing)
                }
                results.append(JobResult(entry: entry, dir: dir))
            }
            next = scheduler.completeAndTake(job, results: &results)
        }
    }
}
