import ManifestKit
import Synchronization

/// A manifest being read, counted for progress records (`diff`).
struct CountingEntrySource: ManifestEntrySource {
    /// The source it counts (its trailer, once read, is the manifest's).
    private(set) var base: any ManifestEntrySource
    let counter = EntryCounter()
    var header: ManifestHeader { base.header }

    init(_ base: any ManifestEntrySource) {
        self.base = base
    }

    mutating func next() throws -> ManifestEntry? {
        guard let entry = try base.next() else { return nil }
        counter.count(entry)
        return entry
    }
}

/// Entries, regular files and their bytes, errors, unstable, and the path
/// counted last; read from another thread by a ``ProgressRecorder``.
final class EntryCounter: Sendable {
    private let counts = Mutex(ProgressSnapshot())

    func count(_ entry: ManifestEntry) {
        counts.withLock { s in
            func add(_ value: inout UInt64, _ n: UInt64) {
                let (sum, overflow) = value.addingReportingOverflow(n)
                value = overflow ? .max : sum
            }
            add(&s.entries, 1)
            if entry.type == .file {
                add(&s.files, 1)
                add(&s.bytes, entry.size)
            }
            if entry.error != nil { add(&s.errors, 1) }
            if entry.unstable { add(&s.unstable, 1) }
            s.path = entry.path
        }
    }

    /// The counts so far.
    var snapshot: ProgressSnapshot { counts.withLock { $0 } }
}
