import ManifestKit

/// A `ManifestEntrySource` fed by a `TreeWalker` running on its own thread,
/// through an ``EntryBatchChannel``: `verify` compares two trees without
/// writing a manifest. Memory is bounded by the channel (`capacity` batches
/// of `batchSize` entries) plus the walker's own window.
final class WalkedEntrySource: ManifestEntrySource, Sendable {
    let header: ManifestHeader
    let progress = WalkProgress()
    private let walker: TreeWalker
    private let channel: EntryBatchChannel

    /// Called on the walk's thread with its first entry (a test pause point), before it is sent.
    private let onFirstEntry: (@Sendable () -> Void)?

    init(root: String, role: ManifestRole, concurrency: Int, startedAtNs: Int64, batchSize: Int = 512, capacity: Int = 8,
         onFirstEntry: (@Sendable () -> Void)? = nil) throws {
        header = ManifestHeader(role: role, root: root, startedAtNs: startedAtNs, tool: Tool.identifier)
        self.onFirstEntry = onFirstEntry
        walker = try TreeWalker(root: root, options: WalkOptions(concurrency: concurrency), progress: progress)
        channel = EntryBatchChannel(batchSize: batchSize, depth: capacity)
    }

    /// Starts the walk on a new thread.
    func start() {
        let walker = walker, onFirstEntry = onFirstEntry
        channel.start(stackSize: 8 << 20) { channel in
            var first = true
            try walker.run { entry in
                if first {
                    first = false
                    onFirstEntry?()
                }
                try channel.send(entry)
            }
        }
    }

    /// Stops the producer (it ends at its next hand-over) and waits until its
    /// walk has wound down, so that no walker thread outlives the command (a
    /// process that exits while they run can crash in its exit handlers).
    func cancel() {
        channel.cancel()
    }

    func next() throws -> ManifestEntry? {
        try channel.next()
    }
}
