import Synchronization

/// The digests a walk may take from an earlier manifest of the same tree instead
/// of reading the files (`generate --reuse-from`), streamed alongside the walk.
///
/// A file is reusable when the earlier manifest has an entry for the same path
/// that is a `file` with `sha256`, without `error`, `unstable` or `reuseMismatch`,
/// and whose `size`, `mtimeNs`, `ctimeNs` and `ino` equal the file's `fstatat`. (The
/// device is not in entries: every entry a walk hashes is on the root's device, and
/// the manifests' headers must name the same root and file system,
/// ``problem(reuse:walk:)``.) A ``ReuseSampler`` picks the reusable files that are
/// read anyway; a sampled file whose fresh digest differs gets `reuseMismatch`.
///
/// Memory does not grow with the tree. Workers hash ahead of the emitter in the
/// reorder window, so the index keeps a sorted buffer of the earlier manifest's
/// reusable entries after the last emitted path, at most `capacity` of them:
/// ``lookup(_:size:mtimeNs:ctimeNs:ino:)`` reads the source forward (under the
/// index's lock) until it passes the asked path, and ``advance(past:)`` (the
/// emitter, once per batch) drops what is behind the emitter. Entries the source
/// holds at or before the emitted position are read and dropped, never buffered
/// (paths deleted since). When more than `capacity` reusable entries lie between the
/// emitter and an asked path (a directory of more names listed while workers hash
/// past it, or deleted since), the file is read (``windowMisses``): slower, never wrong.
public final class ReuseIndex: @unchecked Sendable {
    // @unchecked Sendable: `source`, `buffer`, `head`, `floor`, `failure` and
    // `maxBufferedCount` are touched only with `mutex` held; the counters are atomics;
    // the `let`s are set in `init`.

    /// What a worker does with a regular file.
    public enum Decision: Equatable, Sendable {
        /// Read and hash it (no reusable entry, or its metadata differs).
        case read
        /// Take this digest without reading.
        case reuse(String)
        /// Read it anyway (the sample) and compare with this digest.
        case sample(String)
    }

    struct Candidate {
        var path: [UInt8]
        var size: UInt64
        var mtimeNs: Int64
        var ctimeNs: Int64
        var ino: UInt64
        var sha256: String
    }

    public let sampler: ReuseSampler
    /// Reusable entries buffered at most.
    public let capacity: Int

    private let mutex = PosixMutex()
    private var source: (any ManifestEntrySource)?
    private var buffer: [Candidate] = []
    /// Index of the first live candidate in `buffer` (the rest before it are dropped).
    private var head = 0
    /// Entries of the source at or before this path are never buffered: the
    /// emitted position, or the start of a shard's range.
    private var floor: [UInt8]?
    private var failure: (any Error)?
    private var maxBufferedCount = 0

    private let reusedCount = Atomic<UInt64>(0)
    private let sampledCount = Atomic<UInt64>(0)
    private let missCount = Atomic<UInt64>(0)

    /// - Parameters:
    ///   - source: the earlier manifest's entries in manifest order (validated by
    ///     the caller: a reader that fails later stops the walk with its error).
    ///   - sampler: which reusable files are read anyway.
    ///   - capacity: reusable entries buffered at most
    ///     (``defaultCapacity(lookahead:)``).
    ///   - after: entries at or before this path are skipped (a shard's range
    ///     starts after it); nil for a whole walk.
    public init(source: any ManifestEntrySource, sampler: ReuseSampler, capacity: Int, after: [UInt8]? = nil) {
        self.source = source
        self.sampler = sampler
        self.capacity = max(1, capacity)
        self.floor = after
    }

    /// The buffer a walk with reorder window `lookahead` gets: 65,536 candidates
    /// (about 16 MiB at 250 bytes each), or 4 × the window when larger. The window
    /// bounds the new tree's names in flight, not the old manifest's entries
    /// between the emitter and a worker: a directory still being listed (its names
    /// not yet scheduled) or deleted since lies in between with all its entries,
    /// so the buffer is sized for a directory of 65,536 names, not for the window.
    public static func defaultCapacity(lookahead: Int) -> Int { max(65_536, 4 * lookahead) }

    /// Files given a reused digest (not read).
    public var reused: UInt64 { reusedCount.load(ordering: .relaxed) }
    /// Reusable files read anyway.
    public var sampled: UInt64 { sampledCount.load(ordering: .relaxed) }
    /// Files read because their candidate lay beyond the buffer (see the type).
    public var windowMisses: UInt64 { missCount.load(ordering: .relaxed) }
    /// The most candidates buffered at once during the walk (at most ``capacity``).
    public var maxBuffered: Int {
        mutex.lock()
        defer { mutex.unlock() }
        return maxBufferedCount
    }

