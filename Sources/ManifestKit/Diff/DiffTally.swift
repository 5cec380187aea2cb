/// Counts kept while diffing: one verdict per path, matches included.
public struct DiffTally: Sendable, Equatable {
    private var counts = [UInt64](repeating: 0, count: VerdictClass.allCases.count)
    /// Restored files whose content was found equal to the expected version.
    public internal(set) var filesVerified: UInt64 = 0
    /// Sum of the sizes of `filesVerified`.
    public internal(set) var bytesVerified: UInt64 = 0

    public init() {}

    /// Number of paths given `verdict`.
    public subscript(verdict: VerdictClass) -> UInt64 { counts[verdict.ordinal] }

    /// Paths classified (the sum over all classes).
    public var entriesCompared: UInt64 { counts.reduce(0, +) }

    /// Counts one path.
    public mutating func add(_ verdict: VerdictClass, verifiedBytes: UInt64? = nil) {
        counts[verdict.ordinal] += 1
        if let verifiedBytes {
            filesVerified += 1
            bytesVerified += verifiedBytes
        }
    }
}
