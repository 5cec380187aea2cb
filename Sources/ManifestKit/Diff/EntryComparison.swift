/// What the diff compares between two entries of the same path (DESIGN.md §4).
///
/// Content: (type, size, sha256) for files, (type, target) for symlinks, (type,
/// device number) for character and block devices (when both entries carry
/// one: manifests written before it was recorded do not), type for the rest. Metadata, compared only when the types match: files mode,
/// uid, gid, mtime; directories and FIFOs, sockets, devices mode, uid, gid;
/// symlinks uid, gid (Linux symlink modes are always 0777 and restores do not
/// reliably keep symlink mtimes). Inode, link count and ctime are never compared.
enum EntryComparison {
    static func contentEqual(_ a: ManifestEntry, _ b: ManifestEntry) -> Bool {
        guard a.type == b.type else { return false }
        switch a.type {
        case .file: return a.size == b.size && a.sha256 == b.sha256
        case .symlink: return a.target == b.target
        case .char, .block: return a.rdev == nil || b.rdev == nil || a.rdev == b.rdev
        case .dir, .fifo, .socket: return true
        }
    }

    static func metadataEqual(_ a: ManifestEntry, _ b: ManifestEntry) -> Bool {
        guard a.type == b.type else { return false }
        switch a.type {
        case .file: return a.mode == b.mode && a.uid == b.uid && a.gid == b.gid && a.mtimeNs == b.mtimeNs
        case .symlink: return a.uid == b.uid && a.gid == b.gid
        case .dir, .fifo, .socket, .char, .block: return a.mode == b.mode && a.uid == b.uid && a.gid == b.gid
        }
    }

    /// Same content and metadata; two absences are equal too.
    static func versionEqual(_ a: ManifestEntry?, _ b: ManifestEntry?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (a?, b?): return contentEqual(a, b) && metadataEqual(a, b)
        default: return false
        }
    }

    /// `"sha256 differs: baseline 1a2b3c4d… restored 9f8e7d6c…"` and the like.
    static func contentDifference(_ a: ManifestEntry, _ aName: String, _ b: ManifestEntry, _ bName: String) -> String {
        if a.type != b.type {
            return "type differs: \(aName) \(a.type.rawValue) \(bName) \(b.type.rawValue)"
        }
        switch a.type {
        case .file:
            if a.size != b.size { return "size differs: \(aName) \(a.size) \(bName) \(b.size)" }
            return "sha256 differs: \(aName) \(shortHash(a.sha256)) \(bName) \(shortHash(b.sha256))"
        case .symlink:
            return "target differs: \(aName) '\(shortText(a.target))' \(bName) '\(shortText(b.target))'"
        case .char, .block:
            if let x = a.rdev, let y = b.rdev, x != y { return "device number differs: \(aName) \(x) \(bName) \(y)" }
            return "content equal"
        case .dir, .fifo, .socket:
            return "content equal"
        }
    }

    /// `"mode 0644 → 0600, uid 1000 → 0"`: each differing metadata field, `a` → `b`.
    static func metadataDifference(_ a: ManifestEntry, _ b: ManifestEntry) -> String {
        var parts: [String] = []
        if a.type != .symlink && a.mode != b.mode { parts.append("mode \(octal(a.mode)) → \(octal(b.mode))") }
        if a.uid != b.uid { parts.append("uid \(a.uid) → \(b.uid)") }
        if a.gid != b.gid { parts.append("gid \(a.gid) → \(b.gid)") }
        if a.type == .file && a.mtimeNs != b.mtimeNs {
            parts.append("mtime \(seconds(a.mtimeNs)) → \(seconds(b.mtimeNs))")
        }
        return parts.isEmpty ? "metadata equal" : parts.joined(separator: ", ")
    }

    /// The first 8 hex digits and an ellipsis (`"none"` when absent).
    static func shortHash(_ hex: String?) -> String {
        guard let hex else { return "none" }
        return hex.count > 8 ? String(hex.prefix(8)) + "…" : hex
    }

    /// Text of raw bytes, cut at 64 characters.
    static func shortText(_ bytes: [UInt8]?) -> String {
        let s = String(decoding: bytes ?? [], as: UTF8.self)
        return s.count > 64 ? String(s.prefix(64)) + "…" : s
    }

    /// Four-digit octal: `0644`, `4755`.
    static func octal(_ mode: UInt32) -> String {
        let s = String(mode, radix: 8)
        return s.count >= 4 ? s : String(repeating: "0", count: 4 - s.count) + s
    }

    /// Nanoseconds since the epoch as seconds with nine decimals: `1700000000.500000000`.
    static func seconds(_ ns: Int64) -> String {
        let negative = ns < 0
        let magnitude = ns.magnitude
        let whole = magnitude / 1_000_000_000, frac = String(magnitude % 1_000_000_000)
        return (negative ? "-" : "") + "\(whole)." + String(repeating: "0", count: 9 - frac.count) + frac
    }
}
