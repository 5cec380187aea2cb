/// The one error type of the AWSLite layer: readable in logs, with the service's
/// error code, message, HTTP status and request id when AWS answered.
public struct AWSError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// AWS answered with an error (code/message/status set).
        case service
        /// The request never got an answer (connection refused/reset, timeout).
        case transport
        /// No usable credentials, or the provider failed.
        case credentials
        /// Missing or invalid configuration (region, endpoint, argument).
        case configuration
        /// An answer that could not be decoded.
        case invalidResponse
        /// A request refused locally because it breaks a documented limit.
        case invalidRequest
    }

    public var kind: Kind
    /// Service name (e.g. "s3") and operation (e.g. "PutObject"), when known.
    public var service: String?
    public var operation: String?
    /// AWS error code, e.g. "NoSuchKey", "ThrottlingException".
    public var code: String?
    public var message: String
    public var httpStatus: Int?
    public var requestId: String?

    public init(
        kind: Kind, service: String? = nil, operation: String? = nil, code: String? = nil,
        message: String, httpStatus: Int? = nil, requestId: String? = nil
    ) {
        self.kind = kind
        self.service = service
        self.operation = operation
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.requestId = requestId
    }

    public var description: String {
        var parts: [String] = []
        if let service, let operation { parts.append("\(service).\(operation)") }
        else if let service { parts.append(service) }
        if let code { parts.append(code) }
        var text = parts.joined(separator: " ")
        if !text.isEmpty { text += ": " }
        text += message
        var extra: [String] = []
        if let httpStatus { extra.append("HTTP \(httpStatus)") }
        if let requestId { extra.append("request id \(requestId)") }
        if !extra.isEmpty { text += " (" + extra.joined(separator: ", ") + ")" }
        return text
    }
}
