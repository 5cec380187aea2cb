import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Time limits of one exchange, on the monotonic clock.
struct ExchangeTimer {
    /// The longest wait for any progress (a byte read or written).
    let idleTimeout: TimeInterval
    /// When the whole exchange must have ended (the caller's deadline), if any.
    let deadline: UInt64?

    init(idleTimeout: TimeInterval, deadline: Date?, nowDate: Date = Date()) {
        self.idleTimeout = idleTimeout
        if let deadline {
            let left = deadline.timeIntervalSince(nowDate)
            self.deadline = Self.now() &+ Self.nanoseconds(max(0, left))
        } else {
            self.deadline = nil
        }
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Seconds as nanoseconds: 0 for anything not above 0 (NaN included), capped at
    /// 10^18 (about 30 years; `.infinity` means "no limit").
    static func nanoseconds(_ seconds: TimeInterval) -> UInt64 {
        guard seconds > 0 else { return 0 }
        guard seconds.isFinite, seconds < 1e9 else { return 1_000_000_000_000_000_000 }
        return UInt64(seconds * 1e9)
    }

    /// Seconds left before the deadline (nil: none).
    func secondsToDeadline() -> TimeInterval? {
        guard let deadline else { return nil }
        let now = Self.now()
        return deadline > now ? Double(deadline - now) / 1e9 : 0
    }
}

/// A wait that ended without progress.
enum WaitFailure: Error {
    /// No progress for `seconds`.
    case idle(seconds: TimeInterval)
    /// The caller's deadline passed.
    case deadline
    case cancelled
}

/// A connected, non-blocking TCP socket whose every wait watches the cancel signal,
/// the idle timeout and the deadline.
final class SocketConnection {
    let fd: Int32
    let cancel: CancelSignal
    var timer: ExchangeTimer

    private init(fd: Int32, cancel: CancelSignal, timer: ExchangeTimer) {
        self.fd = fd
        self.cancel = cancel
        self.timer = timer
    }

    deinit { _ = systemClose(fd) }

    /// Resolves `host` (see `Resolver`) and connects to the first address that answers;
    /// `timeout` bounds the lookup and, separately, all connection attempts together.
    ///
    /// - Throws: `HTTPTransportError(.notSent)` naming the host and the reason, or
    ///   `CancellationError`.
    static func connect(host: String, port: Int, timeout: TimeInterval, timer: ExchangeTimer, cancel: CancelSignal) throws -> SocketConnection {
        let addresses = try Resolver.resolve(host: host, port: port, timeout: timeout, cancel: cancel)
        let until = ExchangeTimer.now() &+ ExchangeTimer.nanoseconds(timeout)
        var problem = "no address"
        for address in addresses {
            let fd = socket(address.family, address.socketType, address.socketProtocol)
            guard fd >= 0 else {
                problem = String(cString: strerror(errno))
                continue
            }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            #if canImport(Darwin)
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
            #endif
            let connection = SocketConnection(fd: fd, cancel: cancel, timer: timer)
            var storage = address.storage
            let connected = withUnsafePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { systemConnect(fd, $0, address.length) }
            }
            if connected == 0 { return connection }
            guard errno == EINPROGRESS else {
                problem = String(cString: strerror(errno))
                continue
            }
            let left = until > ExchangeTimer.now() ? Double(until - ExchangeTimer.now()) / 1e9 : 0
            do {
                try connection.wait(forWriting: true, idle: left)
            } catch WaitFailure.idle {
                throw HTTPTransportError(stage: .notSent, message: "timed out after \(Self.seconds(timeout)) connecting to \(host)")
            } catch WaitFailure.deadline {
                throw HTTPTransportError(stage: .notSent, message: "the deadline passed while connecting to \(host)", retryable: false)
            } catch WaitFailure.cancelled {
                throw CancellationError()
            }
            var code: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length)
            if code == 0 { return connection }
            problem = String(cString: strerror(code))
        }
        throw HTTPTransportError(stage: .notSent, message: "cannot connect to \(host):\(port): \(problem)")
    }

    /// "10 s", "0.5 s".
    static func seconds(_ value: TimeInterval) -> String {
        value.isFinite && value == value.rounded() && abs(value) < 1e9 ? "\(Int(value)) s" : "\(value) s"
    }

    /// Waits until the socket is readable (or writable), the idle timeout (or `idle`)
    /// passes, the deadline passes, or the exchange is cancelled.
    func wait(forWriting: Bool, idle: TimeInterval? = nil) throws {
        let idleSeconds = idle ?? timer.idleTimeout
        let idleEnd = ExchangeTimer.now() &+ ExchangeTimer.nanoseconds(idleSeconds)
        while true {
            if cancel.isCancelled { throw WaitFailure.cancelled }
            let now = ExchangeTimer.now()
            if let deadline = timer.deadline, now >= deadline { throw WaitFailure.deadline }
            if now >= idleEnd { throw WaitFailure.idle(seconds: idleSeconds) }
            var end = idleEnd
            if let deadline = timer.deadline { end = min(end, deadline) }
            let milliseconds = Int32(clamping: (end - now + 999_999) / 1_000_000)
            let events = Int16(forWriting ? POLLOUT : POLLIN)
            var fds = [pollfd(fd: fd, events: events, revents: 0), pollfd(fd: cancel.readFD, events: Int16(POLLIN), revents: 0)]
            let count = poll(&fds, nfds_t(fds.count), milliseconds)
            if count < 0 {
                if errno == EINTR { continue }
                return  // let the read or write report the error
            }
            if fds[1].revents != 0 { throw WaitFailure.cancelled }
            if fds[0].revents != 0 { return }
        }
    }

    /// Reads what is available (waiting for it); 0 at end of stream.
    /// - Throws: `WaitFailure`, or `SocketFailure` with errno.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let count = recv(fd, buffer.baseAddress, buffer.count, 0)
            if count >= 0 { return count }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: try wait(forWriting: false)
            default: throw SocketFailure(code: errno)
            }
        }
    }

    /// Writes some of `bytes` (waiting until possible); returns how many were written.
    func write(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        while true {
            #if canImport(Glibc)
            let count = send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            #else
            let count = send(fd, bytes.baseAddress, bytes.count, 0)
            #endif
            if count >= 0 { return count }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: try wait(forWriting: true)
            default: throw SocketFailure(code: errno)
            }
        }
    }
}

/// A failed system call on the socket.
struct SocketFailure: Error {
    let code: Int32
    var text: String { String(cString: strerror(code)) }
}

#if canImport(Glibc)
private func systemConnect(_ fd: Int32, _ addr: UnsafePointer<sockaddr>, _ len: socklen_t) -> Int32 {
    Glibc.connect(fd, addr, len)
}
#else
private func systemConnect(_ fd: Int32, _ addr: UnsafePointer<sockaddr>, _ len: socklen_t) -> Int32 {
    Darwin.connect(fd, addr, len)
}
#endif
