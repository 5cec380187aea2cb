/// Decodes a ``ManifestEntrySource`` ahead of its consumer on a dedicated
/// thread, so that reading several manifests (gunzip, JSON, order and digest
/// checks) runs on several cores while one thread merges them.
///
/// The wrapped source is moved to a POSIX thread of its own (never Swift's
/// cooperative pool: decoding is long, blocking work), which fills batches of
/// `batchSize` entries and hands them over through a queue of at most
/// `queueDepth` batches; memory is therefore bounded by
/// `(queueDepth + 2) × batchSize` entries (one batch being filled, one being
/// read) plus two emptied batches kept for reuse, whatever the manifest's
/// size: about 1.6 MB with the defaults.
///
/// Entries come out exactly as the inner source returns them. When the inner
/// source throws, every entry before the fault is delivered first, then
/// ``next()`` throws the very same error (and again on every later call).
/// After the end, ``next()`` returns nil and the thread has been joined.
///
/// Stopping early is safe: ``cancel()`` (or deinit) tells the thread to stop
/// after the batch it is decoding and joins it. Like the readers it wraps, the
/// object itself is used from one consumer thread at a time.
///
/// ```swift
/// let baseline = PrefetchingEntrySource(try ManifestReader(path: "b.ndjson.gz"))
/// let restored = PrefetchingEntrySource(try ManifestReader(path: "r.ndjson.gz"))
/// var diff = MergeDiff(baseline: baseline, post: nil, restored: restored)
/// let report = try diff.run(findings: writer, clock: clock)
/// print(baseline.trailer!.entries)
/// ```
public final class PrefetchingEntrySource<Inner: ManifestEntrySource>: ManifestEntrySource {
    /// The default number of entries per hand-over.
    public static var defaultBatchSize: Int { 2048 }
    /// The default number of decoded batches that may wait for the consumer.
    public static var defaultQueueDepth: Int { 3 }

    /// The inner source's header (read before the thread starts).
    public let header: ManifestHeader

    private let shared: PrefetchQueue<Inner>
    private var thread: WorkerThread?
    private var batch: PrefetchBatch?
    private var failure: (any Error)?
    private var finished = false

    /// Starts decoding `inner` on a new thread.
    ///
    /// `inner` is handed over to that thread: don't use it (or another
    /// reference to it, if it is a class) afterwards, except through ``inner``.
    /// - Parameters:
    ///   - inner: the source to read ahead; its header is forwarded.
    ///   - batchSize: entries per hand-over (at least 1).
    ///   - queueDepth: decoded batches that may wait (at least 1).
    public init(_ inner: Inner, batchSize: Int = defaultBatchSize, queueDepth: Int = defaultQueueDepth) {
        header = inner.header
        let shared = PrefetchQueue(inner, batchSize: max(1, batchSize), depth: max(1, queueDepth))
        self.shared = shared
        let producer: any PrefetchProducer = shared
        thread = WorkerThread(stackSize: 1 << 20) { producer.produce() }
    }

    deinit { cancel() }

    /// The next entry of the inner source, or nil after its last one.
    /// - Throws: exactly what the inner source threw, once all entries before
    ///   the fault have been returned; again on every later call.
    public func next() throws -> ManifestEntry? {
        if let batch {
            if let entry = batch.take() { return entry }
            shared.recycle(batch)
            self.batch = nil
        }
        if let failure { throw failure }
        if finished { return nil }
        switch shared.take() {
        case .batch(let entries):
            batch = entries
            return entries.take()
        case .end:
            finished = true
            join()
            return nil
        case .failed(let error):
            failure = error
            join()
            throw error
        }
    }

    /// Stops reading ahead and joins the thread (it finishes the batch it is
    /// decoding first); ``next()`` returns nil from then on, unless the
    /// source had already failed. Safe to call more than once.
    public func cancel() {
        batch = nil
        finished = true
        guard thread != nil else { return }
        shared.cancel()
        join()
    }

    /// The inner source, once the thread has stopped (after the end, a
    /// failure or ``cancel()``); nil while it is still reading ahead.
    public var inner: Inner? {
        thread == nil ? shared.inner : nil
    }

    private func join() {
        thread?.join()
        thread = nil
    }
}

