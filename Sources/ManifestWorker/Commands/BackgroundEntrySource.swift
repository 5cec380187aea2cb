import Foundation
import ManifestKit

/// A `ManifestEntrySource` whose entries are produced on a thread of its own
/// and handed over through a bounded queue of batches.
///
/// `verify` feeds the diff from two `TreeWalker`s this way (no manifest is
/// written), and `diff` reads each manifest on its own thread, so that
/// gunzip, JSON parsing and digest checking of the inputs run in parallel
/// with each other and with the merge. Memory is bounded by the queue
/// (`capacity` batches of `batchSize` entries) plus the producer's own.
/// Errors reach the consumer in stream order: after the entries produced
/// before them.
final class BackgroundEntrySource: ManifestEntrySource, @unchecked Sendable {
    let header: ManifestHeader
    private let produce: ((ManifestEntry) throws -> Void) throws -> Void
    private let condition = NSCondition()
    private var batches: [[ManifestEntry]] = []
    private var current: [ManifestEntry] = []
    private var position = 0
    private var done = false
    private var failure: (any Error)?
    private var cancelled = false
    private let capacity: Int
    private let batchSize: Int

    private struct Cancelled: Error {}

    /// - Parameters:
    ///   - header: the header the consumer sees.
    ///   - produce: runs on the background thread and calls its argument
    ///     once per entry, in manifest order; what it throws reaches `next()`.
    init(header: ManifestHeader, batchSize: Int = 512, capacity: Int = 8,
         produce: @escaping ((ManifestEntry) throws -> Void) throws -> Void) {
        self.header = header
        self.produce = produce
        self.batchSize = batchSize
        self.capacity = capacity
    }

    /// A validating reader, read ahead on its own thread.
    static func reading(_ reader: ManifestReader) -> BackgroundEntrySource {
        BackgroundEntrySource(header: reader.header) { emit in
            while let entry = try reader.next() { try emit(entry) }
        }
    }

    /// A walk, run on its own thread (the walker's hashing threads are its own).
    static func walking(_ walker: TreeWalker, header: ManifestHeader) -> BackgroundEntrySource {
        BackgroundEntrySource(header: header) { emit in try walker.run(emit: emit) }
    }

    /// Starts the producer thread.
    func start(name: String) {
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    /// Stops the producer at its next hand-over (used when the consumer gives up).
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    func next() throws -> ManifestEntry? {
        if position < current.count {
            position += 1
            return current[position - 1]
        }
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !done { condition.wait() }
        if batches.isEmpty {
            if let failure { throw failure }
            return nil
        }
        current = batches.removeFirst()
        condition.broadcast()
        position = 1
        return current[0]
    }

    private func run() {
        var batch: [ManifestEntry] = []
        batch.reserveCapacity(batchSize)
        var outcome: (any Error)?
        do {
            try produce { entry in
                batch.append(entry)
                if batch.count >= batchSize {
                    try push(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { try push(batch) }
        } catch {
            // Entries gathered before the error still reach the consumer first.
            if !(error is Cancelled) && !batch.isEmpty { try? push(batch) }
            outcome = error
        }
        condition.lock()
        if !(outcome is Cancelled) { failure = outcome }
        done = true
        condition.broadcast()
        condition.unlock()
    }

    private func push(_ batch: [ManifestEntry]) throws {
        condition.lock()
        defer { condition.unlock() }
        while batches.count >= capacity && !cancelled { condition.wait() }
        if cancelled { throw Cancelled() }
        batches.append(batch)
        condition.broadcast()
    }
}
