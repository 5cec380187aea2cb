import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Runtime API over plain HTTP/1.1 on a blocking socket: one connection per request
/// (`Connection: close`), no timeouts (the `/next` long-poll may block for hours). The
/// blocking calls run on a Dispatch thread, never on the cooperative pool.
public struct RuntimeHTTPClient: RuntimeAPIClient {
    public var host: String
    public var port: UInt16

    /// - Parameter endpoint: `AWS_LAMBDA_RUNTIME_API`, e.g. `127.0.0.1:9001`.
    public init(endpoint: String) throws {
        guard let colon = endpoint.lastIndex(of: ":"), let port = UInt16(endpoint[endpoint.index(after: colon)...]),
              colon != endpoint.startIndex
        else {
            throw OrchestratorError(.configuration, "\(RuntimeAPI.endpointVariable): not host:port: \"\(endpoint)\"")
        }
        self.host = String(endpoint[..<colon])
        self.port = port
    }

    public func next() async throws -> Invocation {
        let response = try await exchange(method: "GET", path: RuntimeAPI.nextPath, headers: [], body: Data())
        guard response.status == 200 else {
            throw OrchestratorError(.runtime, "GET \(RuntimeAPI.nextPath): HTTP \(response.status)", httpStatus: response.status)
        }
        return try Invocation.from(headers: response.headers, body: response.body)
    }

    public func respond(requestId: String, body: Data) async throws {
        try await postExpectingSuccess(RuntimeAPI.responsePath(requestId), headers: [], body: body)
    }

    public func reportError(requestId: String, _ report: RuntimeErrorReport) async throws {
        try await postExpectingSuccess(RuntimeAPI.errorPath(requestId),
                                       headers: [(RuntimeAPI.Header.errorType, report.errorType)], body: report.body)
    }

    public func reportInitError(_ report: RuntimeErrorReport) async throws {
        try await postExpectingSuccess(RuntimeAPI.initErrorPath,
                                       headers: [(RuntimeAPI.Header.errorType, report.errorType)], body: report.body)
    }

    private func postExpectingSuccess(_ path: String, headers: [(String, String)], body: Data) async throws {
        let response = try await exchange(method: "POST", path: path, headers: headers, body: body)
        guard (200..<300).contains(response.status) else {
            let text = String(decoding: response.body.prefix(512), as: UTF8.self)
            throw OrchestratorError(.runtime, "POST \(path): HTTP \(response.status): \(text)", httpStatus: response.status)
        }
    }

    /// The exact request bytes (exposed for tests).
    static func requestBytes(method: String, path: String, host: String, port: UInt16, headers: [(String, String)], body: Data) -> Data {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if method != "GET" {
            head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
        }
        head += "Connection: close\r\n\r\n"
        return Data(head.utf8) + body
    }

    private func exchange(method: String, path: String, headers: [(String, String)], body: Data) async throws -> HTTPResponse {
        let bytes = Self.requestBytes(method: method, path: path, host: host, port: port, headers: headers, body: body)
        let host = self.host
        let port = self.port
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try BlockingHTTP.exchange(host: host, port: port, request: bytes) })
            }
        }
    }
}

/// A parsed HTTP response.
struct HTTPResponse: Sendable {
    var status: Int
    var headers: [String: String]
    var body: Data
}

/// Blocking HTTP/1.1 exchange on one TCP connection.
enum BlockingHTTP {
    static func exchange(host: String, port: UInt16, request: Data) throws -> HTTPResponse {
        let fd = try connect(host: host, port: port)
        defer { close(fd) }
        try writeAll(fd, request)
        var reader = Reader(fd: fd)
        return try reader.readResponse()
    }

    static func failure(_ what: String) -> OrchestratorError {
        OrchestratorError(.runtime, "\(what): \(String(cString: strerror(errno)))")
    }

