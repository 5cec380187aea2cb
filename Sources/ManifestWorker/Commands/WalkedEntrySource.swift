import Foundation
import ManifestKit

/// A `ManifestEntrySource` fed by a `TreeWalker` running on its own thread,
/// through a bounded queue of entry batches: `verify` compares two trees
/// without writing a manifest. Memory is bounded by the queue
/// (`capacity` batches of `batchSize` entries) plus the walker's own window.
final class WalkedEntrySource: ManifestEntrySource, @unchecked Sendable {
    let header: ManifestHeader
    let progress = WalkProgress()
    private let walker: TreeWalker
    private let condition = NSCondition()
    private var batches: [[ManifestEntry]] = []
    private var current: [ManifestEntry] = []
    private var position = 0
    private var done = false
    private var failure: (any Error)?
    private var cancelled = false
    private var started = false
    private let capacity: Int
    private let batchSize: Int

    struct Cancelled: Error {}

    init(root: String, role: ManifestRole, concurrency: Int, startedAtNs: Int64, batchSize: Int = 512, capacity: Int = 8) throws {
        header = ManifestHeader(role: role, root: root, startedAtNs: startedAtNs, tool: Tool.identifier)
        walker = try TreeWalker(root: root, options: WalkOptions(concurrency: concurrency), progress: progress)
        self.batchSize = batchSize
        self.capacity = capacity
    }

    /// Starts the walk on a new thread.
    func start() {
        condition.lock()
        started = true
        condition.unlock()
        let thread = Thread { [self] in produce() }
        thread.name = "walk \(header.root ?? "")"
        thread.start()
    }

    /// Stops the producer (it ends at its next push) and waits until its walk has
    /// wound down, so that no walker thread outlives the command (a process that
    /// exits while they run can crash in its exit handlers).
    func cancel() {
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        condition.broadcast()
        while started && !done { condition.wait() }
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

    private func produce() {
        var batch: [ManifestEntry] = []
        batch.reserveCapacity(batchSize)
        var outcome: (any Error)?
        do {
            try walker.run { entry in
                batch.append(entry)
                if batch.count >= batchSize {
                    try push(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { try push(batch) }
        } catch {
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
