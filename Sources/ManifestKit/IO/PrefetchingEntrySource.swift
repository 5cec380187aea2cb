/// Decodes a ``ManifestEntrySource`` ahead of its consumer on a dedicated
/// thread, so that reading several manifests (gunzip, JSON, order and digest
/// checks) runs on several cores while one thread merges them.
///
/// The wrapped source is moved to a POSIX thread of its own (never Swift's
/// cooperative pool: decoding is long, blocking work), which fills batches of
/// `batchSize` entries and hands them over through an ``EntryBatchChannel``
/// of at most `queueDepth` batches; memory is therefore bounded by
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

    private let box: SourceBox<Inner>
    private let channel: EntryBatchChannel

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
        let box = SourceBox(inner)
        self.box = box
        channel = EntryBatchChannel(batchSize: batchSize, depth: queueDepth)
        let producer: any EntryProducer = box
        channel.start(stackSize: 1 << 20) { try producer.produce(into: $0) }
    }

    deinit { channel.cancel() }

    /// The next entry of the inner source, or nil after its last one.
    /// - Throws: exactly what the inner source threw, once all entries before
    ///   the fault have been returned; again on every later call.
    public func next() throws -> ManifestEntry? {
        try channel.next()
    }

    /// Stops reading ahead and joins the thread (it finishes the batch it is
    /// decoding first); ``next()`` returns nil from then on, unless the
    /// source had already failed. Safe to call more than once.
    public func cancel() {
        channel.cancel()
    }

    /// For tests: see `EntryBatchChannel.waitUntilProducerWaits()`.
    func waitUntilReaderWaits() -> Bool { channel.waitUntilProducerWaits() }

    /// The inner source, once the thread has stopped (after the end, a
    /// failure or ``cancel()``); nil while it is still reading ahead.
    public var inner: Inner? {
        channel.isRunning ? nil : box.inner
    }
}

extension PrefetchingEntrySource: TrailerSource where Inner: TrailerSource {
    /// The checked trailer, once ``next()`` has returned nil.
    public var trailer: ManifestTrailer? { inner?.trailer }
    /// The inner source's parts (a set's), once the thread has stopped.
    public var parts: [ManifestSummary] { inner?.parts ?? [] }
}

/// The decoding thread's work (not generic, so that the thread's closure
/// captures no metatype).
protocol EntryProducer: AnyObject, Sendable {
    func produce(into channel: EntryBatchChannel) throws
}

/// The inner source, touched only by the decoding thread until it has been
/// joined.
final class SourceBox<Inner: ManifestEntrySource>: EntryProducer, @unchecked Sendable {
    var inner: Inner

    init(_ inner: Inner) { self.inner = inner }

    func produce(into channel: EntryBatchChannel) throws {
        while let entry = try inner.next() { try channel.send(entry) }
    }
}
