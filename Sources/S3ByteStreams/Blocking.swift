import Dispatch
import Synchronization

/// Runs async work to completion from synchronous code by blocking the calling
/// thread: the way back to AWSLite's async clients from a thread that left Swift
/// concurrency's cooperative pool (AWSLite's `DedicatedThread`, a CLI's main thread).
/// Never from async code: a blocked pool thread can starve the pool.
public enum Blocking {
    /// Where the task leaves its outcome for the blocked caller.
    private final class Outcome<T: Sendable>: Sendable {
        let value = Mutex<Result<T, any Error>?>(nil)
    }

    public static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let outcome = Outcome<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            let result: Result<T, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            outcome.value.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try outcome.value.withLock { $0 }!.get()
    }
}
