import Foundation

/// What the loop calls per invocation: the payload, the deadline, a logger stamped with the
/// request id; returns the response body.
public typealias InvocationHandler = @Sendable (_ invocation: Invocation, _ logger: Logger) async throws -> Data

/// The Lambda runtime loop: `/next` → handler → `/response` or `/error`, forever (or
/// `maxInvocations` times, for tests). A handler error is reported to `/error` and the loop
/// carries on; so does a response the Runtime API refuses with a 4xx (e.g. 413, too large:
/// reported as an error instead). A transport failure or a 5xx from the Runtime API ends the
/// loop by throwing ("exit promptly"; Lambda restarts the runtime).
///
/// - Parameters:
///   - setTraceId: called with `Lambda-Runtime-Trace-Id` before each handler call
///     (production: sets `_X_AMZN_TRACE_ID`; nil unsets it).
public func runRuntimeLoop(
    client: some RuntimeAPIClient, logger: Logger, maxInvocations: Int? = nil,
    setTraceId: @Sendable (String?) -> Void, handler: InvocationHandler
) async throws {
    var served = 0
    while maxInvocations.map({ served < $0 }) ?? true {
        served += 1
        let invocation: Invocation
        do {
            invocation = try await client.next()
        } catch let error as OrchestratorError where error.kind == .invalidInvocation {
            logger.error("invalid invocation from the Runtime API", ["reason": error.message])
            continue
        }
        setTraceId(invocation.traceId)
        let log = logger.with(requestId: invocation.requestId)
        var failure: RuntimeErrorReport?
        var failureFields: [String: String] = [:]
        do {
            let body = try await handler(invocation, log)
            do {
                try await client.respond(requestId: invocation.requestId, body: body)
            } catch let error as OrchestratorError where isRefusal(error) {
                failure = RuntimeErrorReport(errorType: "Runtime.ResponseRejected", errorMessage: error.message)
            }
        } catch {
            failure = RuntimeErrorReport(error)
            failureFields = OrchestratorError.logFields(error)
        }
        guard let failure else { continue }
        failureFields["errorType"] = failure.errorType
        failureFields["reason"] = failure.errorMessage
        log.error("invocation failed", failureFields)
        do {
            try await client.reportError(requestId: invocation.requestId, failure)
        } catch let error as OrchestratorError where isRefusal(error) {
            log.error("Runtime API refused the error report", ["reason": error.message])
        }
    }
}

/// A 4xx answer from the Runtime API: this invocation is lost, the runtime is fine.
private func isRefusal(_ error: OrchestratorError) -> Bool {
    error.kind == .runtime && (error.httpStatus.map { $0 >= 400 && $0 < 500 } ?? false)
}