    /// Why a manifest with header `reuse` cannot lend digests to a walk with
    /// header `walk`, or nil when it can: both must name the same root and the
    /// same file system (`fileSystemId`, both absent counting as the same).
    public static func problem(reuse: ManifestHeader, walk: ManifestHeader) -> String? {
        func describe(_ h: ManifestHeader) -> String {
            "root \(h.root.map { JSONText.quoted($0) } ?? "(none)"), file system \(h.fileSystemId.map { JSONText.quoted($0) } ?? "(none)")"
        }
        guard reuse.root == walk.root, reuse.fileSystemId == walk.fileSystemId else {
            return "is a manifest of another tree (\(describe(reuse))) than this walk's (\(describe(walk)))"
        }
        return nil
    }

    /// The decision for the regular file at `path` with this `fstatat`.
    public func lookup(_ path: [UInt8], size: UInt64, mtimeNs: Int64, ctimeNs: Int64, ino: UInt64) -> Decision {
        mutex.lock()
        defer { mutex.unlock() }
        fill(upTo: path)
        guard let index = find(path) else {
            if let last = buffer.last, head < buffer.count, buffer.count - head >= capacity, source != nil,
               PathOrder.compare(last.path, path) < 0 {
                missCount.wrappingAdd(1, ordering: .relaxed)
            }
            return .read
        }
        let c = buffer[index]
        guard c.size == size, c.mtimeNs == mtimeNs, c.ctimeNs == ctimeNs, c.ino == ino else { return .read }
        return sampler.isSampled(path) ? .sample(c.sha256) : .reuse(c.sha256)
    }

    /// A worker took the reused digest.
    func countReused() { reusedCount.wrappingAdd(1, ordering: .relaxed) }
    /// A worker read a sampled file.
    func countSampled() { sampledCount.wrappingAdd(1, ordering: .relaxed) }

    /// The emitter has emitted every path up to `path`: drops what is not after it.
    /// - Throws: the source's error, once the source has failed.
    public func advance(past path: [UInt8]) throws {
        mutex.lock()
        defer { mutex.unlock() }
        if let failure { throw failure }
        if let f = floor, PathOrder.compare(f, path) >= 0 { return }
        floor = path
        while head < buffer.count, PathOrder.compare(buffer[head].path, path) <= 0 { head += 1 }
        compact()
    }

    /// After the walk: reads the rest of the source (so its trailer is checked)
    /// and returns the counts for the manifest's trailer (`mismatches` is the
    /// writer's to count).
    public func finish() throws -> ReuseCounts {
        mutex.lock()
        defer { mutex.unlock() }
        if let failure { throw failure }
        if var s = source {
            while try s.next() != nil {}
            source = nil
        }
        buffer = []
        head = 0
        return ReuseCounts(reused: reused, sampled: sampled, seed: sampler.seed)
    }

    // MARK: With the mutex held

    /// Reads the source until its last candidate is at or after `path`, the
    /// buffer is full, or the source ends (or fails: then it is dropped and
    /// ``advance(past:)`` throws).
    private func fill(upTo path: [UInt8]) {
        while var s = source, buffer.count - head < capacity {
            if let last = buffer.last, head < buffer.count, PathOrder.compare(last.path, path) >= 0 { return }
            let entry: ManifestEntry?
            do {
                entry = try s.next()
            } catch {
                failure = error
                source = nil
                return
            }
            source = s
            guard let entry else {
                source = nil
                return
            }
            guard entry.type == .file, let sha = entry.sha256, entry.error == nil, !entry.unstable, !entry.reuseMismatch else { continue }
            if let f = floor, PathOrder.compare(entry.path, f) <= 0 { continue }
            buffer.append(Candidate(path: entry.path, size: entry.size, mtimeNs: entry.mtimeNs, ctimeNs: entry.ctimeNs,
                                    ino: entry.ino, sha256: sha))
            maxBufferedCount = max(maxBufferedCount, buffer.count - head)
        }
    }

    /// Binary search of the live candidates.
    private func find(_ path: [UInt8]) -> Int? {
        var lo = head, hi = buffer.count
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            let c = PathOrder.compare(buffer[mid].path, path)
            if c == 0 { return mid }
            if c < 0 { lo = mid + 1 } else { hi = mid }
        }
        return nil
    }

    /// Drops the dead prefix once it is at least half the array (amortized O(1)).
    private func compact() {
        if head == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 0 && head >= buffer.count / 2 {
            buffer.removeFirst(head)
            head = 0
        }
    }
}
