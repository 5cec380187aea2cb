import ManifestKit

/// The inputs of a comparison as `report.html` shows them: header, and the
/// checked trailer of a manifest that was read to its end (and of a set, its parts').
enum ReportInputs {
    static func input(_ entries: any ManifestEntrySource, source: String) -> ReportPage.Input {
        if let counting = entries as? CountingEntrySource { return input(counting.base, source: source) }
        let stream = entries as? any TrailerSource
        return ReportPage.Input(source: source, header: entries.header, trailer: stream?.trailer, parts: stream?.parts ?? [])
    }
}
