import Glibc

/// Whether a file system answers from local memory or over a network (or
/// through a user-space daemon), judged by its type in `/proc/self/mountinfo`
/// (the line whose `major:minor` is the walk root's `st_dev`). The walker hands
/// out one name per job on remote ones, where every call waits for a round trip
/// and names must spread over all threads, and small batches on local ones,
/// where a hand-over between threads costs as much as a small file.
enum FileSystemKind: Equatable {
    case local, remote

    /// Network and user-space file system types (`fuse.*` included).
    static let remoteTypes: Set<String> = [
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "ceph", "9p", "afs", "lustre", "gpfs", "glusterfs",
        "fuse", "fuseblk", "beegfs", "ocfs2", "gfs2",
    ]

    /// The kind of the file system of device `dev`; `.remote` (the cautious
    /// choice) when the mount table cannot be read or has no such device.
    static func of(dev: UInt64) -> FileSystemKind {
        guard let source = try? FileSource(path: "/proc/self/mountinfo") else { return .remote }
        let lines = LineReader(source: source, maxLineLength: 1 << 16)
        let wanted = deviceNumbers(dev)
        while let line = try? lines.nextLine() {
            if let type = fileSystemType(wanted, line: String(decoding: line.dropLast(), as: UTF8.self)) {
                return kind(type: type)
            }
        }
        return .remote
    }

    static func kind(type: String) -> FileSystemKind {
        let base = type.split(separator: ".", maxSplits: 1).first.map(String.init) ?? type
        return remoteTypes.contains(base) ? .remote : .local
    }

    /// The file-system type of the mount whose `major:minor` is `dev`'s, from
    /// `mountinfo` text (proc(5): field 3 is `major:minor`; the type follows ` - `).
    static func fileSystemType(of dev: UInt64, mountInfo: String) -> String? {
        let wanted = deviceNumbers(dev)
        for line in mountInfo.split(separator: "\n") {
            if let type = fileSystemType(wanted, line: line) { return type }
        }
        return nil
    }

    /// `major:minor` of `dev` as `mountinfo` writes it (glibc's `major`/`minor`).
    private static func deviceNumbers(_ dev: UInt64) -> String {
        let major = ((dev >> 8) & 0xFFF) | ((dev >> 32) & ~0xFFF)
        let minor = (dev & 0xFF) | ((dev >> 12) & ~0xFF)
        return "\(major):\(minor)"
    }

    /// The type on one `mountinfo` line when its device is `wanted`.
    private static func fileSystemType<Line: StringProtocol>(_ wanted: String, line: Line) -> String? {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count > 3, fields[2] == wanted,
              let dash = fields.firstIndex(of: "-"), dash + 1 < fields.count else { return nil }
        return String(fields[dash + 1])
    }
}
