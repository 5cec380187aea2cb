import Foundation

/// Time, injected: the steps never call `Date()` directly, so tests can run a whole run
/// (hours of restore, a run deadline) in microseconds.
public protocol WallClock: Sendable {
    /// The current time.
    func now() -> Date
    /// Waits `seconds` (used only to poll mount targets within an invocation).
    func sleep(seconds: Double) async
}

/// The real clock.
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(seconds: Double) async {
        // At most a day per call: the callers sleep seconds, and a huge value must not trap.
        guard seconds > 0, seconds.isFinite else { return }
        try? await Task.sleep(nanoseconds: UInt64(min(seconds, 86_400) * 1_000_000_000))
    }
}
