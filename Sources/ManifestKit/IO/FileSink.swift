import Glibc

/// An atomic file output: bytes go to a temporary file in the destination's
/// directory (created with `O_EXCL`), and ``finish()`` fsyncs it and renames it
/// into place. ``abort()``, or dropping the sink unfinished, unlinks the
/// temporary file, so an interrupted run never leaves a file that looks complete.
///
/// Not thread-safe: use from one thread at a time.
public final class FileSink: ByteSink, @unchecked Sendable {
    /// The destination path.
    public let path: String
    /// The temporary file written until ``finish()``.
    public let temporaryPath: String
    private var fd: Int32
    private var state: State = .open

    private enum State { case open, finished, aborted }

    /// Creates the temporary file next to `path` (mode 0644 before umask).
    /// - Throws: ``ManifestKitError`` `.io` when the file cannot be created.
    public init(path: String) throws {
        self.path = path
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[...$0]) } ?? ""
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !base.isEmpty else {
            throw ManifestKitError(.invalidArgument, subject: path, reason: "not a file name")
        }
        let tag = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        temporaryPath = "\(dir).\(base).tmp-\(getpid())-\(tag)"
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 { throw POSIXCalls.error(temporaryPath, "open") }
    }

    deinit { if state == .open { abort() } }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard state == .open else { throw closedError() }
        try POSIXCalls.writeAll(fd, bytes, subject: temporaryPath)
    }

    /// fsyncs and closes the temporary file, renames it to ``path`` and fsyncs
    /// the directory. On failure the temporary file is removed.
    public func finish() throws {
        guard state == .open else { throw closedError() }
        do {
            if fsync(fd) != 0 { throw POSIXCalls.error(temporaryPath, "fsync") }
            let rc = close(fd)
            fd = -1
            if rc != 0 { throw POSIXCalls.error(temporaryPath, "close") }
            if rename(temporaryPath, path) != 0 { throw POSIXCalls.error(path, "rename") }
        } catch {
            abort()
            throw error
        }
        state = .finished
        syncDirectory()
    }

    /// Closes and unlinks the temporary file; nothing appears at ``path``.
    public func abort() {
        guard state == .open else { return }
        state = .aborted
        if fd >= 0 { close(fd); fd = -1 }
        unlink(temporaryPath)
    }

    private func syncDirectory() {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
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
