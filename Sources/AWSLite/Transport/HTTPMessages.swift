import Foundation

/// One HTTP request exactly as it goes on the wire (after signing).
public struct HTTPRequest: Sendable {
    public var method: String
    /// The absolute URL; its path and query are already percent-encoded.
    public var url: URL
    /// Headers in order (no `Host`, no `Content-Length`: the transport sets those).
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, url: URL, headers: [(name: String, value: String)], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A complete HTTP response. Header names are lower-cased.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8] = []) {
        self.status = status
        var lower: [String: String] = [:]
        for (name, value) in headers { lower[name.lowercased()] = value }
        self.headers = lower
        self.body = body
    }

    /// The value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// A request that got no HTTP answer.
public struct HTTPTransportError: Error, Sendable, Equatable {
    /// Whether the server may have seen the request: decides whether a
    /// non-idempotent request may be retried.
    public enum Stage: Sendable, Equatable {
        /// No connection was made (refused, unknown host): safe to retry anything.
        case notSent
        /// The connection dropped or timed out after the request may have been sent.
        case mayHaveBeenSent
    }

    public var stage: Stage
    public var message: String
    /// False when another attempt cannot help: the deadline passed, the answer was
    /// larger than allowed, the server's certificate was refused.
    public var retryable: Bool

    public init(stage: Stage, message: String, retryable: Bool = true) {
        self.stage = stage
        self.message = message
        self.retryable = retryable
    }
}

/// The limits of one request.
public struct HTTPLimits: Sendable, Equatable {
    /// The longest wait for a connection (TCP and TLS handshake), in seconds.
    public var connectTimeout: TimeInterval
    /// The longest time without a byte moving in either direction once connected.
    public var idleTimeout: TimeInterval
    /// When the whole exchange must have ended, if ever (an invocation's deadline).
    public var deadline: Date?
    /// The largest 2xx response body accepted; a longer one is an error. Error
    /// answers are cut to at most `errorBodyLimit` bytes.
    public var maxResponseBytes: Int

    /// What an XML or JSON answer may reasonably take.
    public static let documentBodyLimit = 8 * 1024 * 1024
    /// How much of an error answer is kept.
    public static let errorBodyLimit = 1024 * 1024

    public init(connectTimeout: TimeInterval = 10, idleTimeout: TimeInterval = 60, deadline: Date? = nil, maxResponseBytes: Int = HTTPLimits.documentBodyLimit) {
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
        self.deadline = deadline
        self.maxResponseBytes = maxResponseBytes
    }
}

/// Sends one HTTP request and returns the whole response, never following a
/// redirect. Implementations throw `HTTPTransportError` when no (acceptable)
/// response arrived within `limits`, and `CancellationError` when the task was
/// cancelled.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest, limits: HTTPLimits) async throws -> HTTPResponse
}
