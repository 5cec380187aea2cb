import AWSLite

/// The one error type of the orchestrator layer. `description` is the line that goes
/// into logs and into the Lambda error response's `errorMessage`.
public struct OrchestratorError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// A required environment variable is missing or invalid (an init error).
        case configuration
        /// An event that is not JSON, or a known event type with missing or mistyped fields.
        case invalidEvent
        /// A conditional write lost a race: someone else changed the object first.
        case conflict
        /// A run, object or resource that should exist does not.
        case notFound
        /// An AWS call (through a service protocol) failed.
        case service
        /// A step refused to act because an invariant would break (DESIGN.md §6).
        case safety
        /// Bad command-line usage.
        case usage
        /// Trouble talking to the Lambda Runtime API (transport, or an HTTP status in `httpStatus`).
        case runtime
        /// `/next` answered without a required header (request id, deadline).
        case invalidInvocation
    }

    public var kind: Kind
    public var message: String
    /// The HTTP status: of the Runtime API's answer for `.runtime` errors, of the AWS call
    /// that failed for `.service` errors.
    public var httpStatus: Int?
    /// The AWS error code of the call that failed (e.g. `ThrottlingException`), when AWS answered.
    public var awsErrorCode: String?
    /// The request id AWS gave the failing call (`x-amzn-RequestId` / `x-amz-request-id`).
    public var requestId: String?

    public init(_ kind: Kind, _ message: String, httpStatus: Int? = nil, awsErrorCode: String? = nil, requestId: String? = nil) {
        self.kind = kind
        self.message = message
        self.httpStatus = httpStatus
        self.awsErrorCode = awsErrorCode
        self.requestId = requestId
    }

    /// `what` failed because of `error`: an `OrchestratorError` passes through unchanged;
    /// anything else becomes `.service` with the AWS error code, HTTP status and request id
    /// of the failing call kept (message `"<what>: <error>"`).
    public static func service(_ what: String, _ error: any Error) -> OrchestratorError {
        if let error = error as? OrchestratorError { return error }
        let aws = error as? AWSError
        return OrchestratorError(.service, "\(what): \(error)", httpStatus: aws?.httpStatus,
                                 awsErrorCode: aws?.code, requestId: aws?.requestId)
    }

    /// An AWS answer that means "someone else changed it first" (`MountTargetConflict`,
    /// `FileSystemInUse`, a failed S3 precondition) as `.conflict`, AWS details kept.
    public static func conflict(_ message: String, _ error: AWSError) -> OrchestratorError {
        OrchestratorError(.conflict, message, httpStatus: error.httpStatus, awsErrorCode: error.code, requestId: error.requestId)
    }

    /// The fields a log line about this error carries: `errorType` and, when AWS answered,
    /// `awsErrorCode`, `httpStatus`, `awsRequestId`.
    public var logFields: [String: String] {
        var fields = ["errorType": lambdaErrorType]
        if let awsErrorCode { fields["awsErrorCode"] = awsErrorCode }
        if let httpStatus { fields["httpStatus"] = String(httpStatus) }
        if let requestId { fields["awsRequestId"] = requestId }
        return fields
    }

    /// `reason` plus `logFields` for any error (AWSLite's `AWSError` included).
    public static func logFields(_ error: any Error) -> [String: String] {
        var fields: [String: String]
        switch error {
        case let error as OrchestratorError:
            fields = error.logFields
        case let error as AWSError:
            fields = OrchestratorError.service("AWS call", error).logFields
        default:
            fields = [:]
        }
        fields["reason"] = "\(error)"
        return fields
    }

    /// The Lambda error type reported for this error (`Lambda-Runtime-Function-Error-Type`).
    public var lambdaErrorType: String {
        switch kind {
        case .configuration: return "Runtime.InvalidConfiguration"
        case .invalidEvent: return "Orchestrator.InvalidEvent"
        case .conflict: return "Orchestrator.Conflict"
        case .notFound: return "Orchestrator.NotFound"
        case .service: return "Orchestrator.ServiceError"
        case .safety: return "Orchestrator.SafetyRefusal"
        case .usage: return "Orchestrator.Usage"
        case .runtime: return "Runtime.APIError"
        case .invalidInvocation: return "Runtime.InvalidInvocation"
        }
    }

    public var description: String { message }
}
