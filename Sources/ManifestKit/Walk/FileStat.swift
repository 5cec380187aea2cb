import Glibc

/// The fields of `struct stat` a manifest entry needs.
struct FileStat: Equatable {
    var mode: UInt32
    var dev: UInt64
    var ino: UInt64
    var nlink: UInt64
    /// `st_rdev` (the device number of a character or block device).
    var rdev: UInt64
    var uid: UInt32
    var gid: UInt32
    var size: UInt64
    var mtimeNs: Int64
    var ctimeNs: Int64

    init(mode: UInt32, dev: UInt64, ino: UInt64, nlink: UInt64, rdev: UInt64, uid: UInt32, gid: UInt32,
         size: UInt64, mtimeNs: Int64, ctimeNs: Int64) {
        self.mode = mode
        self.dev = dev
        self.ino = ino
        self.nlink = nlink
        self.rdev = rdev
        self.uid = uid
        self.gid = gid
        self.size = size
        self.mtimeNs = mtimeNs
        self.ctimeNs = ctimeNs
    }

    init(_ st: stat) {
        mode = UInt32(st.st_mode)
        dev = UInt64(st.st_dev)
        ino = UInt64(st.st_ino)
        nlink = UInt64(st.st_nlink)
        rdev = UInt64(st.st_rdev)
        uid = UInt32(st.st_uid)
        gid = UInt32(st.st_gid)
        size = UInt64(max(0, Int64(st.st_size)))
        mtimeNs = FileStat.nanoseconds(st.st_mtim)
        ctimeNs = FileStat.nanoseconds(st.st_ctim)
    }

    /// Nanoseconds since the epoch, clamped to what an `Int64` holds (years 1677 to 2262):
    /// a file system that reports a time outside that range gets the nearest end, never a
    /// wrapped value (docs/manifest-format.md, "Times").
    static func nanoseconds(_ time: timespec) -> Int64 {
        nanoseconds(seconds: Int64(time.tv_sec), nanoseconds: Int64(time.tv_nsec))
    }

    static func nanoseconds(seconds: Int64, nanoseconds: Int64) -> Int64 {
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, carry) = scaled.addingReportingOverflow(nanoseconds)
        if carry { return nanoseconds < 0 ? .min : .max }
        return sum
    }

    /// The file-type bits (`st_mode & S_IFMT`).
    var format: UInt32 { mode & 0o170000 }
    var isRegular: Bool { format == 0o100000 }

    var entryType: EntryType {
        switch format {
        case 0o100000: return .file
        case 0o040000: return .dir
        case 0o120000: return .symlink
        case 0o010000: return .fifo
        case 0o140000: return .socket
        case 0o020000: return .char
        case 0o060000: return .block
        default: return .file
        }
    }

    /// Same object, same size, mtime and ctime (what "unchanged while hashed" means).
    func sameContentStamp(_ other: FileStat) -> Bool {
        size == other.size && mtimeNs == other.mtimeNs && ctimeNs == other.ctimeNs
    }

    /// An entry for `path` carrying this metadata (`size` as `st_size`, whatever
    /// the type; the device number for character and block devices).
    func entry(path: [UInt8]) -> ManifestEntry {
        let type = entryType
        return ManifestEntry(
            path: path, type: type, size: size, mode: mode & 0o7777, uid: uid, gid: gid,
            mtimeNs: mtimeNs, ctimeNs: ctimeNs, ino: ino, nlink: nlink,
            rdev: type == .char || type == .block ? DeviceNumber(rawValue: rdev) : nil)
    }

    /// `fstat(fd)`, or the `errno` — asked as `statx` for the recorded fields only, so NFS
    /// need not revalidate an atime a read made stale (``Statx``).
    static func of(fd: Int32) -> Result<FileStat, Errno> {
        Statx.stat(fd, "", flags: Statx.emptyPath)
    }

    /// `fstatat(dirfd, name, AT_SYMLINK_NOFOLLOW)`, or the `errno` (as `statx`, like ``of(fd:)``).
    static func at(_ dirfd: Int32, _ name: UnsafePointer<CChar>) -> Result<FileStat, Errno> {
        Statx.stat(dirfd, name, flags: AT_SYMLINK_NOFOLLOW)
    }
}

/// A failed system call's `errno`.
struct Errno: Error, Equatable {
    var code: Int32
    init(_ code: Int32) { self.code = code }
    var text: String { SystemError.describe(code) }
}

/// The entry type a `readdir` `d_type` announces (a hint only: the walker stats anyway).
func entryType(dtype: UInt8) -> EntryType {
    switch Int32(dtype) {
    case Int32(DT_DIR): return .dir
    case Int32(DT_LNK): return .symlink
    case Int32(DT_FIFO): return .fifo
    case Int32(DT_SOCK): return .socket
    case Int32(DT_CHR): return .char
    case Int32(DT_BLK): return .block
    default: return .file
    }
}
