import Foundation

/// One HTTP/1.1 request and its response on a fresh connection (`Connection: close`:
/// a connection is never reused, so a broken one never stalls the next request).
/// Blocking; every wait watches the cancel signal, the idle timeout and the deadline.
/// Redirects are returned as they are, never followed.
struct HTTP1Exchange {
    let request: HTTPRequest
    let limits: HTTPLimits
    /// The trust source for https (nil: the system's).
    let caBundle: String?
    let cancel: CancelSignal

    /// Where a request goes and what its first line and `Host` header say.
    struct Target: Equatable {
        var secure: Bool
        var host: String
        var port: Int
        /// Path and query, percent-encoded as given.
        var requestTarget: String
        var hostHeader: String

        init(_ url: URL) throws {
            guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false),
                let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
                var host = components.host, !host.isEmpty
            else {
                throw HTTPTransportError(stage: .notSent, message: "not an http(s) URL: \(url.absoluteString)", retryable: false)
            }
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            secure = scheme == "https"
            let defaultPort = secure ? 443 : 80
            port = components.port ?? defaultPort
            guard (1...65_535).contains(port) else {
                throw HTTPTransportError(stage: .notSent, message: "bad port in \(url.absoluteString)", retryable: false)
            }
            self.host = host
            let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
            requestTarget = path + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
            let bracketed = host.contains(":") ? "[\(host)]" : host
            hostHeader = port == defaultPort ? bracketed : "\(bracketed):\(port)"
        }
    }

    /// The request head: the caller's headers minus those the transport owns
    /// (`Host`, `Content-Length`, `Connection`, `Transfer-Encoding`).
    static func head(_ request: HTTPRequest, target: Target) -> [UInt8] {
        var text = "\(request.method) \(target.requestTarget) HTTP/1.1\r\nHost: \(target.hostHeader)\r\n"
        let owned: Set<String> = ["host", "content-length", "connection", "transfer-encoding"]
        for header in request.headers where !owned.contains(header.name.lowercased()) {
            text += "\(header.name): \(header.value)\r\n"
        }
        if !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(request.method) {
            text += "Content-Length: \(request.body.count)\r\n"
        }
        text += "Connection: close\r\n\r\n"
        return Array(text.utf8)
    }

    func run() throws -> HTTPResponse {
        let target = try Target(request.url)
        let what = "\(request.method) \(target.hostHeader)"
        if cancel.isCancelled { throw CancellationError() }
        let timer = ExchangeTimer(idleTimeout: limits.idleTimeout, deadline: limits.deadline)
        if let left = timer.secondsToDeadline(), left <= 0 {
            throw HTTPTransportError(stage: .notSent, message: "\(what): the deadline has passed", retryable: false)
        }
        let connectTimeout = min(limits.connectTimeout, timer.secondsToDeadline() ?? limits.connectTimeout)
        let socket = try SocketConnection.connect(host: target.host, port: target.port, timeout: connectTimeout, timer: timer, cancel: cancel)
        let stream: any ByteStream
        if target.secure {
            let context = try TLSContext.shared(caBundle: caBundle)
            stream = try TLSConnection(socket: socket, context: context, host: target.host, timeout: connectTimeout)
        } else {
            stream = socket
        }
        do {
            try Self.writeAll(Self.head(request, target: target), to: stream)
            try Self.writeAll(request.body, to: stream)
            var reader = ResponseReader(stream: stream)
            let head = try reader.readHead()
            var body: [UInt8] = []
            if ResponseReader.hasBody(method: request.method, status: head.status) {
                let success = (200...299).contains(head.status)
                let limit = success ? limits.maxResponseBytes : min(limits.maxResponseBytes, HTTPLimits.errorBodyLimit)
                body = try reader.readBody(head, limit: max(0, limit), truncate: !success)
            }
            return HTTPResponse(status: head.status, headers: head.headers, body: body)
        } catch let failure as WaitFailure {
            switch failure {
            case .idle(let seconds):
                throw HTTPTransportError(stage: .mayHaveBeenSent, message: "timed out after \(SocketConnection.seconds(seconds)) without data from \(target.hostHeader) (\(request.method))")
            case .deadline:
                throw HTTPTransportError(stage: .mayHaveBeenSent, message: "\(what): the deadline passed before the answer was complete", retryable: false)
            case .cancelled:
                throw CancellationError()
            }
        } catch let failure as SocketFailure {
            throw HTTPTransportError(stage: .mayHaveBeenSent, message: "\(what): connection failed: \(failure.text)")
        } catch let failure as TLSFailure {
            throw HTTPTransportError(stage: .mayHaveBeenSent, message: "\(what): TLS failure: \(failure.message)")
        } catch let failure as ResponseReader.Failure {
            switch failure {
            case .truncated(let where_):
                throw HTTPTransportError(stage: .mayHaveBeenSent, message: "\(what): connection closed \(where_)")
            case .malformed(let why):
                throw HTTPTransportError(stage: .mayHaveBeenSent, message: "\(what): malformed answer: \(why)")
            case .tooLarge(let limit):
                throw HTTPTransportError(stage: .mayHaveBeenSent, message: "\(what): the answer is larger than \(limit) bytes, the limit for this request", retryable: false)
            }
        }
    }

    static func writeAll(_ bytes: [UInt8], to stream: any ByteStream) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let end = min(raw.count, offset + 256 * 1024)
                offset += try stream.write(UnsafeRawBufferPointer(rebasing: raw[offset..<end]))
            }
        }
    }
}

/// `HTTPTransport` over the project's own HTTP/1.1 client (`HTTP1Exchange`): plain
/// sockets for http, OpenSSL for https. Each request runs on a Dispatch thread (never
/// on the cooperative pool); cancelling the task wakes it at once.
///
/// ```swift
/// let transport = SocketHTTPTransport(caBundle: environment["AWS_CA_BUNDLE"])
/// let response = try await transport.send(request, limits: HTTPLimits(idleTimeout: 60))
/// ```
public struct SocketHTTPTransport: HTTPTransport {
    /// A PEM file of trusted CA certificates (`AWS_CA_BUNDLE`); nil: the system's.
    public var caBundle: String?

    public init(caBundle: String? = nil) {
        self.caBundle = caBundle.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The bytes `send` writes for `request` (head and body), for tests and logs.
    public static func requestBytes(_ request: HTTPRequest) throws -> [UInt8] {
        HTTP1Exchange.head(request, target: try HTTP1Exchange.Target(request.url)) + request.body
    }

    public func send(_ request: HTTPRequest, limits: HTTPLimits) async throws -> HTTPResponse {
        let cancel = try CancelSignal()
        let exchange = HTTP1Exchange(request: request, limits: limits, caBundle: caBundle, cancel: cancel)
        return try await withTaskCancellationHandler {
            try await DedicatedThread.run {
                defer { cancel.close() }
                return try exchange.run()
            }
        } onCancel: {
            cancel.cancel()
        }
    }
}
