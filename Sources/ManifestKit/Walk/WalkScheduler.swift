import Glibc

/// The shared state of one walk, guarded by one mutex: which names still need
/// a worker (a heap of directories ordered by manifest position), the reorder
/// window, and the cache of open directory descriptors.
///
/// Workers always take the earliest pending name in manifest order, so listings
/// and hashes of upcoming entries are in flight while the emitter consumes
/// finished results in order. At most `lookahead` jobs may be running or
/// finished-but-unemitted; the job the emitter waits for is always allowed, so a
/// full window can never stall the walk.
///
/// Listings of directories finished ahead of the emitter are held until it
/// enters them; once they pass `listingBudget` bytes, no further directory (by
/// its `d_type`, or unknown type) is started ahead, so memory stays bounded by
/// the directories on the emitter's path plus the window and this budget.
///
/// A job is a run of consecutive names of one directory: its first name, then
/// (at most `namesPerJob` in all) the following names whose `d_type` says
/// regular file, up to a quarter of the names the directory has left. On a local
/// disk one lock round trip and one hand-over then cover several small files
/// (the hand-overs cost as much as the files); on a network file system
/// `namesPerJob` is 1, as every name waits milliseconds and must get a thread.
///
/// A directory with `perDirectoryLimit` jobs running moves to a second heap and is
/// only served when no other directory has work: lookups in one directory are
/// serialized by some file systems (FUSE), so the pool spreads over the next
/// directories, while a lone huge directory still gets every thread.
final class WalkScheduler: @unchecked Sendable {
    // @unchecked Sendable: the `var`s (and `DirNode`s' mutable fields) are touched
    // only with `mutex` held, or before the workers start; the `let`s are set in `init`.
    /// Names `index ..< index + count` of `node`, to be probed through `fd`.
    struct Job {
        var node: DirNode
        var index: Int
        var count: Int
        var fd: Int32
    }

    /// The most names in one job.
    let namesPerJob: Int

    let mutex = PosixMutex()
    let workAvailable = PosixCondition()
    let resultReady = PosixCondition()

    let root: DirNode
    private let lookahead: Int
    /// Idle directory descriptors kept open at most (lowered when the process
    /// runs out of descriptors).
    var maxOpenDirectories: Int
    let progress: WalkProgress
    /// Jobs that may run at once: the workers, fewer when the descriptor budget
    /// is small, lowered further each time the process runs out of descriptors.
    var inFlightLimit: Int
    /// Jobs running now (all directories).
    var jobsRunning = 0
    /// Workers waiting for another job to end after running out of descriptors.
    var exhaustedWaiters = 0
    let jobFinished = PosixCondition()
    /// Tries of a worker that ran out of resources with no other job running
    /// before the walk gives up.
    let exhaustionAttempts: Int
    /// The error that stopped the walk (it could not go on under a limit).
    var failure: ManifestKitError?
    /// The root as given, for that error.
    let rootPath: String

    private var heap = DirHeap()
    /// Directories with `perDirectoryLimit` jobs running.
    private var saturated = DirHeap()
    private let perDirectoryLimit: Int
    /// Jobs running or finished and not yet emitted.
    private var window = 0
    /// Bytes of listings finished ahead of the emitter (not yet entered by it).
    private var listedAhead = 0
    private let listingBudget: Int
    private var idleWorkers = 0
    var stopping = false
    var tick: UInt64 = 0
    /// Directories (other than the root) whose descriptor is open.
    var open: [DirNode] = []
    /// The position the emitter is blocked on.
    private var needNode: DirNode?
    private var needIndex = 0

