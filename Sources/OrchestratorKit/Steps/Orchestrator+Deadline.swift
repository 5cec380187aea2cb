import AWSLite
import Foundation

extension Orchestrator {
    /// What is kept back from the invocation's deadline for answering it.
    static let awsCallReserve: TimeInterval = 2

    /// Handles one decoded event. Returns the JSON response body.
    ///
    /// Every AWS call made for the event, its retries and their waits included, ends
    /// `awsCallReserve` seconds before `deadline` (`AWSDeadline`): a call without an
    /// answer, or a `Retry-After` longer than the time left, fails cleanly in time.
    /// - Throws: `OrchestratorError` when the event cannot be handled (Lambda then reports
    ///   the error; async invocations are retried at most twice).
    public func handle(_ event: OrchestratorEvent, deadline: Date) async throws -> String {
        try await AWSDeadline.$current.withValue(deadline.addingTimeInterval(-Self.awsCallReserve)) {
            try await dispatch(event, deadline: deadline)
        }
    }
}
