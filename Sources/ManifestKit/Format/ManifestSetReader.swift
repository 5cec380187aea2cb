import Primitives

/// Reads the parts of a sharded manifest in order as one manifest, without
/// joining them first: a ``ManifestStream`` like ``ManifestReader``.
///
/// One part is open at a time. Each part is read by a ``ManifestReader`` (every
/// check of one manifest, its own trailer included); on top of that the set
/// reader checks that each part's header carries the set's plan digest, its
/// position as shard index and the set's shard count, role, root and file
/// system; that every entry lies in the range its header states and sorts
/// after the previous part's last entry; that each part's trailer states
/// the entries and digest the index lists; and, once the last part is read, that
/// the index's `startedAt` and `completedAt` (when it has them) are the parts'
/// earliest start and latest completion. The index's figures are only claims
/// (the orchestrator may take them from each part's ends, ``ManifestEnds``):
/// every one that the stream uses is checked against the parts. The combined stream has a
/// synthesised header (part 0's, with the set's role and start, as one shard of
/// one) and, at the end, a synthesised trailer: the parts' counts summed and
/// `entriesSha256` over every entry line of every part, which is what a single
/// walk's trailer holds.
///
/// Errors are ``ManifestKitError`` `.invalidManifest` naming the part (its
/// resolved location) or, for the index itself, the set. Not thread-safe.
public final class ManifestSetReader: ManifestStream {
    /// Where a part is: its resolved location and what the index says of it.
    public struct PartSpec: Sendable, Equatable {
        public var location: String
        /// The entries and digest the index lists (nil: not listed, `join PART…`).
        public var expected: (entries: UInt64, entriesSha256: String)?

        public init(location: String, expected: (entries: UInt64, entriesSha256: String)?) {
            self.location = location
            self.expected = expected
        }

        public static func == (a: PartSpec, b: PartSpec) -> Bool {
            a.location == b.location && a.expected?.entries == b.expected?.entries
                && a.expected?.entriesSha256 == b.expected?.entriesSha256
        }
    }

    public let name: String
    /// The synthesised header: part 0's, as shard 0 of 1 without a plan.
    public let header: ManifestHeader
    /// The plan digest every part carries.
    public let plan: String
    /// The synthesised trailer, once ``next()`` has returned nil.
    public private(set) var trailer: ManifestTrailer?
    /// Each part read to its end so far, in shard order: its header and checked trailer
    /// (every part once ``next()`` has returned nil) — the shards' walks of a report.
    public private(set) var parts: [ManifestSummary] = []

    private let specs: [PartSpec]
    private let open: (String) throws -> ByteSource
    private let firstHeader: ManifestHeader
    private let completedAtNs: Int64?
    private var current: ManifestReader?
    private var index = 0
    private var counted = ManifestTrailer()
    private var latestCompletion = Int64.min
    private let digest = SHA256()
    /// The last path handed out.
    private var previous: [UInt8]?
    /// No entry of the current part handed out yet (its first is checked against `previous`).
    private var partStarted = true

    /// Reads the set index at `name` (already decoded) through `open`, which
    /// makes a source of a part's resolved location (``ManifestSet/resolve(_:against:)``).
    /// Opens part 0 to read its header — and, when the index states no `startedAt`, every
    /// part's: the set starts when its earliest part started (the backup window's start for
    /// a baseline), which need not be part 0.
    public convenience init(set: ManifestSet, name: String, open: @escaping (String) throws -> ByteSource) throws {
        let parts = set.parts.map {
            PartSpec(location: ManifestSet.resolve($0.location, against: name), expected: ($0.entries, $0.entriesSha256))
        }
        var started = set.startedAtNs
        if started == nil, parts.count > 1 {
            started = try parts.map { try ManifestReader(source: try open($0.location)).header.startedAtNs }.min()
        }
        try self.init(parts: parts, name: name, plan: set.plan, role: set.role, startedAtNs: started,
                      completedAtNs: set.completedAtNs, open: open)
    }