    init(root: DirNode, lookahead: Int, perDirectoryLimit: Int, listingBudget: Int, maxOpenDirectories: Int,
         namesPerJob: Int, progress: WalkProgress, inFlightLimit: Int = .max, exhaustionAttempts: Int = 24,
         rootPath: String = ".") {
        self.inFlightLimit = max(1, inFlightLimit)
        self.exhaustionAttempts = exhaustionAttempts
        self.rootPath = rootPath
        self.namesPerJob = namesPerJob
        self.listingBudget = listingBudget
        self.perDirectoryLimit = perDirectoryLimit
        self.root = root
        self.progress = progress
        self.lookahead = lookahead
        self.maxOpenDirectories = maxOpenDirectories
        if root.listing.count > 0 { heap.insert(root) }
    }

    // MARK: Workers

    /// The next job, or nil when the walk stops. Blocks while there is nothing to do.
    func take() -> Job? {
        mutex.lock()
        return takeLocked()
    }

    /// `take` with the mutex already held; returns with it released.
    private func takeLocked() -> Job? {
        while true {
            if stopping {
                mutex.unlock()
                return nil
            }
            if jobsRunning < inFlightLimit, let node = heap.first ?? saturated.first,
               (window < lookahead && (listedAhead < listingBudget || !mayBeDirectory(node))) ||
                (node === needNode && node.nextToSchedule == needIndex) {
                let index = node.nextToSchedule
                let count = batchSizeLocked(node, index)
                node.nextToSchedule += count
                node.running += 1
                jobsRunning += 1
                scheduledLocked(node)
                window += count
                tick += 1
                node.lastUse = tick
                if node.fd >= 0 {
                    node.fdUsers += 1
                    mutex.unlock()
                    return Job(node: node, index: index, count: count, fd: node.fd)
                }
                if let (job, toClose) = reopenLocked(node, index, count) {
                    mutex.unlock()
                    toClose.forEach { _ = close($0) }
                    return job
                }
                continue  // re-open failed: the job's names were completed with error entries
            }
            idleWorkers += 1
            workAvailable.wait(mutex)
            idleWorkers -= 1
        }
    }

    /// How many names from `index` on the next job of `node` takes.
    private func batchSizeLocked(_ node: DirNode, _ index: Int) -> Int {
        Self.jobSize(from: index, of: node.listing.count, namesPerJob: namesPerJob, windowRoom: lookahead - window) {
            node.listing.dtype($0)
        }
    }

    /// The names a job starting at `index` (of `total`) takes: the first, then
    /// following names whose `d_type` is `DT_REG`, at most `namesPerJob`, a
    /// quarter (rounded up) of the names left, and `windowRoom`.
    static func jobSize(from index: Int, of total: Int, namesPerJob: Int, windowRoom: Int, dtype: (Int) -> UInt8) -> Int {
        let limit = min(namesPerJob, (total - index + 3) / 4, windowRoom)
        var count = 1
        while count < limit && dtype(index + count) == UInt8(DT_REG) { count += 1 }
        return count
    }

    /// Whether `node`'s next name may be a directory (by its `d_type`).
    private func mayBeDirectory(_ node: DirNode) -> Bool {
        let t = node.listing.dtype(node.nextToSchedule)
        return t == UInt8(DT_DIR) || t == UInt8(DT_UNKNOWN)
    }

    /// Moves `node` (first of its heap, one more name scheduled) to where it belongs.
    private func scheduledLocked(_ node: DirNode) {
        if node.saturated {
            if node.nextToSchedule >= node.listing.count { saturated.removeFirst() } else { saturated.firstAdvanced() }
        } else if node.nextToSchedule >= node.listing.count {
            heap.removeFirst()
        } else if node.running >= perDirectoryLimit {
            heap.removeFirst()
            node.saturated = true
            saturated.insert(node)
        } else {
            heap.firstAdvanced()
        }
    }

    /// One job of `node` ended: back to the main heap when below the limit again.
    func finishedLocked(_ node: DirNode) {
        node.running -= 1
        jobsRunning -= 1
        if exhaustedWaiters > 0 { jobFinished.broadcast() }
        if node.saturated && node.running < perDirectoryLimit {
            node.saturated = false
            if node.heapIndex >= 0 {
                saturated.remove(node)
                heap.insert(node)
            }
        }
    }

