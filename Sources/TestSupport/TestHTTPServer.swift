import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One request as the server read it off the wire.
public struct TestHTTPRequest: Sendable {
    public var method: String
    /// The request target exactly as sent, e.g. `/bucket/a%20b?list-type=2`.
    public var target: String
    public var headers: [(name: String, value: String)]
    /// The body, de-chunked when it came with `Transfer-Encoding: chunked`.
    public var body: [UInt8]

    /// The target's path (before `?`), still percent-encoded.
    public var path: String { String(target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]) }
    /// The target's query (after `?`), still percent-encoded; empty when none.
    public var query: String {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count > 1 ? String(parts[1]) : ""
    }
    /// The first header of that name (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// What the handler answers.
public struct TestHTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Close the connection without writing any response (a dropped connection).
    public var drop: Bool

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [], drop: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.drop = drop
    }

    public static func text(_ status: Int, _ text: String, headers: [(name: String, value: String)] = []) -> TestHTTPResponse {
        TestHTTPResponse(status: status, headers: headers, body: Array(text.utf8))
    }

    public static let dropConnection = TestHTTPResponse(status: 0, drop: true)
}

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

public struct TestServerError: Error, CustomStringConvertible {
    public let description: String
    init(_ d: String) { description = d }
}

/// Buffered reading of HTTP/1.1 requests from a socket.
private final class SocketReader {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0

    init(fd: Int32) { self.fd = fd }

    private func fill() -> Bool {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    private func readLine() -> String? {
        while true {
            if let i = buffer[start...].firstIndex(of: 0x0A) {
                var end = i
                if end > start && buffer[end - 1] == 0x0D { end -= 1 }
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = i + 1
                return line
            }
            guard fill() else { return nil }
        }
    }

    private func readBytes(_ count: Int) -> [UInt8]? {
        while buffer.count - start < count {
            guard fill() else { return nil }
        }
        let out = Array(buffer[start..<start + count])
        start += count
        return out
    }

    func readRequest() -> TestHTTPRequest? {
        guard var line = readLine() else { return nil }
        while line.isEmpty {
            guard let next = readLine() else { return nil }
            line = next
        }
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return nil }
        var headers: [(name: String, value: String)] = []
        while let h = readLine(), !h.isEmpty {
            guard let colon = h.firstIndex(of: ":") else { continue }
            let name = String(h[..<colon])
            let value = h[h.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers.append((name, value))
        }
        var request = TestHTTPRequest(method: String(parts[0]), target: String(parts[1]), headers: headers, body: [])
        if request.header("expect")?.lowercased() == "100-continue" {
            let cont = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
            _ = cont.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
        if request.header("transfer-encoding")?.lowercased().contains("chunked") == true {
            var body: [UInt8] = []
            while let sizeLine = readLine() {
                let hex = sizeLine.split(separator: ";")[0].trimmingCharacters(in: .whitespaces)
                guard let size = Int(hex, radix: 16) else { return nil }
                if size == 0 {
                    while let trailer = readLine(), !trailer.isEmpty {}
                    break
                }
                guard let chunk = readBytes(size) else { return nil }
                body += chunk
                _ = readLine()
            }
            request.body = body
        } else if let lengthText = request.header("content-length"), let length = Int(lengthText), length > 0 {
            guard let body = readBytes(length) else { return nil }
            request.body = body
        }
        return request
    }
}