    /// Reads `locations` as the parts of one plan, in order (`manifest-worker
    /// join PART…`). Reads every part's header first, so that a part of another
    /// plan, one given twice, out of order or missing is named before any entry
    /// is read.
    public convenience init(partLocations locations: [String], open: @escaping (String) throws -> ByteSource) throws {
        guard let firstLocation = locations.first else {
            throw ManifestKitError(.invalidArgument, subject: "join", reason: "no parts given")
        }
        var headers: [ManifestHeader] = []
        for location in locations { headers.append(try ManifestReader(source: try open(location)).header) }
        guard let plan = headers[0].shardPlan else {
            throw ManifestKitError(.invalidManifest, subject: firstLocation, reason: Self.unplanned)
        }
        let count = headers[0].shardCount
        var seen: [Int: String] = [:]
        for (location, h) in zip(locations, headers) {
            guard let p = h.shardPlan else { throw ManifestKitError(.invalidManifest, subject: location, reason: Self.unplanned) }
            guard p == plan else {
                throw ManifestKitError(.invalidManifest, subject: location,
                                       reason: "belongs to plan \(p), not to plan \(plan) of \(JSONText.quoted(firstLocation))")
            }
            guard h.shardCount == count else {
                throw ManifestKitError(.invalidManifest, subject: location,
                                       reason: "is shard \(h.shardIndex) of \(h.shardCount), but \(JSONText.quoted(firstLocation)) is of \(count)")
            }
            if let other = seen[h.shardIndex] {
                throw ManifestKitError(.invalidManifest, subject: location,
                                       reason: "shard \(h.shardIndex) of \(count) is given twice (also \(JSONText.quoted(other)))")
            }
            seen[h.shardIndex] = location
        }
        if let missing = (0..<count).first(where: { seen[$0] == nil }) {
            throw ManifestKitError(.invalidManifest, subject: "join",
                                   reason: "missing part: shard \(missing) of \(count) (0-based) of plan \(plan)")
        }
        for (position, (location, h)) in zip(locations, headers).enumerated() where h.shardIndex != position {
            throw ManifestKitError(.invalidManifest, subject: location,
                                   reason: "out of order: it is shard \(h.shardIndex) of \(count), given as part \(position) (parts go in shard order 0 … \(count - 1))")
        }
        try self.init(parts: locations.map { PartSpec(location: $0, expected: nil) }, name: firstLocation, plan: plan,
                      role: headers[0].role, startedAtNs: headers.map(\.startedAtNs).min(), completedAtNs: nil, open: open)
    }

    private static let unplanned = "not a shard of a plan: its header has no \"shard.plan\""
    /// How much later than a part's start the index's `startedAt` may be (see `check`).
    static let startSlackNs: Int64 = 1_000_000

    private init(parts: [PartSpec], name: String, plan: String, role: ManifestRole, startedAtNs: Int64?,
                 completedAtNs: Int64?, open: @escaping (String) throws -> ByteSource) throws {
        self.specs = parts
        self.name = name
        self.plan = plan
        self.open = open
        self.completedAtNs = completedAtNs
        guard !specs.isEmpty else { throw ManifestKitError(.invalidManifest, subject: name, reason: "no parts") }
        let first = try ManifestReader(source: try open(specs[0].location))
        firstHeader = first.header
        var h = first.header
        h.role = role
        h.startedAtNs = startedAtNs ?? first.header.startedAtNs
        h.shardIndex = 0
        h.shardCount = 1
        h.shardPlan = nil
        h.shardRange = .all
        header = h
        try check(first.header, of: 0, role: role)
        first.alsoHashing = digest
        current = first
    }

    /// The next entry of the whole set, or nil once every part's trailer and
    /// the set's have been checked.
    public func next() throws -> ManifestEntry? {
        while let reader = current {
            if let entry = try reader.next() {
                guard reader.header.shardRange.contains(entry.path) else {
                    throw ManifestKitError(.invalidManifest, subject: reader.name, line: reader.lineNumber,
                        reason: "path \(JSONText.quoted(entry.path)) lies outside shard \(index)'s range")
                }
                if partStarted {
                    partStarted = false
                    if let previous, PathOrder.compare(previous, entry.path) >= 0 {
                        throw ManifestKitError(.invalidManifest, subject: reader.name, line: reader.lineNumber,
                            reason: "out of order: path \(JSONText.quoted(entry.path)) does not sort after the previous part's last path \(JSONText.quoted(previous))")
                    }
                }
                previous = entry.path
                return entry
            }
            try finishPart(reader)
        }
        return nil
    }

