/// Wraps a source and rejects entries that are not strictly in manifest order
/// (defensive: readers already check, fixtures and adapters may not).
struct OrderCheckedSource: ManifestEntrySource {
    private var base: any ManifestEntrySource
    /// Which input this is (`baseline`, `post`, `restored`), for errors.
    let name: String
    private var previous: [UInt8]?
    private var count = 0

    init(_ base: any ManifestEntrySource, name: String) {
        self.base = base
        self.name = name
    }

    var header: ManifestHeader { base.header }

    mutating func next() throws -> ManifestEntry? {
        guard let entry = try base.next() else { return nil }
        count += 1
        if let previous, PathOrder.compare(previous, entry.path) >= 0 {
            // Line numbers assume a manifest: header on line 1, entry n on line n + 1.
            throw ManifestKitError(
                .invalidManifest, subject: name, line: count + 1,
                reason: "entries out of order: '\(entry.displayPath)' after '\(HumanText.name(previous))'")
        }
        previous = entry.path
        return entry
    }
}
