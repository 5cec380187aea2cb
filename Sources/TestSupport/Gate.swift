import Dispatch

/// A one-way gate for test doubles: `wait()` blocks (a server handler, a fake's thread)
/// until the test calls `open()`; once open it stays open for every waiter. The wait is
/// bounded (`limit` seconds) so a test that forgets to open it fails instead of hanging.
public final class Gate: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let limit: Double

    public init(limit: Double = 30) { self.limit = limit }

    /// Blocks until the gate is open (or `limit` passed); true when it was opened.
    @discardableResult
    public func wait() -> Bool {
        guard semaphore.wait(timeout: .now() + limit) == .success else { return false }
        semaphore.signal()  // let the next waiter through too
        return true
    }

    public func open() { semaphore.signal() }
}
