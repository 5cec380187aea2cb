extension ManifestEntry {
    /// Why this entry may not appear in a manifest, or nil when it may.
    ///
    /// The rules (docs/manifest-format.md, "Entry rules"): a valid path; `mode`
    /// at most `0o7777`; `sha256` only on files, 64 lower-case hex digits, never
    /// with `error`; a file has `sha256` or `error`; `target` only on symlinks; a
    /// symlink has `target` or `error`; `rdevMajor`/`rdevMinor` only on `char` and
    /// `block` entries; `reuseMismatch` only on a stable file with `sha256`. Writers refuse such entries and readers
    /// reject lines that decode to them.
    public var problem: String? { problem(digestChecked: false) }

    /// ``problem``, skipping the digest's form when the decoder has checked it.
    func problem(digestChecked: Bool) -> String? {
        if let p = ManifestPath.problem(path) { return "path \(JSONText.quoted(path)) \(p)" }
        if mode > 0o7777 { return "\"mode\" is out of range" }
        if let sha256 {
            guard digestChecked || ManifestEntry.isSHA256Hex(sha256) else { return "\"sha256\" must be 64 lower-case hex digits" }
            guard type == .file else { return "\"sha256\" on a \(type.rawValue) entry" }
            guard error == nil else { return "\"sha256\" together with \"error\"" }
        } else if type == .file && error == nil {
            return "file entry without \"sha256\" or \"error\""
        }
        if reuseMismatch {
            guard type == .file else { return "\"reuseMismatch\" on a \(type.rawValue) entry" }
            guard sha256 != nil else { return "\"reuseMismatch\" without \"sha256\"" }
            guard !unstable else { return "\"reuseMismatch\" together with \"unstable\"" }
        }
        if rdev != nil && type != .char && type != .block {
            return "\"rdevMajor\" on a \(type.rawValue) entry"
        }
        if target != nil {
            guard type == .symlink else { return "\"target\" on a \(type.rawValue) entry" }
        } else if type == .symlink && error == nil {
            return "symlink entry without \"target\" or \"error\""
        }
        return nil
    }

    /// True for exactly 64 lower-case hexadecimal digits.
    public static func isSHA256Hex(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { isSHA256Hex($0) }
    }

    @inline(__always)
    static func isSHA256Hex(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
        guard u.count == 64, let base = u.baseAddress else { return false }
        return ByteScan.isLowerHex64(base)
    }
}
