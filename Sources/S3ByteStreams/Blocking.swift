import Dispatch

/// Runs async work to completion from synchronous code by blocking the calling
/// thread: the way back to AWSLite's async clients from a thread that left Swift
/// concurrency's cooperative pool (AWSLite's `DedicatedThread`, a CLI's main thread).
/// Never from async code: a blocked pool thread can starve the pool.
enum Blocking {
    private final class Box<T>: @unchecked Sendable {
        // @unchecked Sendable: the task writes `result` once before `signal()`; the caller
        // reads it only after `wait()` returns, which orders the two.
        var result: Result<T, Error>?
    }

    static func run<T>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }
}
