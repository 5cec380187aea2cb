/// Manifest entries produced on a dedicated thread and read by one consumer,
/// handed over in batches through a bounded queue: the shared machinery of
/// ``PrefetchingEntrySource`` (a manifest decoded ahead) and of
/// `manifest-worker verify` (a tree walked ahead).
///
/// The producer runs on a POSIX thread of its own (never Swift's cooperative
/// pool: it does long, blocking work) and calls ``send(_:)`` for each entry;
/// a full batch of `batchSize` entries is handed over, waiting while `depth`
/// batches are already queued. Memory is therefore bounded by
/// `(depth + 2) × batchSize` entries (one batch being filled, one being read)
/// plus two emptied batches kept for reuse.
///
/// When the producer returns, the consumer gets every entry and then nil;
/// when it throws, every entry sent before, then that very error (again on
/// every later ``next()``). Either way the thread has been joined by then.
///
/// ``cancel()`` makes the next hand-over throw ``Cancelled`` in the producer
/// (which lets it propagate: it is not reported as a failure), then joins the
/// thread, so nothing the producer started outlives the call. The consumer
/// side (``start(stackSize:_:)``, ``next()``, ``cancel()``) is used from one
/// thread at a time.
///
/// ```swift
/// let channel = EntryBatchChannel(batchSize: 512, depth: 8)
/// channel.start { channel in try walker.run { try channel.send($0) } }
/// defer { channel.cancel() }
/// while let entry = try channel.next() { print(entry.displayPath) }
/// ```
public final class EntryBatchChannel: @unchecked Sendable {
    // @unchecked Sendable: each `var` below is either guarded by `mutex` or owned by one
    // side (the producer thread, or the one consumer thread), as marked.
    /// Thrown by ``send(_:)`` once the consumer has cancelled.
    public struct Cancelled: Error, Sendable {}

    private enum Item {
        case batch(EntryBatch)
        case end
        case failed(any Error)
    }

    private let batchSize: Int
    private let depth: Int

    private let mutex = PosixMutex()
    private let notEmpty = PosixCondition()
    private let notFull = PosixCondition()
    // Guarded by `mutex`:
    private var ready: [Item] = []
    private var queued = 0
    private var cancelled = false
    /// Emptied batches handed back by the consumer, for reuse (no large
    /// allocation per batch).
    private var spares: [EntryBatch] = []
    /// Whether the producer waits for room, or has returned (see `waitUntilProducerWaits()`).
    private var producerIsWaiting = false
    private var producerClosed = false
    private let producerWaits = PosixCondition()

    // The producer thread's alone:
    private var filling: EntryBatch

    // The consumer's alone:
    private var thread: WorkerThread?
    private var current: EntryBatch?
    private var failure: (any Error)?
    private var finished = false

    /// A channel with nothing running yet.
    /// - Parameters:
    ///   - batchSize: entries per hand-over (at least 1).
    ///   - depth: full batches that may wait for the consumer (at least 1).
    public init(batchSize: Int, depth: Int) {
        self.batchSize = max(1, batchSize)
        self.depth = max(1, depth)
        filling = EntryBatch(capacity: self.batchSize)
    }

    /// Runs `produce` on a new thread with a `stackSize`-byte stack; it should
    /// ``send(_:)`` each entry and return at the end. Call it at most once;
    /// after ``cancel()`` it does nothing.
    public func start(stackSize: Int = 1 << 20, _ produce: @escaping @Sendable (EntryBatchChannel) throws -> Void) {
        precondition(thread == nil, "EntryBatchChannel started twice")
        if finished { return }
        thread = WorkerThread(stackSize: stackSize) { [self] in
            var last = Item.end
            do {
                try produce(self)
            } catch is Cancelled {
            } catch {
                last = .failed(error)
            }
            close(with: last)
        }
    }

    // MARK: Producer side

    /// Adds `entry` to the batch being filled; hands it over once full.
    /// - Throws: ``Cancelled`` once the consumer has cancelled.
    public func send(_ entry: consuming ManifestEntry) throws {
        filling.append(entry)
        if filling.isFull { try handOver() }
    }

    private func handOver() throws {
        let full = filling
        mutex.lock()
        waitForRoom()
        if cancelled {
            mutex.unlock()
            throw Cancelled()
        }
        ready.append(.batch(full))
        queued += 1
        notEmpty.signal()
        let spare = spares.popLast()
        mutex.unlock()
        filling = spare ?? EntryBatch(capacity: batchSize)
    }

    /// Hands over the last, partial batch and `last` (unless cancelled).
    private func close(with last: Item) {
        mutex.lock()
        defer { mutex.unlock() }
        waitForRoom()
        producerClosed = true
        producerWaits.broadcast()
        if cancelled { return }
        if !filling.isEmpty {
            ready.append(.batch(filling))
            queued += 1
        }
        ready.append(last)
        notEmpty.signal()
    }

    /// Waits, with `mutex` held, until the queue has room or the consumer cancelled;
    /// `producerIsWaiting` says so meanwhile (the gate of `waitUntilProducerWaits()`).
    private func waitForRoom() {
        while queued >= depth && !cancelled {
            producerIsWaiting = true
            producerWaits.broadcast()
            notFull.wait(mutex)
        }
        producerIsWaiting = false
    }

    /// For tests: blocks until the producer waits for room in the full queue (true), or
    /// has returned without having to (false).
    func waitUntilProducerWaits() -> Bool {
        mutex.lock()
        defer { mutex.unlock() }
        while !producerIsWaiting && !producerClosed { producerWaits.wait(mutex) }
        return producerIsWaiting
    }

    // MARK: Consumer side

    /// The next entry, waiting for the producer if need be; nil after the
    /// last one (or after ``cancel()``).
    /// - Throws: exactly what the producer threw, once all entries sent
    ///   before have been returned; again on every later call.
    public func next() throws -> ManifestEntry? {
        if let current {
            if let entry = current.take() { return entry }
            recycle(current)
            self.current = nil
        }
        if let failure { throw failure }
        if finished { return nil }
        switch take() {
        case .batch(let entries):
            current = entries
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

    /// Stops the producer at its next hand-over and joins its thread (it
    /// finishes the batch it is filling first); ``next()`` returns nil from
    /// then on, unless the producer had already failed. Safe to call more
    /// than once, and before ``start(stackSize:_:)``.
    public func cancel() {
        current = nil
        finished = true
        guard thread != nil else { return }
        mutex.lock()
        cancelled = true
        notFull.broadcast()
        mutex.unlock()
        join()
    }

    /// Whether the producer thread has been started and not joined yet.
    public var isRunning: Bool { thread != nil }

    private func take() -> Item {
        mutex.lock()
        defer { mutex.unlock() }
        while ready.isEmpty { notEmpty.wait(mutex) }
        let item = ready.removeFirst()
        if case .batch = item {
            queued -= 1
            notFull.signal()
        }
        return item
    }

    /// Takes back a batch whose entries have all been taken.
    private func recycle(_ batch: EntryBatch) {
        batch.reset()
        mutex.lock()
        if spares.count < 2 { spares.append(batch) }
        mutex.unlock()
    }

    private func join() {
        thread?.join()
        thread = nil
    }
}
