/// A ``ByteSink`` that passes every write to another sink on a dedicated
/// POSIX thread, so that the caller's work (encoding, hashing) and the
/// wrapped sink's (compressing, writing a file or an upload) run side by side.
///
/// Each non-empty ``write(_:)`` is copied into a chunk buffer and queued; the
/// thread hands it to the wrapped sink as one write, in order, so the wrapped
/// sink sees exactly the calls it would have seen without this wrapper (a
/// ``GzipCompressingSink`` behind it produces the same bytes). Write in large
/// pieces (``ManifestWriter`` and ``FindingsWriter`` buffer): each write is
/// one hand-over between threads.
///
/// Memory is bounded: at most `depth` chunks wait in the queue while the
/// thread writes one more, and the chunk buffers are recycled (at most
/// `depth + 1` are ever allocated, each as large as the largest write).
/// A caller that gets ahead waits for room.
///
/// An error thrown by the wrapped sink's `write` on the thread is kept; it is
/// thrown, as is, by the next ``write(_:)`` that has to wait for the thread
/// (at the latest the `depth + 1`-th after the failed one), by every later
/// one and by ``finish()``; chunks
/// queued after it are dropped. ``finish()`` returns once every chunk has
/// been written and the wrapped sink finished (on the thread: all of the
/// compression and output happen there); ``abort()`` drops what is queued,
/// waits for the write in progress and aborts the wrapped sink. Both (and
/// `deinit`, which aborts an unfinished sink) join the thread, so it never
/// outlives them. The wrapped sink is used by one thread at a time: the
/// background thread until it is joined, then (for `abort()`) the caller's.
///
/// Not thread-safe: use from one thread at a time.
///
/// ```swift
/// let sink = BackgroundSink(wrapping: try GzipCompressingSink(wrapping: try FileSink(path: "out.gz")))
/// try sink.write(bigChunk)    // returns once the chunk is queued
/// try sink.finish()           // compressed, written, renamed into place
/// ```
public final class BackgroundSink: ByteSink {
    /// The default number of chunks that may wait for the thread.
    public static let defaultDepth = 3
    /// The name of the thread, as `/proc/self/task/*/comm` and profilers show it.
    public static let threadName = "background-sink"

    private let queue: ChunkQueue
    private var thread: WorkerThread?
    private var state = State.open

    private enum State { case open, finished, aborted }

    /// Starts the thread.
    /// - Parameters:
    ///   - sink: the wrapped sink; written, finished and aborted on the
    ///     background thread or after it has been joined, never concurrently.
    ///   - depth: chunks that may wait for the thread (at least 1).
    ///   - stackSize: the thread's stack size in bytes.
    public init(wrapping sink: ByteSink, depth: Int = BackgroundSink.defaultDepth, stackSize: Int = 512 * 1024) {
        let queue = ChunkQueue(sink: sink, depth: max(1, depth))
        self.queue = queue
        thread = WorkerThread(stackSize: stackSize) { queue.drain() }
    }

    deinit { if state == .open { abort() } }

    /// Queues a copy of `bytes`, waiting while `depth` chunks are queued.
    /// - Throws: the error the wrapped sink threw on an earlier write;
    ///   ``ManifestKitError`` `.io` after ``finish()`` or ``abort()``.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard state == .open else { throw closedError("write") }
        try queue.put(bytes)
    }

    /// Waits until every queued chunk has been written, then finishes the
    /// wrapped sink.
    /// - Throws: the error of a failed write (the wrapped sink is then
    ///   aborted), or what the wrapped sink's `finish()` throws.
    public func finish() throws {
        guard state == .open else { throw closedError("finish") }
        state = .finished
        queue.close(cancel: false)
        join()
        if let failure = queue.failure {
            queue.sink.abort()
            throw failure
        }
        if let error = queue.finishError { throw error }
    }

    /// Drops the queued chunks, waits for the write in progress, joins the
    /// thread and aborts the wrapped sink. Does nothing after ``finish()``.
    public func abort() {
        guard state == .open else { return }
        state = .aborted
        queue.close(cancel: true)
        afterCancelForTests?()
        join()
        queue.sink.abort()
    }

    private func join() {
        thread?.join()
        thread = nil
    }

    private func closedError(_ call: String) -> ManifestKitError {
        ManifestKitError(.io, subject: "background sink", reason: "\(call) after finish or abort")
    }

    // MARK: For tests

    /// Called by ``abort()`` once the queue is cancelled, before it waits for the
    /// write in progress (a test's slow sink is let go here, not after a delay).
    var afterCancelForTests: (() -> Void)?
    /// Whether the thread has been started and not joined yet.
    var isThreadRunning: Bool { thread != nil }
    /// The most chunks ever queued at once (never more than `depth`).
    var peakQueued: Int { queue.stats.peakQueued }
    /// Chunk buffers allocated so far (never more than `depth + 1`).
    var chunksAllocated: Int { queue.stats.allocated }
}

