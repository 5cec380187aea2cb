/// Up to `capacity` entries, moved in by a producer thread and moved out by
/// the consumer (no reference counting per field on the way). The unit an
/// ``EntryBatchChannel`` hands over.
final class EntryBatch {
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
