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

    init(root: String, role: ManifestRole, concurrency: Int, startedAtNs: Int64, batchSize: Int = 512, capacity: Int = 8) throws {
        header = ManifestHeader(role: role, root: root, startedAtNs: startedAtNs, tool: Tool.identifier)
        walker = try TreeWalker(root: root, options: WalkOptions(concurrency: concurrency), progress: progress)
        channel = EntryBatchChannel(batchSize: batchSize, depth: capacity)
    }

    /// Starts the walk on a new thread.
    func start() {
        let walker = walker
        channel.start(stackSize: 8 << 20) { channel in
            try walker.run { try channel.send($0) }
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
