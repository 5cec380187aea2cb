import ManifestKit

/// The readable form `show` prints (pure formatting). Names and texts from the
/// manifest go through ``HumanText`` (escaped, and quoted when escaped).
///
/// ```
/// # manifest efs-backup-verifier/1  role local  started 2026-11-22T00:41:21Z  tool manifest-worker 0.1.0 (commit 044fa800c967, 2026-12-02)
/// dir             4096  0755 0:0  2026-11-22T00:40:02Z  -                 docs
/// file            1234  0644 1000:1000  2026-11-22T00:40:02Z  3a7bd3e2360a3d29  docs/a.txt
/// symlink            5  0777 0:0  2026-11-22T00:40:02Z  -                 docs/l -> a.txt
/// # 3 entries: 1 files, 1 dirs, 1 symlinks, 0 others, 1234 bytes, 0 errors, 0 unstable
/// # completed 2026-11-22T00:40:03Z  entriesSha256 9f86d081884c7d65…  valid
/// ```
enum ShowFormat {
    static func headerLine(_ header: ManifestHeader) -> String {
        var line = "# manifest \(ManifestHeader.formatTag)  role \(header.role.rawValue)  started \(WallClock.utcSeconds(header.startedAtNs))  tool \(HumanText.line(header.tool))"
        if let root = header.root { line += "  root \(HumanText.name(root))" }
        if let id = header.fileSystemId { line += "  fileSystemId \(HumanText.name(id))" }
        if let arn = header.recoveryPointArn { line += "  recoveryPointArn \(HumanText.name(arn))" }
        if header.shardCount != 1 { line += "  shard \(header.shardIndex)/\(header.shardCount)" }
        return line
    }

    /// One entry: type, size, mode, owner, mtime, hash prefix (`dev 1:3` for a
    /// device), path (+ target,
    /// error, unstable, reuse mismatch).
    static func entryLine(_ entry: ManifestEntry) -> String {
        let type = entry.type.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
        let size = String(entry.size)
        let paddedSize = String(repeating: " ", count: max(0, 12 - size.count)) + size
        let octal = String(entry.mode, radix: 8)
        let mode = String(repeating: "0", count: max(0, 4 - octal.count)) + octal
        let digest = entry.sha256.map { String($0.prefix(16)) } ?? entry.rdev.map { "dev \($0)" } ?? "-"
        let hash = digest.padding(toLength: 16, withPad: " ", startingAt: 0)
        var line = "\(type) \(paddedSize)  \(mode) \(entry.uid):\(entry.gid)  \(WallClock.utcSeconds(entry.mtimeNs))  \(hash)  \(HumanText.name(entry.path))"
        if let target = entry.target { line += " -> \(HumanText.name(target))" }
        if let error = entry.error { line += "  [error: \(HumanText.line(error))]" }
        if entry.unstable { line += "  [unstable]" }
        if entry.reuseMismatch { line += "  [reuse mismatch]" }
        return line
    }

    static func trailerLines(_ trailer: ManifestTrailer) -> [String] {
        [
            "# \(trailer.entries) entries: \(trailer.files) files, \(trailer.dirs) dirs, \(trailer.symlinks) symlinks, "
                + "\(trailer.others) others, \(trailer.bytes) bytes, \(trailer.errors) errors, \(trailer.unstable) unstable"
                + (trailer.reuse.map { ", \($0.reused) reused, \($0.sampled) sampled, \($0.mismatches) reuse mismatches (seed \($0.seed))" } ?? ""),
            "# completed \(WallClock.utcSeconds(trailer.completedAtNs))  entriesSha256 \(trailer.entriesSha256)  valid",
        ]
    }

    /// The `sha256sum` line of a regular file with a digest (nil for anything
    /// else): `<sha256>  <path>\n`, the path's bytes as they are. As coreutils
    /// writes it, a path holding `\\`, a line feed or a carriage return is escaped
    /// (`\\\\`, `\\n`, `\\r`) and the line starts with `\\`.
    static func sha256sumLine(_ entry: ManifestEntry) -> [UInt8]? {
        guard entry.type == .file, let sha = entry.sha256 else { return nil }
        let needsEscape = entry.path.contains { $0 == 0x5C || $0 == 0x0A || $0 == 0x0D }
        var line: [UInt8] = needsEscape ? [0x5C] : []
        line.append(contentsOf: Array(sha.utf8))
        line.append(contentsOf: [0x20, 0x20])
        for byte in entry.path {
            switch byte {
            case 0x5C where needsEscape: line.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: line.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: line.append(contentsOf: [0x5C, 0x72])
            default: line.append(byte)
            }
        }
        line.append(0x0A)
        return line
    }
}