/// The state shared by a ``BackgroundSink`` and its thread.
///
/// `@unchecked Sendable`: the mutable fields are guarded by `mutex`, except
/// `sink` and `finishError`, which only the thread uses until it is joined
/// and only the caller afterwards.
private final class ChunkQueue: @unchecked Sendable {
    let sink: ByteSink
    private let depth: Int

    private let mutex = PosixMutex()
    private let notEmpty = PosixCondition()
    private let notFull = PosixCondition()
    // Guarded by `mutex`:
    private var ready: [[UInt8]] = []
    private var spares: [[UInt8]] = []
    private var closing = false
    private var cancelled = false
    private var failed: (any Error)?
    private var counters = (peakQueued: 0, allocated: 0)
    /// What the sink's `finish()` threw; read by the caller after the join.
    private(set) var finishError: (any Error)?

    init(sink: ByteSink, depth: Int) {
        self.sink = sink
        self.depth = depth
        ready.reserveCapacity(depth)
        spares.reserveCapacity(depth + 1)
    }

    /// The first error of the wrapped sink's `write`, if any.
    var failure: (any Error)? {
        mutex.lock()
        defer { mutex.unlock() }
        return failed
    }

    var stats: (peakQueued: Int, allocated: Int) {
        mutex.lock()
        defer { mutex.unlock() }
        return counters
    }

    // MARK: Caller side

    /// Copies `bytes` into a recycled chunk and queues it.
    func put(_ bytes: UnsafeRawBufferPointer) throws {
        mutex.lock()
        while ready.count >= depth && failed == nil { notFull.wait(mutex) }
        if let failed {
            mutex.unlock()
            throw failed
        }
        if bytes.isEmpty {
            mutex.unlock()
            return
        }
        var chunk: [UInt8]
        if let spare = spares.popLast() {
            chunk = spare
        } else {
            chunk = []
            counters.allocated += 1
        }
        mutex.unlock()
        if chunk.capacity < bytes.count {
            // Exactly this much, rounded up to 16 KiB (not doubled): writes of
            // slightly different sizes reuse the buffer.
            chunk.reserveCapacity((bytes.count + 0x3FFF) & ~0x3FFF)
        }
        chunk.append(contentsOf: bytes)
        mutex.lock()
        ready.append(chunk)
        counters.peakQueued = max(counters.peakQueued, ready.count)
        notEmpty.signal()
        mutex.unlock()
    }

    /// Tells the thread to stop: after the queued chunks, or (`cancel`) now.
    func close(cancel: Bool) {
        mutex.lock()
        closing = true
        if cancel { cancelled = true }
        notEmpty.signal()
        mutex.unlock()
    }

    // MARK: Thread side

    /// The thread's body: writes queued chunks until closed and drained
    /// (then finishes the sink, unless a write failed), or cancelled.
    func drain() {
        WorkerThread.nameCurrent(BackgroundSink.threadName)
        while var chunk = take() {
            if failure == nil {
                do {
                    try chunk.withUnsafeBytes { try sink.write($0) }
                } catch {
                    fail(error)
                }
            }
            chunk.removeAll(keepingCapacity: true)
            recycle(chunk)
        }
        mutex.lock()
        let finishing = !cancelled && failed == nil
        mutex.unlock()
        if finishing {
            do { try sink.finish() } catch { finishError = error }
        }
    }

    /// The next chunk, waiting for one; nil once closed and drained, or cancelled.
    private func take() -> [UInt8]? {
        mutex.lock()
        defer { mutex.unlock() }
        while ready.isEmpty && !closing { notEmpty.wait(mutex) }
        if cancelled || ready.isEmpty { return nil }
        notFull.signal()
        return ready.removeFirst()
    }

    private func fail(_ error: any Error) {
        mutex.lock()
        failed = error
        ready.removeAll()
        notFull.broadcast()
        mutex.unlock()
    }

    private func recycle(_ chunk: [UInt8]) {
        mutex.lock()
        spares.append(chunk)
        mutex.unlock()
    }
}