extension PrefetchingEntrySource where Inner == ManifestReader {
    /// The checked trailer, once ``next()`` has returned nil.
    public var trailer: ManifestTrailer? { inner?.trailer }
}

/// Up to `capacity` entries, moved in by the decoding thread and moved out by
/// the consumer (no reference counting per field on the way).
final class PrefetchBatch {
    private let base: UnsafeMutablePointer<ManifestEntry>
    let capacity: Int
    private(set) var count = 0
    private var taken = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit {
        (base + taken).deinitialize(count: count - taken)
        base.deallocate()
    }

    var isFull: Bool { count == capacity }
    var isEmpty: Bool { count == 0 }

    /// Makes a batch whose entries have all been taken ready to be filled again.
    func reset() {
        precondition(taken == count, "reset of a batch with entries left")
        count = 0
        taken = 0
    }

    /// Appends `entry`; the batch must not be full.
    func append(_ entry: consuming ManifestEntry) {
        (base + count).initialize(to: entry)
        count += 1
    }

    /// The next entry not taken yet, or nil.
    func take() -> ManifestEntry? {
        guard taken < count else { return nil }
        defer { taken += 1 }
        return (base + taken).move()
    }
}

/// What the decoding thread hands to the consumer.
enum PrefetchItem {
    case batch(PrefetchBatch)
    case end
    case failed(any Error)
}

/// The decoding thread's side of a ``PrefetchQueue`` (not generic, so that the
/// thread's closure captures no metatype).
protocol PrefetchProducer: AnyObject, Sendable {
    func produce()
}

/// The bounded queue between the decoding thread and the consumer, and the
/// inner source (touched only by the decoding thread until it has been joined).
final class PrefetchQueue<Inner: ManifestEntrySource>: PrefetchProducer, @unchecked Sendable {
    private(set) var inner: Inner
    private let batchSize: Int
    private let depth: Int

    private let mutex = PosixMutex()
    private let notEmpty = PosixCondition()
    private let notFull = PosixCondition()
    // Guarded by `mutex`:
    private var ready: [PrefetchItem] = []
    private var batches = 0
    private var cancelled = false
    /// Emptied batches handed back by the consumer, for reuse (no large
    /// allocation per batch).
    private var spares: [PrefetchBatch] = []

    init(_ inner: Inner, batchSize: Int, depth: Int) {
        self.inner = inner
        self.batchSize = batchSize
        self.depth = depth
    }

    /// The decoding thread's body: fills batches until the end, an error or
    /// cancellation.
    func produce() {
        while true {
            let entries = spareBatch() ?? PrefetchBatch(capacity: batchSize)
            var last: PrefetchItem?
            do {
                while !entries.isFull {
                    guard let entry = try inner.next() else {
                        last = .end
                        break
                    }
                    entries.append(entry)
                }
            } catch {
                last = .failed(error)
            }
            mutex.lock()
            while batches >= depth && !cancelled { notFull.wait(mutex) }
            if cancelled {
                mutex.unlock()
                return
            }
            if !entries.isEmpty {
                ready.append(.batch(entries))
                batches += 1
            }
            if let last { ready.append(last) }
            notEmpty.signal()
            mutex.unlock()
            if last != nil { return }
            if isCancelled { return }
        }
    }

    private var isCancelled: Bool {
        mutex.lock()
        defer { mutex.unlock() }
        return cancelled
    }

    /// The next item, waiting for the decoding thread if need be.
    func take() -> PrefetchItem {
        mutex.lock()
        defer { mutex.unlock() }
        while ready.isEmpty { notEmpty.wait(mutex) }
        let item = ready.removeFirst()
        if case .batch = item {
            batches -= 1
            notFull.signal()
        }
        return item
    }

    /// Takes back a batch whose entries have all been taken.
    func recycle(_ batch: PrefetchBatch) {
        batch.reset()
        mutex.lock()
        if spares.count < 2 { spares.append(batch) }
        mutex.unlock()
    }

    private func spareBatch() -> PrefetchBatch? {
        mutex.lock()
        defer { mutex.unlock() }
        return spares.popLast()
    }

    /// Makes the decoding thread stop at its next hand-over.
    func cancel() {
        mutex.lock()
        cancelled = true
        notFull.broadcast()
        mutex.unlock()
    }
}