    private func finishPart(_ reader: ManifestReader) throws {
        guard let partTrailer = reader.trailer else { return }
        if let expected = specs[index].expected,
           expected.entries != partTrailer.entries || expected.entriesSha256 != partTrailer.entriesSha256 {
            throw ManifestKitError(.invalidManifest, subject: reader.name,
                reason: "its trailer states \(partTrailer.entries) entries with digest \(partTrailer.entriesSha256), "
                    + "but the set index lists \(expected.entries) with digest \(expected.entriesSha256)")
        }
        for (key, value) in ManifestCodec.trailerCounts(partTrailer) {
            guard add(value, to: key) else {
                throw ManifestKitError(.invalidManifest, subject: reader.name, reason: "the parts' \(JSONText.quoted(key)) sum past 2^64-1")
            }
        }
        if let r = partTrailer.reuse {
            // Parts made with --reuse-from: their counts summed, the first such part's seed.
            guard let sum = counted.reuse.map({ ReuseCounts.summing($0, r) }) ?? r else {
                throw ManifestKitError(.invalidManifest, subject: reader.name, reason: "the parts' \"reuse\" counts sum past 2^64-1")
            }
            counted.reuse = sum
        }
        latestCompletion = max(latestCompletion, partTrailer.completedAtNs)
        parts.append(ManifestSummary(header: reader.header, trailer: partTrailer))
        current = nil
        index += 1
        guard index < specs.count else {
            try checkTimes()
            var t = counted
            t.completedAtNs = completedAtNs ?? latestCompletion
            t.entriesSha256 = digest.finalizeHex()
            trailer = t
            return
        }
        let next = try ManifestReader(source: try open(specs[index].location))
        try check(next.header, of: index, role: header.role)
        next.alsoHashing = digest
        current = next
        partStarted = true
    }

    /// Once every part is read: the stream's start (the index's `startedAt`, else the
    /// parts' earliest) and the index's `completedAt`, when it states one, against the
    /// parts' earliest start and latest completion: equal, or a whole millisecond less than
    /// one from it (indexes written before the orchestrator kept nanoseconds went through a
    /// `Date` and were cut to the millisecond). `check` already refused a start later than
    /// a part's; this also refuses an earlier one, which would widen a two-way diff's window.
    private func checkTimes() throws {
        let earliest = parts.map(\.header.startedAtNs).min() ?? header.startedAtNs
        for (key, stated, actual, what) in [("startedAt", Optional(header.startedAtNs), earliest, "the earliest part started at"),
                                            ("completedAt", completedAtNs, latestCompletion, "the latest part completed at")] {
            guard let stated, !Self.sameInstant(stated, actual) else { continue }
            throw ManifestKitError(.invalidManifest, subject: name,
                reason: "the set index states \(JSONText.quoted(key)) \(Timestamp.format(ns: stated)), but \(what) \(Timestamp.format(ns: actual))")
        }
    }

    /// `stated` is `actual`, or a whole millisecond less than one millisecond from it.
    static func sameInstant(_ stated: Int64, _ actual: Int64) -> Bool {
        if stated == actual { return true }
        guard stated % 1_000_000 == 0 else { return false }
        let (difference, overflow) = stated.subtractingReportingOverflow(actual)
        return !overflow && difference > -1_000_000 && difference < 1_000_000
    }

    private func add(_ value: UInt64, to key: String) -> Bool {
        func sum(_ field: inout UInt64) -> Bool {
            let (s, o) = field.addingReportingOverflow(value)
            field = s
            return !o
        }
        switch key {
        case "entries": return sum(&counted.entries)
        case "files": return sum(&counted.files)
        case "dirs": return sum(&counted.dirs)
        case "symlinks": return sum(&counted.symlinks)
        case "others": return sum(&counted.others)
        case "bytes": return sum(&counted.bytes)
        case "errors": return sum(&counted.errors)
        default: return sum(&counted.unstable)
        }
    }

    private func check(_ h: ManifestHeader, of position: Int, role: ManifestRole) throws {
        let location = specs[position].location
        func fail(_ reason: String) -> ManifestKitError { ManifestKitError(.invalidManifest, subject: location, reason: reason) }
        guard let p = h.shardPlan else { throw fail(Self.unplanned) }
        guard p == plan else { throw fail("belongs to plan \(p), not to the set's plan \(plan)") }
        guard h.shardIndex == position, h.shardCount == specs.count else {
            throw fail("is shard \(h.shardIndex) of \(h.shardCount), but the set lists it as part \(position) of \(specs.count)")
        }
        guard h.role == role else { throw fail("role \(JSONText.quoted(h.role.rawValue)) differs from the set's \(JSONText.quoted(role.rawValue))") }
        guard h.root == firstHeader.root, h.fileSystemId == firstHeader.fileSystemId else {
            throw fail("root or file system differs from part 0's")
        }
        // The set's start is the earliest part's: an index stating a later one would move
        // a baseline's window start past writes this part may have missed. Up to 1 ms is
        // allowed: earlier orchestrators wrote the index's times through a `Date`, cut to the
        // millisecond, which could land a few hundred nanoseconds past the part's start.
        let (earliest, overflow) = header.startedAtNs.subtractingReportingOverflow(Self.startSlackNs)
        guard overflow || h.startedAtNs >= earliest else {
            throw fail("started at \(Timestamp.format(ns: h.startedAtNs, fractionDigits: 9)), before the set's "
                       + "startedAt \(Timestamp.format(ns: header.startedAtNs, fractionDigits: 9))")
        }
    }
}
