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
        let seconds = Int64(time.tv_sec)
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, carry) = scaled.addingReportingOverflow(Int64(time.tv_nsec))
        if carry { return time.tv_nsec < 0 ? .min : .max }
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

    /// `fstat(fd)`, or the `errno`.
    static func of(fd: Int32) -> Result<FileStat, Errno> {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(Errno(errno)) }
        return .success(FileStat(st))
    }

    /// `fstatat(dirfd, name, AT_SYMLINK_NOFOLLOW)`, or the `errno`.
    static func at(_ dirfd: Int32, _ name: UnsafePointer<CChar>) -> Result<FileStat, Errno> {
        var st = stat()
        guard fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { return .failure(Errno(errno)) }
        return .success(FileStat(st))
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
