import Glibc

/// A file output that never replaces what is not a regular file.
///
/// The path named is resolved first: a symlink is followed (to its final
/// target, at most 40 links, relative targets against the link's directory)
/// and what it ends at decides how the bytes are written:
///
/// - a regular file, or nothing yet: atomically. Bytes go to a temporary file
///   in the destination's directory (created with `O_EXCL`), and ``finish()``
///   fsyncs it and renames it into place. ``abort()``, or dropping the sink
///   unfinished, unlinks the temporary file, so an interrupted run never leaves
///   a file that looks complete.
/// - a character or block device, a FIFO or a socket: directly. The object is
///   opened for writing and written as it is (no temporary file, no rename):
///   `/dev/null` stays a device, a reader waiting on a FIFO gets the bytes.
///   Opening a FIFO waits for its reader; a socket cannot be opened (`ENXIO`).
///   ``abort()`` only closes it (bytes written cannot be taken back; a reader
///   detects an interrupted manifest by its missing trailer).
/// - a directory: an error (`EISDIR`).
///
/// Errors read `<path>: ENOENT: No such file or directory` (`<path>: write:
/// ENOSPC: …` for a step after the open).
///
/// Not thread-safe: use from one thread at a time.
public final class FileSink: ByteSink {
    /// The destination path as given.
    public let path: String
    /// The temporary file written until ``finish()``; nil when the
    /// destination is written directly (a device, FIFO or socket).
    public let temporaryPath: String?
    /// The path actually written: ``path`` with its symlinks followed.
    public let resolvedPath: String
    private var fd: Int32
    private var state: State = .open

    private enum State { case open, finished, aborted }

    /// Opens the destination as described above (a new file gets mode 0644
    /// before umask).
    /// - Parameters:
    ///   - path: the destination.
    ///   - creating: called with the temporary file's path and the call that
    ///     creates it (returning the descriptor or -1 with `errno` set); it
    ///     must make that call and return its result. The executable uses it
    ///     to register the file for removal on a signal in the same step as
    ///     it appears. Not called for direct output.
    /// - Throws: ``ManifestKitError`` `.io` when it cannot be opened or created.
    public init(path: String, creating: (String, () -> Int32) -> Int32 = { $1() }) throws {
        self.path = path
        let (target, existing) = try Self.resolve(path)
        resolvedPath = target
        if let existing, existing.st_mode & S_IFMT != S_IFREG {
            guard existing.st_mode & S_IFMT != S_IFDIR else {
                throw ManifestKitError(.io, subject: path, reason: SystemError.describe(EISDIR))
            }
            temporaryPath = nil
            fd = open(target, O_WRONLY | O_NOCTTY | O_CLOEXEC)
            if fd < 0 { throw ManifestKitError(.io, subject: path, reason: SystemError.describe(errno)) }
            return
        }
        let slash = target.lastIndex(of: "/")
        let dir = slash.map { String(target[...$0]) } ?? ""
        let base = slash.map { String(target[target.index(after: $0)...]) } ?? target
        guard !base.isEmpty else {
            throw ManifestKitError(.invalidArgument, subject: path, reason: "not a file name")
        }
        let tag = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let temporary = "\(dir).\(base).tmp-\(getpid())-\(tag)"
        temporaryPath = temporary
        fd = creating(temporary) { open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
        if fd < 0 { throw ManifestKitError(.io, subject: path, reason: SystemError.describe(errno)) }
    }

    deinit { if state == .open { abort() } }

    /// Whether the destination is written in place (a device, FIFO or socket).
    public var isDirect: Bool { temporaryPath == nil }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard state == .open else { throw closedError() }
        try POSIXCalls.writeAll(fd, bytes, subject: temporaryPath ?? path)
    }

    /// Atomic output: fsyncs and closes the temporary file, renames it to the
    /// destination and fsyncs the directory (on failure the temporary file is
    /// removed). Direct output: closes it.
    public func finish() throws {
        guard state == .open else { throw closedError() }
        guard let temporaryPath else {
            state = .finished
            let rc = close(fd)
            fd = -1
            if rc != 0 { throw POSIXCalls.error(path, "close") }
            return
        }
        do {
            if fsync(fd) != 0 { throw POSIXCalls.error(temporaryPath, "fsync") }
            let rc = close(fd)
            fd = -1
            if rc != 0 { throw POSIXCalls.error(temporaryPath, "close") }
            if rename(temporaryPath, resolvedPath) != 0 { throw POSIXCalls.error(path, "rename") }
        } catch {
            abort()
            throw error
        }
        state = .finished
        syncDirectory()
    }

    /// Closes and unlinks the temporary file; nothing appears at ``path``.
    /// Direct output is only closed.
    public func abort() {
        guard state == .open else { return }
        state = .aborted
        if fd >= 0 { close(fd); fd = -1 }
        if let temporaryPath { unlink(temporaryPath) }
    }

    /// The path a sink for `path` writes: `path` with its symlinks followed.
    /// - Throws: ``ManifestKitError`` `.io` for a symlink loop or an unreadable link.
    public static func destination(of path: String) throws -> String {
        try resolve(path).0
    }

    /// Follows `path`'s symlinks to the object finally named: its path and
    /// `lstat`, or nil when nothing exists there yet.
    static func resolve(_ path: String) throws -> (String, stat?) {
        var current = path
        for _ in 0..<40 {
            var st = stat()
            if lstat(current, &st) != 0 {
                let code = errno
                if code == ENOENT { return (current, nil) }
                throw ManifestKitError(.io, subject: path, reason: SystemError.describe(code))
            }
            guard st.st_mode & S_IFMT == S_IFLNK else { return (current, st) }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, buffer.count - 1)
            guard n >= 0 else { throw ManifestKitError(.io, subject: path, reason: SystemError.describe(errno)) }
            let target = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if target.hasPrefix("/") {
                current = target
            } else if let slash = current.lastIndex(of: "/") {
                current = String(current[...slash]) + target
            } else {
                current = target
            }
        }
        throw ManifestKitError(.io, subject: path, reason: SystemError.describe(ELOOP))
    }

    private func syncDirectory() {
        let slash = resolvedPath.lastIndex(of: "/")
        let dir = slash.map { $0 == resolvedPath.startIndex ? "/" : String(resolvedPath[..<$0]) } ?? "."
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }

    private func closedError() -> ManifestKitError {
        ManifestKitError(.io, subject: path, reason: "write after the output was \(state == .finished ? "finished" : "aborted")")
    }
}
