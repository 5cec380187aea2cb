import Glibc

/// Small checked wrappers over the POSIX calls the sinks and sources use.
enum POSIXCalls {
    /// The `strerror` text of `code`.
    static func message(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// A ManifestKitError `.io` reading `<subject>: <operation>: <ERRNO>: <strerror>`
    /// (`out.gz: write: ENOSPC: No space left on device`).
    static func error(_ subject: String, _ operation: String, _ code: Int32 = errno) -> ManifestKitError {
        ManifestKitError(.io, subject: subject, reason: "\(operation): \(SystemError.describe(code))")
    }

    /// Writes all of `bytes` to `fd`, retrying on EINTR and short writes.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, subject: String) throws {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw error(subject, "write")
            }
            done += n
        }
    }

    /// One `read(2)`, retrying on EINTR; 0 at end of file.
    static func read(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, subject: String) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        while true {
            let n = Glibc.read(fd, buffer.baseAddress!, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw error(subject, "read")
        }
    }
}
