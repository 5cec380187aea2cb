import Foundation

/// The one way (outside ManifestKit's pthread walker pool) to leave Swift's cooperative
/// pool: blocking work — a socket exchange that waits in `poll`, a `getaddrinfo`, a
/// synchronous ManifestKit reader over S3 — runs on a thread of its own, so it never
/// holds one of the pool's few threads. (`S3ByteStreams`' `Blocking.run` is the way
/// back: synchronous code on such a thread waiting for async work.)
public enum DedicatedThread {
    /// Runs `body` on a new thread with a `stackSize`-byte stack (nil: the system's
    /// default) and returns (or throws) what it did, without blocking the calling task's thread.
    public static func run<T: Sendable>(stackSize: Int? = nil, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            start(stackSize: stackSize) { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Starts `body` on a new thread and returns at once (the thread ends with `body`).
    public static func start(stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        if let stackSize { thread.stackSize = stackSize }
        thread.start()
    }
}
