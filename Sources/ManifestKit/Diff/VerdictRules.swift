/// The verdict for one path: pure functions of its entries (DESIGN.md §4;
/// docs/verdicts.md has the worked examples).
enum VerdictRules {
    struct Outcome: Equatable {
        var verdict: VerdictClass
        var detail: String
        /// Size of a restored file whose content was found equal to the expected version.
        var verifiedBytes: UInt64?
    }

    /// Three-way: baseline `b`, post `p`, restored `r` (at least one present).
    static func threeWay(b: ManifestEntry?, p: ManifestEntry?, r: ManifestEntry?) -> Outcome {
        if let m = reuseMismatch([("baseline", b), ("post", p), ("restored", r)]) { return m }
        if anyUnverifiable(b, p, r), let u = unverifiable([("baseline", b), ("post", p), ("restored", r)]) { return u }
        if r == nil, let o = omitted([b, p]) { return o }
        guard b != nil || p != nil else {
            return Outcome(verdict: .extra, detail: "absent from baseline and post")
        }
        if let b, let p, EntryComparison.versionEqual(b, p) {
            return stable(b, "baseline", r)
        }
        // B and P differ: written during the backup window.
        let change = b == nil ? "created" : p == nil ? "deleted" : "modified"
        let window = "\(change) during the backup window"
        let absent = r == nil ? " (absent)" : ""
        if EntryComparison.versionEqual(r, b) {
            return Outcome(verdict: .changed, detail: "\(window); restored matches baseline\(absent)", verifiedBytes: verified(r))
        }
        if EntryComparison.versionEqual(r, p) {
            return Outcome(verdict: .changed, detail: "\(window); restored matches post\(absent)", verifiedBytes: verified(r))
        }
        guard let r else {
            return Outcome(verdict: .torn, detail: "\(window); absent from restored")
        }
        // Content of one version with metadata of neither is a metadata finding;
        // content of one with metadata of the other is a torn capture.
        let versions = [(b, "baseline"), (p, "post")].compactMap { v, n in v.map { ($0, n) } }
        if let (same, name) = versions.first(where: { EntryComparison.contentEqual($0.0, r) }),
           !versions.contains(where: { EntryComparison.metadataEqual($0.0, r) }) {
            return Outcome(verdict: .metadata,
                           detail: "\(window); content matches \(name); \(EntryComparison.metadataDifference(same, r))",
                           verifiedBytes: verified(r))
        }
        let reference = p ?? b!
        let referenceName = p == nil ? "baseline" : "post"
        let difference = EntryComparison.contentEqual(reference, r)
            ? EntryComparison.metadataDifference(reference, r)
            : EntryComparison.contentDifference(reference, referenceName, r, "restored")
        return Outcome(verdict: .torn, detail: "\(window); restored matches neither: \(difference)")
    }

    /// The two-way backup window: after `startNs` (the baseline header's
    /// `startedAtNs`) and, when known, not after `endNs` (the backup's completion).
    struct Window: Equatable {
        var startNs: Int64
        var endNs: Int64?

        /// Where an R mtime falls.
        func place(_ mtimeNs: Int64) -> Place {
            if let endNs, mtimeNs > endNs { return .after }
            return mtimeNs > startNs ? .inside : .before
        }

        enum Place { case before, inside, after }
    }

    /// Two-way: baseline `b` and restored `r` (at least one present).
    ///
    /// - Parameters:
    ///   - window: from the baseline header's `startedAtNs` to the backup's completion.
    ///   - ancestorMtimeNs: for a path absent from R, the mtime in R of its
    ///     nearest ancestor directory present there (nil for top-level paths).
    static func twoWay(b: ManifestEntry?, r: ManifestEntry?, window: Window, ancestorMtimeNs: Int64?) -> Outcome {
        if let m = reuseMismatch([("baseline", b), ("restored", r)]) { return m }
        if anyUnverifiable(b, nil, r), let u = unverifiable([("baseline", b), ("restored", r)]) { return u }
        if r == nil, let o = omitted([b]) { return o }
        let afterEnd = " (restored mtime after the window end)"
        guard let b else {
            let r = r!
            switch window.place(r.mtimeNs) {
            case .inside:
                return Outcome(verdict: .changed, detail: "created during the backup window (restored mtime after baseline start)")
            case .after: return Outcome(verdict: .extra, detail: "absent from baseline" + afterEnd)
            case .before: return Outcome(verdict: .extra, detail: "absent from baseline")
            }
        }
        guard let r else {
            switch ancestorMtimeNs.map(window.place) {
            case .inside:
                return Outcome(verdict: .changed, detail: "deleted during the backup window (parent mtime after baseline start)")
            case .after: return Outcome(verdict: .missing, detail: "absent from restored (parent mtime after the window end)")
            case .before, nil: return Outcome(verdict: .missing, detail: "absent from restored")
            }
        }
        let place = window.place(r.mtimeNs)
        let note = place == .after ? afterEnd : ""
        if !EntryComparison.contentEqual(b, r) {
            let difference = EntryComparison.contentDifference(b, "baseline", r, "restored")
            if b.type == r.type && b.size == r.size && b.mtimeNs == r.mtimeNs {
                return Outcome(verdict: .corrupt, detail: "\(difference) (size and mtime unchanged)")
            }
            if place == .inside {
                return Outcome(verdict: .changed, detail: "modified during the backup window: \(difference)")
            }
            return Outcome(verdict: .corrupt, detail: difference + note)
        }
        if !EntryComparison.metadataEqual(b, r) {
            let difference = EntryComparison.metadataDifference(b, r)
            if place == .inside {
                return Outcome(verdict: .changed, detail: "modified during the backup window: \(difference)", verifiedBytes: verified(r))
            }
            return Outcome(verdict: .metadata, detail: difference + note, verifiedBytes: verified(r))
        }
        return Outcome(verdict: .match, detail: "", verifiedBytes: verified(r))
    }

