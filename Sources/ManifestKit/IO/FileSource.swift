import Glibc

/// Reads a file; its name (for error messages) is the path as given.
///
/// Not thread-safe: use from one thread at a time. The descriptor is closed on
/// deinit or ``close()``.
public final class FileSource: ByteSource {
    public let name: String
    private var fd: Int32

    /// Opens `path` for reading.
    /// - Throws: ``ManifestKitError`` `.io` (e.g. `ENOENT: No such file or directory`, `EISDIR: Is a directory`).
    public init(path: String) throws {
        name = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw ManifestKitError(.io, subject: path, reason: SystemError.describe(errno)) }
        var st = stat()
        if fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFDIR {
            Glibc.close(fd)
            fd = -1
            throw ManifestKitError(.io, subject: path, reason: SystemError.describe(EISDIR))
        }
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
    }

    deinit { close() }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard fd >= 0 else { return 0 }
        return try POSIXCalls.read(fd, buffer, subject: name)
    }

    /// Closes the file early; later reads return end of file.
    public func close() {
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
    }
}
