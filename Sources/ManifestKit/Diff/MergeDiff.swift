/// The streaming three-way (or two-way) merge-diff of DESIGN.md §4.
///
/// Walks baseline B, optional post P and restored R together in manifest
/// order, classifies every path and returns one `Finding` per path that is not
/// a match; matches are only counted in `tally`. Memory is O(tree depth): one
/// head entry per input and, two-way, the stack of R's directories that are
/// ancestors of the current path.
///
/// ```swift
/// var diff = MergeDiff(baseline: b, post: p, restored: r, options: DiffOptions())
/// while let finding = try diff.next() { print(finding.detail) }
/// print(diff.tally[.match])
/// ```
public struct MergeDiff {
    public let options: DiffOptions
    /// True when a post manifest takes part.
    public let isThreeWay: Bool
    /// The baseline header's `startedAtNs`: the start of the backup window.
    public let windowStartNs: Int64
    /// When the backup completed (``DiffOptions/windowEndNs``): two-way, an R
    /// mtime after it is not explained by the window. Nil: the window is open.
    public var windowEndNs: Int64? { options.windowEndNs }
    /// Counts so far (final once `next()` has returned nil).
    public private(set) var tally = DiffTally()

    private var baseline: OrderCheckedSource
    private var post: OrderCheckedSource?
    private var restored: RestoredRootAdapter
    private var restoredOrder: [UInt8]?

    private var bHead: ManifestEntry?, pHead: ManifestEntry?, rHead: ManifestEntry?
    private var bFill = true, pFill = true, rFill = true
    /// Two-way: R's directories that are ancestors of the current path.
    private var ancestors: [(path: [UInt8], mtimeNs: Int64)] = []
    /// Directories with an `error` on some side (their listing is unknown) that
    /// are ancestors of the current path, outermost first, with the detail
    /// their descendants get.
    private var unreadable: [(path: [UInt8], detail: String)] = []

    public init(baseline: any ManifestEntrySource, post: (any ManifestEntrySource)?,
                restored: any ManifestEntrySource, options: DiffOptions = DiffOptions()) {
        self.options = options
        self.baseline = OrderCheckedSource(baseline, name: "baseline")
        self.post = post.map { OrderCheckedSource($0, name: "post") }
        self.restored = RestoredRootAdapter(OrderCheckedSource(restored, name: "restored"), mode: options.restoredRoot)
        isThreeWay = post != nil
        windowStartNs = baseline.header.startedAtNs
        pFill = post != nil
    }

    /// The top-level directory stripped from restored paths, once seen.
    public var strippedRoot: [UInt8]? { restored.strippedRoot }

    /// The entries behind the finding `next()` returned last (for listings
    /// that show both sides in full: digests, sizes, modes, owners, mtimes).
    public private(set) var lastSides = FindingSides()

