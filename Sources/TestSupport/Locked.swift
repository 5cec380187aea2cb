import Synchronization

/// A thread-safe box for state shared between a test and the code it drives (server
/// handlers, fakes called from synchronous protocol methods, reader threads).
/// Checked `Sendable`: the value lives in a `Mutex`, so every access holds the lock.
public final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    public init(_ value: Value) { mutex = Mutex(value) }

    /// Runs `body` with the lock held; `body` may change the value.
    public func withLock<T: Sendable>(_ body: (inout Value) throws -> T) rethrows -> T {
        try mutex.withLock { value in try body(&value) }
    }

    /// A copy of the value, read under the lock.
    public var current: Value { withLock { $0 } }
}
