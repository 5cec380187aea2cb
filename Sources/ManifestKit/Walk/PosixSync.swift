import Glibc

/// A pthread mutex with one or more condition variables, for the walker's
/// dedicated threads (which must not block Swift's cooperative pool).
final class PosixMutex: @unchecked Sendable {
    // @unchecked Sendable: a pthread mutex is made to be shared between threads; `raw`
    // is allocated once in `init` and never moves (pthread objects must not be copied).
    fileprivate let raw: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        raw = .allocate(capacity: 1)
        raw.initialize(to: pthread_mutex_t())
        precondition(pthread_mutex_init(raw, nil) == 0, "pthread_mutex_init failed")
    }

    deinit {
        pthread_mutex_destroy(raw)
        raw.deinitialize(count: 1)
        raw.deallocate()
    }

    func lock() { precondition(pthread_mutex_lock(raw) == 0, "pthread_mutex_lock failed") }
    func unlock() { precondition(pthread_mutex_unlock(raw) == 0, "pthread_mutex_unlock failed") }
}

/// A condition variable used with a `PosixMutex`.
final class PosixCondition: @unchecked Sendable {
    // @unchecked Sendable: as `PosixMutex`; pthread condition variables are thread-safe.
    private let raw: UnsafeMutablePointer<pthread_cond_t>

    init() {
        raw = .allocate(capacity: 1)
        raw.initialize(to: pthread_cond_t())
        precondition(pthread_cond_init(raw, nil) == 0, "pthread_cond_init failed")
    }

    deinit {
        pthread_cond_destroy(raw)
        raw.deinitialize(count: 1)
        raw.deallocate()
    }

    /// Waits; the caller holds `mutex`, which is released while waiting.
    func wait(_ mutex: PosixMutex) { precondition(pthread_cond_wait(raw, mutex.raw) == 0, "pthread_cond_wait failed") }
    /// Waits at most `nanoseconds` (or until signalled); the caller holds `mutex`.
    func wait(_ mutex: PosixMutex, nanoseconds: Int) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let total = Int(now.tv_nsec) + max(0, nanoseconds)
        var deadline = timespec(tv_sec: now.tv_sec + total / 1_000_000_000, tv_nsec: total % 1_000_000_000)
        _ = pthread_cond_timedwait(raw, mutex.raw, &deadline)
    }
    func signal() { pthread_cond_signal(raw) }
    func broadcast() { pthread_cond_broadcast(raw) }
}

/// Waits until `count` threads have called ``countDown()``.
final class CountDownLatch: Sendable {
    private let mutex = PosixMutex()
    private let condition = PosixCondition()
    // nonisolated(unsafe): read and written only with `mutex` held.
    nonisolated(unsafe) private var remaining: Int

    init(_ count: Int) { remaining = count }

    func countDown() {
        mutex.lock()
        remaining -= 1
        if remaining <= 0 { condition.broadcast() }
        mutex.unlock()
    }

    func wait() {
        mutex.lock()
        while remaining > 0 { condition.wait(mutex) }
        mutex.unlock()
    }
}

/// A dedicated POSIX thread (not part of Swift's cooperative pool) that can be joined.
final class WorkerThread {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    private var thread = pthread_t()

    /// Starts `body` on a new thread with a `stackSize`-byte stack.
    init(stackSize: Int, _ body: @escaping @Sendable () -> Void) {
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        defer { pthread_attr_destroy(&attr) }
        pthread_attr_setstacksize(&attr, stackSize)
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        let rc = pthread_create(&thread, &attr, { arg in
            Unmanaged<Body>.fromOpaque(arg!).takeRetainedValue().run()
            return nil
        }, context)
        precondition(rc == 0, "pthread_create failed: \(SystemError.describe(rc))")
    }

    func join() { pthread_join(thread, nil) }

    /// Names the calling thread for `top -H`, profilers and
    /// `/proc/self/task/*/comm` (Linux keeps the first 15 bytes); best effort.
    static func nameCurrent(_ name: String) {
        // pthread_setname_np is not in Glibc's Swift module; this is what it does.
        let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        var bytes = Array(name.utf8.prefix(15))
        _ = write(fd, &bytes, bytes.count)
        close(fd)
    }
}
