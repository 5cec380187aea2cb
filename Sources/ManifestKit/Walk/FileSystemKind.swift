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
        guard let table = readMountInfo(), let type = fileSystemType(of: dev, mountInfo: table) else { return .remote }
        return kind(type: type)
    }

    static func kind(type: String) -> FileSystemKind {
        let base = type.split(separator: ".", maxSplits: 1).first.map(String.init) ?? type
        return remoteTypes.contains(base) ? .remote : .local
    }

    /// The file-system type of the mount whose `major:minor` is `dev`'s, from
    /// `mountinfo` text (proc(5): field 3 is `major:minor`; the type follows ` - `).
    static func fileSystemType(of dev: UInt64, mountInfo: String) -> String? {
        let major = ((dev >> 8) & 0xFFF) | ((dev >> 32) & ~0xFFF)
        let minor = (dev & 0xFF) | ((dev >> 12) & ~0xFF)
        let wanted = "\(major):\(minor)"
        for line in mountInfo.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count > 3, fields[2] == wanted,
                  let dash = fields.firstIndex(of: "-"), dash + 1 < fields.count else { continue }
            return String(fields[dash + 1])
        }
        return nil
    }

    private static func readMountInfo() -> String? {
        let fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { return nil }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
