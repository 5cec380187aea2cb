/// The index of a sharded manifest (`*.set.json`): the K parts of one walk by
/// one plan, in order, each with the count and digest its trailer states.
/// Read in order, the parts are one manifest (``ManifestSetReader``).
public struct ManifestSet: Sendable, Equatable {
    /// The format tag of a set index.
    public static let formatTag = "efs-backup-verifier/set-1"

    /// One part: shard `index` of the plan, written at `location`.
    public struct Part: Sendable, Equatable {
        public var index: Int
        /// Relative to the set file's own location (same directory or S3 prefix),
        /// or an absolute path or `s3://` URI (``resolve(_:against:)``).
        public var location: String
        /// The part trailer's `entries`.
        public var entries: UInt64
        /// The part trailer's `entriesSha256`.
        public var entriesSha256: String

        public init(index: Int, location: String, entries: UInt64, entriesSha256: String) {
            self.index = index
            self.location = location
            self.entries = entries
            self.entriesSha256 = entriesSha256
        }
    }

    /// The plan's digest (``ShardPlan/digest(of:)``) every part's header carries.
    public var plan: String
    public var role: ManifestRole
    /// The earliest `startedAt` of the parts, when known (the joined header's).
    public var startedAtNs: Int64?
    /// The latest `completedAt` of the parts, when known.
    public var completedAtNs: Int64?
    public var parts: [Part]

    public init(plan: String, role: ManifestRole, startedAtNs: Int64? = nil, completedAtNs: Int64? = nil, parts: [Part]) {
        self.plan = plan
        self.role = role
        self.startedAtNs = startedAtNs
        self.completedAtNs = completedAtNs
        self.parts = parts
    }

    /// The total of the parts' entries, nil when it would overflow.
    public var entries: UInt64? {
        var total: UInt64 = 0
        for part in parts {
            let (sum, overflow) = total.addingReportingOverflow(part.entries)
            if overflow { return nil }
            total = sum
        }
        return total
    }

    /// Where `location` is when the set file is at `setLocation`: an absolute
    /// path or `s3://` URI as is, anything else next to the set file.
    public static func resolve(_ location: String, against setLocation: String) -> String {
        if location.hasPrefix("/") || location.hasPrefix("s3://") { return location }
        let bytes = Array(setLocation.utf8)
        guard let slash = bytes.lastIndex(of: 0x2F) else { return location }
        return String(decoding: bytes[...slash], as: UTF8.self) + location
    }

    /// Why the set is not acceptable, or nil: 1 … ``ShardPlan/maxShards`` parts
    /// numbered 0 … K−1 in order, a 64-hex plan digest and part digests, each
    /// location a non-empty relative path without `..` components or an
    /// absolute path or `s3://` URI.
    public var problem: String? {
        guard ManifestEntry.isSHA256Hex(plan) else { return "\"plan\" must be 64 lower-case hex digits" }
        guard !parts.isEmpty else { return "\"parts\" is empty" }
        guard parts.count <= ShardPlan.maxShards else { return "\(parts.count) parts (at most \(ShardPlan.maxShards))" }
        for (i, part) in parts.enumerated() {
            guard part.index == i else { return "part at position \(i) has \"index\" \(part.index) (parts are listed in order 0 … K-1)" }
            guard ManifestEntry.isSHA256Hex(part.entriesSha256) else {
                return "part \(i): \"entriesSha256\" must be 64 lower-case hex digits"
            }
            if let p = Self.locationProblem(part.location) { return "part \(i): \"location\" \(JSONText.quoted(part.location)) \(p)" }
        }
        return nil
    }

    private static func locationProblem(_ location: String) -> String? {
        if location.isEmpty { return "is empty" }
        if location.hasPrefix("s3://") || location.hasPrefix("/") { return nil }
        if location.utf8.contains(0) { return "contains a NUL byte" }
        if location.split(separator: "/", omittingEmptySubsequences: false).contains("..") {
            return "has a \"..\" component"
        }
        return nil
    }
}
