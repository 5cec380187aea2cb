import Foundation

/// Events counted as they happen (a fake's calls, a clock's reads), for a test that
/// must wait until some number of them happened: ``wait(for:)`` suspends until then.
/// The async counterpart of ``Gate``; ``signal()`` may be called from any thread or
/// from synchronous code (a closure handed to the code under test).
public final class EventCount: Sendable {
    private struct State: Sendable {
        var count = 0
        var waiters: [(id: Int, target: Int, continuation: CheckedContinuation<Bool, Never>)] = []
        var nextID = 0
    }

    private let state = Locked(State())
    private let limit: Double

    /// - Parameter limit: seconds a ``wait(for:)`` waits at most (then it returns false).
    public init(limit: Double = 30) { self.limit = limit }

    /// Events so far.
    public var count: Int { state.withLock { $0.count } }

    /// Records one event and resumes the waiters whose number it reached.
    public func signal() {
        let ready = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            state.count += 1
            let count = state.count
            let ready = state.waiters.filter { $0.target <= count }.map(\.continuation)
            state.waiters.removeAll { $0.target <= count }
            return ready
        }
        ready.forEach { $0.resume(returning: true) }
    }

    /// Returns once `target` events have happened in all (true), or after `limit`
    /// seconds (false; the bound only keeps a broken test from hanging).
    public func wait(for target: Int) async -> Bool {
        let (id, reached) = state.withLock { state -> (Int, Bool) in
            state.nextID += 1
            return (state.nextID, state.count >= target)
        }
        if reached { return true }
        let limit = self.limit
        let timeout = Task { [state] in
            try await Task.sleep(nanoseconds: UInt64(limit * 1_000_000_000))
            let timedOut = state.withLock { state -> CheckedContinuation<Bool, Never>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            timedOut?.resume(returning: false)
        }
        defer { timeout.cancel() }
        return await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.count >= target { return true }
                state.waiters.append((id, target, continuation))
                return false
            }
            if resumeNow { continuation.resume(returning: true) }
        }
    }
}
