#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the command writes: stdout for results, stderr for errors and
/// progress. Injected so that commands never touch the process's descriptors
/// directly.
struct Console: Sendable {
    /// Writes text to stdout.
    var out: @Sendable (String) -> Void
    /// Writes text to stderr.
    var err: @Sendable (String) -> Void
    /// Writes raw bytes to stdout (a manifest written to `-`).
    var outBytes: @Sendable (UnsafeRawBufferPointer) throws -> Void
    /// True when stdout is a terminal.
    var stdoutIsTerminal: Bool
    /// True when stderr is a terminal (progress is shown only then).
    var stderrIsTerminal: Bool
    /// The terminal's width in columns, when stderr is a terminal.
    var terminalWidth: @Sendable () -> Int

    /// The process's real stdout and stderr.
    static func standard() -> Console {
        Console(
            out: { writeAll(1, $0) },
            err: { writeAll(2, $0) },
            outBytes: { try writeAll(1, $0) },
            stdoutIsTerminal: isatty(1) == 1,
            stderrIsTerminal: isatty(2) == 1,
            terminalWidth: {
                var size = winsize()
                if ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
                return 80
            }
        )
    }
}

/// Writes all of `text` to `fd`, ignoring failures (used for messages).
private func writeAll(_ fd: Int32, _ text: String) {
    var text = text
    text.withUTF8 { buffer in try? writeAll(fd, UnsafeRawBufferPointer(buffer)) }
}

/// Writes all of `bytes` to `fd`, retrying short writes and EINTR.
private func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws {
    var offset = 0
    while offset < bytes.count {
        let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if n < 0 {
            if errno == EINTR { continue }
            if errno == EPIPE {
                // The reader went away (`| head`): end as a tool killed by SIGPIPE would.
                signal(SIGPIPE, SIG_DFL)
                raise(SIGPIPE)
            }
            let code = errno
            throw CLIError("stdout", String(cString: strerror(code)))
        }
        offset += n
    }
}
