import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A loopback HTTP/1.1 server for tests: binds 127.0.0.1 on an ephemeral port,
/// serves each connection on its own thread (so a handler may block, e.g. a
/// long-poll), supports keep-alive, Content-Length and chunked request bodies,
/// and records every request.
///
/// ```swift
/// let server = try TestHTTPServer { req in .text(200, "hello") }
/// defer { server.stop() }
/// let url = URL(string: server.baseURL + "/x")!
/// ```
public final class TestHTTPServer: @unchecked Sendable {
    // @unchecked Sendable: `recorded`, `clientFDs` and `stopped` are only touched under
    // `lock`; the other fields are constants set in `init`.
    public typealias Handler = @Sendable (TestHTTPRequest) -> TestHTTPResponse

    public let port: Int
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private let listenFD: Int32
    private let handler: Handler
    private let lock = NSLock()
    private var recorded: [TestHTTPRequest] = []
    private var clientFDs: Set<Int32> = []
    private var stopped = false

    public init(handler: @escaping Handler) throws {
        self.handler = handler
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestServerError("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let why = String(cString: strerror(errno))
            close(fd)
            throw TestServerError("bind/listen: \(why)")
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        self.listenFD = fd
        self.port = Int(UInt16(bigEndian: addr.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    /// Every request received so far, in arrival order.
    public var requests: [TestHTTPRequest] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    /// Stops accepting and closes open connections. Idempotent.
    public func stop() {
        lock.lock()
        if stopped {
            lock.unlock()
            return
        }
        stopped = true
        let clients = clientFDs
        lock.unlock()
        shutdown(listenFD, Int32(SHUT_RDWR))
        close(listenFD)
        for c in clients { shutdown(c, Int32(SHUT_RDWR)) }
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func acceptLoop() {
        while !isStopped {
            let c = accept(listenFD, nil, nil)
            if c < 0 {
                if errno == EINTR { continue }
                return
            }
            lock.lock()
            clientFDs.insert(c)
            lock.unlock()
            let thread = Thread { [self] in
                serve(connection: c)
                lock.lock()
                clientFDs.remove(c)
                lock.unlock()
                close(c)
            }
            thread.start()
        }
    }

    private func serve(connection fd: Int32) {
        let reader = SocketReader(fd: fd)
        while let request = reader.readRequest() {
            lock.lock()
            recorded.append(request)
            lock.unlock()
            let response = handler(request)
            if response.drop { return }
            var head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
            var names = Set<String>()
            for h in response.headers {
                head += "\(h.name): \(h.value)\r\n"
                names.insert(h.name.lowercased())
            }
            if !names.contains("content-length") { head += "Content-Length: \(response.body.count)\r\n" }
            let close = request.header("connection")?.lowercased() == "close"
            if close { head += "Connection: close\r\n" }
            head += "\r\n"
            guard writeAll(fd, Array(head.utf8) + response.body) else { return }
            if close { return }
        }
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                return false
            }
            off += n
        }
        return true
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 202: return "Accepted"
        case 204: return "No Content"
        case 400: return "Bad Request"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 409: return "Conflict"
        case 412: return "Precondition Failed"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}
