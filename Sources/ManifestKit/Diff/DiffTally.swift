/// Counts kept while diffing: one verdict per path, matches included.
///
/// Every count is checked: a path is counted only when no total overflows
/// (``add(_:verifiedBytes:)`` throws instead), so each count, and any sum of
/// class counts, stays within `entriesCompared`.
public struct DiffTally: Sendable, Equatable {
    private var counts = [UInt64](repeating: 0, count: VerdictClass.allCases.count)
    /// Paths classified (the sum over all classes).
    public private(set) var entriesCompared: UInt64 = 0
    /// Restored files whose content was found equal to the expected version.
    public internal(set) var filesVerified: UInt64 = 0
    /// Sum of the sizes of `filesVerified`.
    public internal(set) var bytesVerified: UInt64 = 0

    public init() {}

    /// Number of paths given `verdict`.
    public subscript(verdict: VerdictClass) -> UInt64 { counts[verdict.ordinal] }

    /// Counts one path.
    /// - Throws: `ManifestKitError.invalidManifest` (subject `diff`) when the
    ///   verified bytes would pass 2^64 − 1 (or the path count would); nothing
    ///   is counted then.
    public mutating func add(_ verdict: VerdictClass, verifiedBytes: UInt64? = nil) throws {
        let (entries, entriesOverflow) = entriesCompared.addingReportingOverflow(1)
        guard !entriesOverflow else {
            throw ManifestKitError(.invalidManifest, subject: "diff", reason: "more than 2^64-1 paths")
        }
        if let verifiedBytes {
            let (sum, overflow) = bytesVerified.addingReportingOverflow(verifiedBytes)
            guard !overflow else {
                throw ManifestKitError(.invalidManifest, subject: "diff",
                                       reason: "verified file sizes sum past 2^64-1 bytes (18446744073709551615)")
            }
            bytesVerified = sum
            filesVerified += 1 // at most entriesCompared
        }
        entriesCompared = entries
        counts[verdict.ordinal] += 1 // at most entriesCompared
    }
}
