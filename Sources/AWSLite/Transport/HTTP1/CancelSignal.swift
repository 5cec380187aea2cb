import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wakes a blocking exchange from another thread: a pipe whose read end every
/// `poll` of the exchange watches. `cancel()` only takes this object's own lock and
/// writes one byte without blocking, so it is safe from a task-cancellation handler
/// (no queue hop, no wait on the exchange).
final class CancelSignal: @unchecked Sendable {
    // @unchecked Sendable: `cancelled` and `fds` are only touched under `lock`; the
    // pipe's ends are closed under the same lock, so `cancel()` never writes to a
    // closed (or reused) descriptor.
    private let lock = NSLock()
    private var cancelled = false
    private var fds: (read: Int32, write: Int32)?

    init() throws {
        var pair: [Int32] = [-1, -1]
        guard pipe(&pair) == 0 else {
            throw HTTPTransportError(stage: .notSent, message: "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        for fd in pair {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        fds = (pair[0], pair[1])
    }

    deinit { close() }

    /// The descriptor that becomes readable once `cancel()` was called; -1 after `close()`.
    var readFD: Int32 { lock.withLock { fds?.read ?? -1 } }

    var isCancelled: Bool { lock.withLock { cancelled } }

    func cancel() {
        lock.withLock {
            guard !cancelled else { return }
            cancelled = true
            if let fds {
                var byte: UInt8 = 1
                _ = write(fds.write, &byte, 1)
            }
        }
    }

    /// Closes the pipe (idempotent).
    func close() {
        lock.withLock {
            guard let open = fds else { return }
            fds = nil
            _ = systemClose(open.read)
            _ = systemClose(open.write)
        }
    }
}

#if canImport(Glibc)
@inline(__always) func systemClose(_ fd: Int32) -> Int32 { Glibc.close(fd) }
#else
@inline(__always) func systemClose(_ fd: Int32) -> Int32 { Darwin.close(fd) }
#endif