    /// B equals P (or there is no P): R must equal it.
    private static func stable(_ s: ManifestEntry, _ name: String, _ r: ManifestEntry?) -> Outcome {
        guard let r else { return Outcome(verdict: .missing, detail: "absent from restored") }
        if !EntryComparison.contentEqual(s, r) {
            return Outcome(verdict: .corrupt, detail: EntryComparison.contentDifference(s, name, r, "restored"))
        }
        if !EntryComparison.metadataEqual(s, r) {
            return Outcome(verdict: .metadata, detail: EntryComparison.metadataDifference(s, r), verifiedBytes: verified(r))
        }
        return Outcome(verdict: .match, detail: "", verifiedBytes: verified(r))
    }

    /// `reuse-mismatch` when any present entry carries `reuseMismatch` (checked
    /// before every other rule: the other rules trust metadata that said
    /// "unchanged" over content that changed):
    /// `post: content differs from its reuse manifest behind unchanged size, mtime, ctime and inode (read sha256 1a2b3c4d…)`.
    static func reuseMismatch(_ entries: [(String, ManifestEntry?)]) -> Outcome? {
        var reasons: [String] = []
        for case let (name, e?) in entries where e.reuseMismatch {
            reasons.append("\(name): content differs from its reuse manifest behind unchanged size, mtime, ctime and inode"
                           + " (read sha256 \(EntryComparison.shortHash(e.sha256)))")
        }
        guard !reasons.isEmpty else { return nil }
        return Outcome(verdict: .reuseMismatch, detail: reasons.joined(separator: "; "))
    }

    /// `unverifiable` when any present entry has an error, is unstable, or is a
    /// file without a digest.
    private static func unverifiable(_ entries: [(String, ManifestEntry?)]) -> Outcome? {
        var reasons: [String] = []
        for case let (name, e?) in entries {
            if let error = e.error {
                reasons.append("\(name) error: \(error)")
            } else if e.unstable {
                reasons.append("\(name) unstable")
            } else if e.type == .file && e.sha256 == nil {
                reasons.append("\(name) has no sha256")
            }
        }
        guard !reasons.isEmpty else { return nil }
        return Outcome(verdict: .unverifiable, detail: reasons.joined(separator: "; "))
    }

    /// For a directory that carries an `error` on some side (its listing there
    /// is unknown), the detail every path below it gets:
    /// `restored could not read ancestor 'd': EACCES: Permission denied`.
    static func unreadableDirectory(_ entries: [(String, ManifestEntry?)]) -> String? {
        var reasons: [String] = []
        for case let (name, e?) in entries where e.type == .dir {
            if let error = e.error { reasons.append("\(name) could not read ancestor '\(e.displayPath)': \(error)") }
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    /// Allocation-free pre-check for ``unreadableDirectory(_:)``.
    @inline(__always)
    static func isUnreadableDirectory(_ e: ManifestEntry?) -> Bool {
        guard let e else { return false }
        return e.type == .dir && e.error != nil
    }

    @inline(__always)
    private static func isUnverifiable(_ e: ManifestEntry) -> Bool {
        e.error != nil || e.unstable || (e.type == .file && e.sha256 == nil)
    }

    /// Allocation-free pre-check for the common case.
    @inline(__always)
    private static func anyUnverifiable(_ b: ManifestEntry?, _ p: ManifestEntry?, _ r: ManifestEntry?) -> Bool {
        (b.map(isUnverifiable) ?? false) || (p.map(isUnverifiable) ?? false) || (r.map(isUnverifiable) ?? false)
    }

    /// `omitted` when every present entry of B/P is a FIFO or socket (R absent).
    private static func omitted(_ entries: [ManifestEntry?]) -> Outcome? {
        let present = entries.compactMap { $0 }
        guard let first = present.first,
              present.allSatisfy({ $0.type == .fifo || $0.type == .socket }) else { return nil }
        return Outcome(verdict: .omitted, detail: "\(first.type.rawValue) absent from restored (not backed up)")
    }

    private static func verified(_ r: ManifestEntry?) -> UInt64? {
        guard let r, r.type == .file else { return nil }
        return r.size
    }
}
