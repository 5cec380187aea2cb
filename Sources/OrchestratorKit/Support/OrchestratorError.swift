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
    /// The HTTP status, for `.runtime` errors where the Runtime API answered.
    public var httpStatus: Int?

    public init(_ kind: Kind, _ message: String, httpStatus: Int? = nil) {
        self.kind = kind
        self.message = message
        self.httpStatus = httpStatus
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