    static func connect(host: String, port: UInt16) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw OrchestratorError(.runtime, "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(first) }
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0 {
                if systemConnect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return fd }
                close(fd)
            }
            cursor = info.pointee.ai_next
        }
        throw failure("connect to \(host):\(port)")
    }

    static func writeAll(_ fd: Int32, _ data: Data) throws {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < raw.count {
                #if canImport(Glibc)
                let written = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                #else
                let written = send(fd, raw.baseAddress! + offset, raw.count - offset, 0)
                #endif
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure("send")
                }
                offset += written
            }
        }
    }

    /// Buffered reads: status line, headers, then a Content-Length, chunked or until-EOF body.
    struct Reader {
        let fd: Int32
        var buffer: [UInt8] = []
        var eof = false

        init(fd: Int32) { self.fd = fd }

        mutating func fill() throws {
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw BlockingHTTP.failure("recv")
                }
                if count == 0 { eof = true } else { buffer.append(contentsOf: chunk[0..<count]) }
                return
            }
        }

        mutating func line() throws -> String {
            while true {
                if let index = buffer.firstIndex(of: 0x0A) {
                    let end = index > 0 && buffer[index - 1] == 0x0D ? index - 1 : index
                    let text = String(decoding: buffer[0..<end], as: UTF8.self)
                    buffer.removeFirst(index + 1)
                    return text
                }
                if eof { throw OrchestratorError(.runtime, "connection closed inside the response head") }
                try fill()
            }
        }

        mutating func bytes(_ count: Int) throws -> [UInt8] {
            while buffer.count < count {
                if eof { throw OrchestratorError(.runtime, "connection closed inside the response body") }
                try fill()
            }
            let out = Array(buffer[0..<count])
            buffer.removeFirst(count)
            return out
        }

        mutating func readResponse() throws -> HTTPResponse {
            var statusLine = try line()
            var headers: [String: String] = [:]
            while true {
                let parts = statusLine.split(separator: " ", maxSplits: 2)
                guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else {
                    throw OrchestratorError(.runtime, "not an HTTP status line: \"\(statusLine)\"")
                }
                headers = [:]
                while true {
                    let header = try line()
                    if header.isEmpty { break }
                    guard let colon = header.firstIndex(of: ":") else { continue }
                    let name = header[..<colon].lowercased()
                    headers[name] = header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                if status == 100 {
                    statusLine = try line()
                    continue
                }
                return HTTPResponse(status: status, headers: headers, body: Data(try body(headers)))
            }
        }

        mutating func body(_ headers: [String: String]) throws -> [UInt8] {
            if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
                var out: [UInt8] = []
                while true {
                    let sizeLine = try line()
                    let hex = sizeLine.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                    // Hex digits only: `Int(_:radix:)` also takes a sign ("-1" trapped below).
                    guard !hex.isEmpty, hex.allSatisfy(\.isHexDigit), let size = Int(hex, radix: 16) else {
                        throw OrchestratorError(.runtime, "bad chunk size \"\(sizeLine)\"")
                    }
                    if size == 0 {
                        while try !line().isEmpty {}
                        return out
                    }
                    out += try bytes(size)
                    _ = try line()
                }
            }
            if let text = headers["content-length"] {
                guard let length = Int(text), length >= 0 else {
                    throw OrchestratorError(.runtime, "bad Content-Length \"\(text)\"")
                }
                return try bytes(length)
            }
            while !eof { try fill() }
            defer { buffer.removeAll() }
            return buffer
        }
    }
}

#if canImport(Glibc)
private func systemConnect(_ fd: Int32, _ addr: UnsafeMutablePointer<sockaddr>!, _ len: socklen_t) -> Int32 {
    Glibc.connect(fd, addr, len)
}
#else
private func systemConnect(_ fd: Int32, _ addr: UnsafeMutablePointer<sockaddr>!, _ len: socklen_t) -> Int32 {
    Darwin.connect(fd, addr, len)
}
#endif
