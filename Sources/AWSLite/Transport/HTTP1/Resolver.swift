import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One address `getaddrinfo` answered, copied out of its list.
struct SocketAddress {
    var family: Int32
    var socketType: Int32
    var socketProtocol: Int32
    var storage: sockaddr_storage
    var length: socklen_t
}

/// Host-name lookup bounded by a timeout and the cancel signal: `getaddrinfo` cannot
/// be interrupted, so it runs on its own thread and the exchange waits for its answer
/// (a lookup that outlives the wait finishes on its own and is dropped). Numeric
/// addresses are converted on the spot.
enum Resolver {
    static func resolve(host: String, port: Int, timeout: TimeInterval, cancel: CancelSignal) throws -> [SocketAddress] {
        if let numeric = try? lookup(host: host, port: port, numericOnly: true) { return numeric }
        let pending = PendingLookup()
        DedicatedThread.start {
            pending.finish(Result { try lookup(host: host, port: port, numericOnly: false) })
        }
        let until = ExchangeTimer.now() &+ ExchangeTimer.nanoseconds(timeout)
        while true {
            if cancel.isCancelled { throw CancellationError() }
            if let result = pending.result { return try result.get() }
            let now = ExchangeTimer.now()
            if now >= until {
                throw HTTPTransportError(stage: .notSent, message: "timed out after \(SocketConnection.seconds(timeout)) looking up \(host)")
            }
            let milliseconds = Int32(clamping: (until - now + 999_999) / 1_000_000)
            var fds = [pollfd(fd: pending.readFD, events: Int16(POLLIN), revents: 0), pollfd(fd: cancel.readFD, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, nfds_t(fds.count), milliseconds)
        }
    }

    /// `getaddrinfo` for TCP; `numericOnly` refuses names (no lookup, never blocks).
    static func lookup(host: String, port: Int, numericOnly: Bool) throws -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        if numericOnly { hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV }
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw HTTPTransportError(stage: .notSent, message: "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(first) }
        var addresses: [SocketAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            cursor = info.pointee.ai_next
            guard let address = info.pointee.ai_addr, Int(info.pointee.ai_addrlen) <= MemoryLayout<sockaddr_storage>.size else { continue }
            var storage = sockaddr_storage()
            withUnsafeMutableBytes(of: &storage) { target in
                target.copyMemory(from: UnsafeRawBufferPointer(start: address, count: Int(info.pointee.ai_addrlen)))
            }
            addresses.append(
                SocketAddress(
                    family: info.pointee.ai_family, socketType: info.pointee.ai_socktype, socketProtocol: info.pointee.ai_protocol,
                    storage: storage, length: info.pointee.ai_addrlen))
        }
        return addresses
    }
}

/// The answer of a lookup thread, and a pipe that becomes readable when it is there.
private final class PendingLookup: @unchecked Sendable {
    // @unchecked Sendable: `answer` is only touched under `lock`; the pipe is closed in
    // `deinit`, after both the lookup thread and the waiter let go, so the thread never
    // writes to a closed pipe.
    private let lock = NSLock()
    private var answer: Result<[SocketAddress], any Error>?
    private let fds: (read: Int32, write: Int32)

    init() {
        var pair: [Int32] = [-1, -1]
        if pipe(&pair) == 0 {
            for fd in pair { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        }
        fds = (pair[0], pair[1])
    }

    deinit {
        if fds.read >= 0 { _ = systemClose(fds.read) }
        if fds.write >= 0 { _ = systemClose(fds.write) }
    }

    var readFD: Int32 { fds.read }

    var result: Result<[SocketAddress], any Error>? { lock.withLock { answer } }

    func finish(_ result: Result<[SocketAddress], any Error>) {
        lock.withLock { answer = result }
        if fds.write >= 0 {
            var byte: UInt8 = 1
            _ = write(fds.write, &byte, 1)
        }
    }
}