    /// The next finding that is not a match, or nil when all inputs are done.
    /// - Throws: an input's error, `invalidManifest` for entries out of order,
    ///   `invalidArgument` for an ambiguous or absent restored root.
    public mutating func next() throws -> Finding? {
        while true {
            if rFill {
                switch try restored.nextItem() {
                case nil:
                    rHead = nil
                case .entry(let e):
                    if let previous = restoredOrder, PathOrder.compare(previous, e.path) >= 0 {
                        throw ManifestKitError(.invalidManifest, subject: "restored",
                                               reason: "entries out of order below the restored root: '\(e.displayPath)'")
                    }
                    restoredOrder = e.path
                    rHead = e
                case .lostFound(let e):
                    lastSides = FindingSides(restored: e)
                    return try record(e.path, type: e.type, VerdictRules.Outcome(
                        verdict: .lostFound, detail: "in aws-backup-lost+found (fragment of a file modified during the backup)"))
                case .outsideRoot(let e):
                    lastSides = FindingSides(restored: e)
                    return try record(e.path, type: e.type, VerdictRules.Outcome(
                        verdict: .extra, detail: "outside the restored root"))
                case .unreadableRoot(let e):
                    // The root's path is not a path of the diff: an empty one stands for
                    // "ancestor of everything".
                    if let detail = VerdictRules.unreadableDirectory([("restored", e)]) { unreadable.append(([], detail)) }
                    continue
                }
                rFill = false
            }
            if bFill { bHead = try baseline.next(); bFill = false }
            if pFill { pHead = try post?.next(); pFill = false }

            guard var path = bHead?.path ?? pHead?.path ?? rHead?.path else { return nil }
            if let p = pHead?.path, PathOrder.compare(p, path) < 0 { path = p }
            if let r = rHead?.path, PathOrder.compare(r, path) < 0 { path = r }
            let b = take(&bHead, &bFill, path)
            let p = take(&pHead, &pFill, path)
            let r = take(&rHead, &rFill, path)

            var outcome: VerdictRules.Outcome
            if isThreeWay {
                outcome = VerdictRules.threeWay(b: b, p: p, r: r)
            } else {
                outcome = VerdictRules.twoWay(b: b, r: r, window: VerdictRules.Window(startNs: windowStartNs, endNs: options.windowEndNs),
                                              ancestorMtimeNs: nearestAncestorMtime(of: path))
                if let r, r.type == .dir { ancestors.append((r.path, r.mtimeNs)) }
            }
            // What a side could not list is unknown there: never missing or extra.
            if let ancestor = nearestUnreadableAncestor(of: path), outcome.verdict != .unverifiable, outcome.verdict != .reuseMismatch {
                outcome = VerdictRules.Outcome(verdict: .unverifiable, detail: ancestor)
            }
            if VerdictRules.isUnreadableDirectory(b) || VerdictRules.isUnreadableDirectory(p) || VerdictRules.isUnreadableDirectory(r),
               let detail = VerdictRules.unreadableDirectory([("baseline", b), ("post", p), ("restored", r)]) {
                unreadable.append((path, detail))
            }
            if let finding = try record(path, type: r?.type ?? p?.type ?? b?.type, outcome) {
                lastSides = FindingSides(baseline: b, post: p, restored: r)
                return finding
            }
        }
    }

    private func take(_ head: inout ManifestEntry?, _ fill: inout Bool, _ path: [UInt8]) -> ManifestEntry? {
        guard let e = head, e.path == path else { return nil }
        head = nil
        fill = true
        return e
    }

    /// Pops R directories that are not ancestors of `path` (paths only grow, so
    /// they never will be again) and returns the nearest remaining one's mtime.
    private mutating func nearestAncestorMtime(of path: [UInt8]) -> Int64? {
        while let top = ancestors.last {
            if PathOrder.isAncestor(top.path, of: path) { return top.mtimeNs }
            ancestors.removeLast()
        }
        return nil
    }

    /// Pops unreadable directories that are not ancestors of `path` and returns
    /// the nearest remaining one's detail.
    private mutating func nearestUnreadableAncestor(of path: [UInt8]) -> String? {
        while let top = unreadable.last {
            if top.path.isEmpty || PathOrder.isAncestor(top.path, of: path) { return top.detail }
            unreadable.removeLast()
        }
        return nil
    }

    private mutating func record(_ path: [UInt8], type: EntryType?, _ outcome: VerdictRules.Outcome) throws -> Finding? {
        try tally.add(outcome.verdict, verifiedBytes: outcome.verifiedBytes)
        guard outcome.verdict != .match else { return nil }
        return Finding(path: path, verdict: outcome.verdict, severity: options.policy[outcome.verdict],
                       type: type, detail: outcome.detail)
    }
}

/// The entries one finding is about: each side's entry at the path, nil where
/// the path is absent (or the side takes no part).
public struct FindingSides: Sendable, Equatable {
    public var baseline: ManifestEntry?
    public var post: ManifestEntry?
    public var restored: ManifestEntry?

    public init(baseline: ManifestEntry? = nil, post: ManifestEntry? = nil, restored: ManifestEntry? = nil) {
        self.baseline = baseline
        self.post = post
        self.restored = restored
    }
}

/// Options of a diff.
public struct DiffOptions: Sendable, Equatable {
    public var policy: SeverityPolicy
    public var restoredRoot: RestoredRootMode
    /// The end of the backup window, nanoseconds since the epoch: when the
    /// backup completed. Two-way, an R mtime after it cannot be explained by the
    /// window (docs/verdicts.md). Nil leaves the window open-ended.
    public var windowEndNs: Int64?

    public init(policy: SeverityPolicy = .default, restoredRoot: RestoredRootMode = .auto, windowEndNs: Int64? = nil) {
        self.policy = policy
        self.restoredRoot = restoredRoot
        self.windowEndNs = windowEndNs
    }
}