    /// Records a finished job (`results[i]` for name `job.index + i`) and takes
    /// the next one (as `take`) in one hold of the mutex when no descriptor has to
    /// be closed. Empties `results`.
    func completeAndTake(_ job: Job, results: inout [JobResult]) -> Job? {
        var toClose: [Int32] = []
        mutex.lock()
        completeLocked(job, results: &results, toClose: &toClose)
        if toClose.isEmpty { return takeLocked() }
        mutex.unlock()
        toClose.forEach { _ = close($0) }
        return take()
    }

    /// Records a finished job; a result's `dir` is a listed directory it opened.
    private func completeLocked(_ job: Job, results: inout [JobResult], toClose: inout [Int32]) {
        tick += 1
        // Popped from the end: each result moves into its slot without a copy.
        while let result = results.popLast() {
            let offset = results.count
            if let dir = result.dir {
                listedAhead += dir.listing.memoryBytes
                dir.lastUse = tick
                dir.openIndex = open.count
                open.append(dir)
                heap.insert(dir)
                // About one job per `namesPerJob` names: waking more only makes
                // threads find nothing and sleep again.
                wakeWorkersLocked((dir.listing.count + namesPerJob - 1) / namesPerJob)
            }
            storeLocked(job.node, job.index + offset, result)
        }
        finishedLocked(job.node)
        job.node.fdUsers -= 1
        releaseIfIdleLocked(job.node, &toClose)
        evictLocked(&toClose)
    }

    func storeLocked(_ node: DirNode, _ index: Int, _ result: consuming JobResult) {
        node.results[index] = result
        if node === needNode && index == needIndex { resultReady.signal() }
    }

    private func wakeWorkersLocked(_ count: Int) {
        if count >= idleWorkers {
            workAvailable.broadcast()
        } else {
            for _ in 0..<count { workAvailable.signal() }
        }
    }

    // MARK: Emitter

    /// Moves finished results of `stack` (the emitter's path of directories, in
    /// manifest order) into `batch`, waiting until at least one is there.
    /// Returns false when the whole tree has been emitted.
    func nextBatch(_ stack: inout [DirNode], into batch: inout [JobResult], max: Int) -> Bool {
        batch.removeAll(keepingCapacity: true)
        mutex.lock()
        defer { mutex.unlock() }
        while true {
            while batch.count < max, let top = stack.last {
                if top.nextToEmit >= top.listing.count {
                    stack.removeLast()
                    if top !== root {
                        top.listing = .empty
                        top.results = []
                    }
                    continue
                }
                guard let result = top.results[top.nextToEmit].take() else { break }
                top.nextToEmit += 1
                window -= 1
                batch.append(result)
                if let dir = result.dir {
                    listedAhead -= dir.listing.memoryBytes
                    stack.append(dir)
                }
            }
            if !batch.isEmpty {
                // Room for that many names: a job takes up to `namesPerJob` of them.
                if idleWorkers > 0 { wakeWorkersLocked((batch.count + namesPerJob - 1) / namesPerJob) }
                return true
            }
            guard let top = stack.last, !stopping else { return false }
            needNode = top
            needIndex = top.nextToEmit
            if top.nextToSchedule == top.nextToEmit { workAvailable.signal() }
            resultReady.wait(mutex)
            needNode = nil
        }
    }

    /// Tells the workers to stop at their next `take` and wakes any that wait for work.
    /// Returns at once, without waiting for them; after joining them, the caller closes
    /// what `remainingDescriptors()` returns.
    func stop() {
        mutex.lock()
        stopping = true
        workAvailable.broadcast()
        mutex.unlock()
    }

    /// Descriptors still open after the workers have been joined.
    func remainingDescriptors() -> [Int32] {
        mutex.lock()
        defer { mutex.unlock() }
        var fds = open.map(\.fd)
        open.removeAll()
        if root.fd >= 0 { fds.append(root.fd) }
        root.fd = -1
        return fds
    }
}
