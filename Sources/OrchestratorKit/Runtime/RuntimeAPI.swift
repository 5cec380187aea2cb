import Foundation

/// The Lambda Runtime API: paths, header names and the error document, in one place.
/// See https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html.
public enum RuntimeAPI {
    /// The environment variable holding `host:port` of the Runtime API.
    public static let endpointVariable = "AWS_LAMBDA_RUNTIME_API"
    /// Set per invocation from `Lambda-Runtime-Trace-Id`.
    public static let traceIdVariable = "_X_AMZN_TRACE_ID"

    public static let nextPath = "/2018-06-01/runtime/invocation/next"
    public static let initErrorPath = "/2018-06-01/runtime/init/error"
    public static func responsePath(_ requestId: String) -> String {
        "/2018-06-01/runtime/invocation/\(requestId)/response"
    }
    public static func errorPath(_ requestId: String) -> String {
        "/2018-06-01/runtime/invocation/\(requestId)/error"
    }

    public enum Header {
        public static let requestId = "Lambda-Runtime-Aws-Request-Id"
        public static let deadlineMs = "Lambda-Runtime-Deadline-Ms"
        public static let functionArn = "Lambda-Runtime-Invoked-Function-Arn"
        public static let traceId = "Lambda-Runtime-Trace-Id"
        public static let clientContext = "Lambda-Runtime-Client-Context"
        public static let cognitoIdentity = "Lambda-Runtime-Cognito-Identity"
        public static let errorType = "Lambda-Runtime-Function-Error-Type"
    }
}

/// One invocation as `/next` delivered it.
public struct Invocation: Sendable, Equatable {
    public var requestId: String
    /// `Lambda-Runtime-Deadline-Ms` as a date.
    public var deadline: Date
    public var functionArn: String?
    public var traceId: String?
    public var body: Data

    public init(requestId: String, deadline: Date, functionArn: String? = nil, traceId: String? = nil, body: Data) {
        self.requestId = requestId
        self.deadline = deadline
        self.functionArn = functionArn
        self.traceId = traceId
        self.body = body
    }

    /// Builds an invocation from `/next`'s headers (names case-insensitive).
    /// - Throws: `OrchestratorError(.invalidInvocation)` naming a missing or invalid required header.
    public static func from(headers: [String: String], body: Data) throws -> Invocation {
        var lower: [String: String] = [:]
        for (name, value) in headers { lower[name.lowercased()] = value }
        guard let requestId = lower[RuntimeAPI.Header.requestId.lowercased()], !requestId.isEmpty else {
            throw OrchestratorError(.invalidInvocation, "missing header \(RuntimeAPI.Header.requestId)")
        }
        guard let deadlineText = lower[RuntimeAPI.Header.deadlineMs.lowercased()] else {
            throw OrchestratorError(.invalidInvocation, "missing header \(RuntimeAPI.Header.deadlineMs)")
        }
        guard let millis = Int64(deadlineText) else {
            throw OrchestratorError(.invalidInvocation, "invalid header \(RuntimeAPI.Header.deadlineMs): \"\(deadlineText)\"")
        }
        return Invocation(
            requestId: requestId, deadline: Date(timeIntervalSince1970: Double(millis) / 1000),
            functionArn: lower[RuntimeAPI.Header.functionArn.lowercased()],
            traceId: lower[RuntimeAPI.Header.traceId.lowercased()], body: body)
    }
}

/// The error document posted to `/error` and `/init/error`.
public struct RuntimeErrorReport: Sendable, Equatable {
    /// Also sent as `Lambda-Runtime-Function-Error-Type`.
    public var errorType: String
    public var errorMessage: String

    public init(errorType: String, errorMessage: String) {
        self.errorType = errorType
        self.errorMessage = errorMessage
    }

    /// An error as reported for a failed invocation or init.
    public init(_ error: any Error) {
        if let error = error as? OrchestratorError {
            self.init(errorType: error.lambdaErrorType, errorMessage: error.message)
        } else {
            self.init(errorType: "Runtime.Unhandled", errorMessage: "\(error)")
        }
    }

    /// `{"errorMessage":"…","errorType":"…","stackTrace":[]}`.
    public var body: Data {
        Data(("{\"errorMessage\":" + LogJSON.string(errorMessage) + ",\"errorType\":" + LogJSON.string(errorType)
            + ",\"stackTrace\":[]}").utf8)
    }
}

/// The Runtime API as the loop uses it (production: `RuntimeHTTPClient`).
public protocol RuntimeAPIClient: Sendable {
    /// Long-polls `/next` (no client timeout).
    func next() async throws -> Invocation
    func respond(requestId: String, body: Data) async throws
    func reportError(requestId: String, _ report: RuntimeErrorReport) async throws
    func reportInitError(_ report: RuntimeErrorReport) async throws
}
