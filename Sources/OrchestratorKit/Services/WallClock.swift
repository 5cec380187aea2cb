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
        guard seconds > 0 else { return }
        try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
    }
}
