/// A `ManifestEntrySource` over entries in memory (fixtures, tests, small tools).
///
/// It hands the entries out as given; the diff checks their order.
public struct ArrayEntrySource: ManifestEntrySource {
    public let header: ManifestHeader
    private let entries: [ManifestEntry]
    private var index = 0

    public init(header: ManifestHeader, entries: [ManifestEntry]) {
        self.header = header
        self.entries = entries
    }

    public mutating func next() throws -> ManifestEntry? {
        guard index < entries.count else { return nil }
        defer { index += 1 }
        return entries[index]
    }
}
