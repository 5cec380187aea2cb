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

    public init(stage: Stage, message: String) {
        self.stage = stage
        self.message = message
    }
}

/// Sends one HTTP request and returns the whole response. Implementations throw
/// `HTTPTransportError` when no response arrived.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest, timeout: TimeInterval) async throws -> HTTPResponse
}
