#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ManifestKit

/// Reads the event of `orchestrator handle`: a file, or stdin. Every failure is an
/// `OrchestratorError(.usage)` naming the file (or `stdin`) and the errno
/// (`missing.json: ENOENT: No such file or directory`, `stdin: EISDIR: Is a directory`),
/// never a trap.
public enum EventInput {
    /// At most this many bytes are read (an event is small; Lambda's limit is 6 MB).
    public static let limit = 64 << 20

    /// All of `path`'s bytes.
    public static func read(path: String) throws -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path, errno) }
        defer { close(fd) }
        return try readAll(fd, name: path)
    }

    /// All of stdin's bytes.
    @Sendable public static func readStandardInput() throws -> Data {
        try readAll(0, name: "stdin")
    }

    static func readAll(_ fd: Int32, name: String) throws -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure(name, errno)
            }
            if n == 0 { return data }
            data.append(contentsOf: buffer[0..<n])
            if data.count > limit {
                throw OrchestratorError(.usage, "\(HumanText.name(name)): larger than \(limit) bytes: not an event")
            }
        }
    }

    static func failure(_ name: String, _ code: Int32) -> OrchestratorError {
        OrchestratorError(.usage, "\(HumanText.name(name)): \(SystemError.describe(code))")
    }
}
