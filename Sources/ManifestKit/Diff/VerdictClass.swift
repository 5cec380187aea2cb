/// The class of one path's verdict (DESIGN.md §4, plus `lostFound` and `reuseMismatch`).
///
/// Declaration order is the order of every listing: report counts, JSON keys,
/// the human summary.
public enum VerdictClass: String, Sendable, CaseIterable {
    /// R equals B (and P).
    case match
    /// B and P differ (written during the backup window) and R equals one of them.
    case changed
    /// B and P differ and R matches neither: an inconsistent capture.
    case torn
    /// Stable in B (and P), absent from R.
    case missing
    /// Absent from B (and P), present in R.
    case extra
    /// Stable in B (and P), present in R with different content or type.
    case corrupt
    /// Content matches, metadata (mode, uid, gid, mtime) differs.
    case metadata
    /// An entry carries `error` or `unstable` in B, P or R.
    case unverifiable
    /// A FIFO or socket absent from R (AWS Backup does not back them up).
    case omitted
    /// Addition to DESIGN.md §4: an entry below the restore's top-level
    /// `aws-backup-lost+found` directory, where AWS puts fragments of files
    /// modified during the backup.
    case lostFound = "lost+found"
    /// A manifest entry carries `reuseMismatch`: a walk with a reuse manifest read a
    /// file whose size, mtime, ctime and inode said "unchanged" and found other
    /// content. The metadata cannot be trusted to say what changed, so any verdict
    /// that relied on it could be wrong (error by default).
    case reuseMismatch = "reuse-mismatch"

    /// Position in `allCases`, for array-backed counters.
    @inlinable
    public var ordinal: Int {
        switch self {
        case .match: 0
        case .changed: 1
        case .torn: 2
        case .missing: 3
        case .extra: 4
        case .corrupt: 5
        case .metadata: 6
        case .unverifiable: 7
        case .omitted: 8
        case .lostFound: 9
        case .reuseMismatch: 10
        }
    }
}

/// How much a finding matters. Ordered: `ok < info < warning < error`; a run
/// passes when no finding has severity `error`.
public enum Severity: String, Sendable, CaseIterable, Comparable {
    case ok, info, warning, error

    /// Position in `allCases` (also the rank used by `<`).
    @inlinable
    public var ordinal: Int {
        switch self {
        case .ok: 0
        case .info: 1
        case .warning: 2
        case .error: 3
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.ordinal < b.ordinal }
}
