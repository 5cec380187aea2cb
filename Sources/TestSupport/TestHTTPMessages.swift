// The requests ``TestHTTPServer`` records and the responses its handler gives.

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

public struct TestServerError: Error, CustomStringConvertible {
    public let description: String
    init(_ d: String) { description = d }
}
