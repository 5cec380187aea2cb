/// The kind of file-system object an entry describes (DESIGN.md §3).
public enum EntryType: String, Sendable, CaseIterable {
    case file, dir, symlink, fifo, socket, char, block
}

/// A device number (`st_rdev`) split as the kernel does: major and minor.
public struct DeviceNumber: Sendable, Equatable, CustomStringConvertible {
    public var major: UInt32
    public var minor: UInt32

    public init(major: UInt32, minor: UInt32) {
        self.major = major
        self.minor = minor
    }

    /// Linux's split of a 64-bit `dev_t` (glibc's `major()`/`minor()`).
    public init(rawValue dev: UInt64) {
        major = UInt32(truncatingIfNeeded: ((dev >> 8) & 0xfff) | ((dev >> 32) & ~UInt64(0xfff)))
        minor = UInt32(truncatingIfNeeded: (dev & 0xff) | ((dev >> 12) & ~UInt64(0xff)))
    }

    /// `1:3`.
    public var description: String { "\(major):\(minor)" }
}

/// One object below the manifest root: the entry line of manifest format v1.
///
/// Paths and symlink targets are raw bytes (any byte but `/` and NUL inside a
/// component); the codec writes them as `path`/`target` when they are valid UTF-8
/// and as `pathB64`/`targetB64` otherwise.
public struct ManifestEntry: Sendable, Equatable {
    /// Relative, `/`-separated path without a leading `./`.
    public var path: [UInt8]
    public var type: EntryType
    public var size: UInt64
    /// Permission and special bits (`st_mode & 0o7777`).
    public var mode: UInt32
    public var uid: UInt32
    public var gid: UInt32
    public var mtimeNs: Int64
    public var ctimeNs: Int64
    public var ino: UInt64
    public var nlink: UInt64
    /// Lower-case hex SHA-256 of the content (files only, absent on error).
    public var sha256: String?
    /// Symlink target bytes (symlinks only).
    public var target: [UInt8]?
    /// `"<errno name>: <message>"` when the object could not be read.
    public var error: String?
    /// The file's size, mtime or ctime changed while it was hashed.
    public var unstable: Bool
    /// The device number of a `char` or `block` entry (`rdevMajor`/`rdevMinor`;
    /// absent in manifests written before it was recorded).
    public var rdev: DeviceNumber?
    /// `"reuseMismatch":true`: a walk with a reuse manifest (`generate --reuse-from`)
    /// found this file's size, mtime, ctime and inode unchanged, read it anyway (the
    /// sample) and got other content than the reuse manifest recorded. `sha256` is
    /// the fresh digest. Only on stable `file` entries with a digest.
    public var reuseMismatch: Bool

    public init(
        path: [UInt8], type: EntryType, size: UInt64 = 0, mode: UInt32 = 0,
        uid: UInt32 = 0, gid: UInt32 = 0, mtimeNs: Int64 = 0, ctimeNs: Int64 = 0,
        ino: UInt64 = 0, nlink: UInt64 = 1, sha256: String? = nil, target: [UInt8]? = nil,
        error: String? = nil, unstable: Bool = false, rdev: DeviceNumber? = nil, reuseMismatch: Bool = false
    ) {
        self.reuseMismatch = reuseMismatch
        self.rdev = rdev
        self.path = path
        self.type = type
        self.size = size
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.mtimeNs = mtimeNs
        self.ctimeNs = ctimeNs
        self.ino = ino
        self.nlink = nlink
        self.sha256 = sha256
        self.target = target
        self.error = error
        self.unstable = unstable
    }

    /// The path as text for people (``HumanText/name(_:)-swift.type.method``:
    /// escaped and quoted when it needs it).
    public var displayPath: String { HumanText.name(path) }
}
