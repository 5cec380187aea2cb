import Glibc

/// Writes to standard output (`-o -`). ``finish()`` does nothing more than the
/// writes did and ``abort()`` cannot take bytes back: a consumer detects an
/// interrupted stream by its missing trailer.
public final class StandardOutputSink: ByteSink {
    private let fd: Int32

    /// - Parameter fd: the descriptor to write to (standard output by default).
    public init(fd: Int32 = STDOUT_FILENO) { self.fd = fd }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        try POSIXCalls.writeAll(fd, bytes, subject: "<stdout>")
    }

    public func finish() throws {}

    public func abort() {}
}

/// Reads from standard input (a manifest named `-`); its name is `<stdin>`.
public final class StandardInputSource: ByteSource {
    private let fd: Int32
    public let name: String

    /// - Parameters:
    ///   - fd: the descriptor to read (standard input by default).
    ///   - name: the name used in error messages.
    public init(fd: Int32 = STDIN_FILENO, name: String = "<stdin>") {
        self.fd = fd
        self.name = name
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try POSIXCalls.read(fd, buffer, subject: name)
    }
}
