import Foundation

/// The moment by which every AWS call made in the current task (and its child tasks)
/// must have ended, retries and their waits included: the orchestrator binds its
/// invocation's deadline here. A call that cannot finish in time fails cleanly with
/// an `AWSError(.transport)` saying so.
///
/// ```swift
/// try await AWSDeadline.$current.withValue(deadline) { try await work() }
/// ```
public enum AWSDeadline {
    @TaskLocal public static var current: Date?
}
