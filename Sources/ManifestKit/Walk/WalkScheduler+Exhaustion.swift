import Glibc

/// What the walk does when a system call runs out of descriptors or memory
/// (`EMFILE`, `ENFILE`, `ENOMEM`, `ENOBUFS`): such a failure is about the
/// process, not the entry, so it is never recorded. The worker makes room and
/// tries the same call again:
///
/// 1. every idle cached directory descriptor is closed, and fewer are kept
///    from then on (the cache limit halves);
/// 2. fewer jobs may run at once (at most the others running now);
/// 3. with nothing released, it waits for another job to end, or, when no
///    other job is running (or all the others wait like it), backs off (1 ms
///    doubling up to 100 ms).
///
/// A worker in that last case that still fails after `exhaustionAttempts` tries
/// (about two seconds) stops the walk: ``TreeWalker/run(emit:)`` throws an error
/// naming the limit to raise (``ResourceLimits/exhaustedError(_:subject:)``).
extension WalkScheduler {
    /// Called by a worker whose probe ran out of resources (`code`); `alone`
    /// counts its tries with no other job running. Lock not held.
    /// - Returns: true to try again, false when the walk has stopped.
    func recover(from code: Int32, alone: inout Int) -> Bool {
        mutex.lock()
        defer { mutex.unlock() }
        return recoverLocked(from: code, alone: &alone)
    }

    /// ``recover(from:alone:)`` with the lock held (on entry and on return; it
    /// is released while descriptors are closed and while waiting).
    func recoverLocked(from code: Int32, alone: inout Int) -> Bool {
        progress.addExhaustion()
        if stopping { return false }
        var toClose: [Int32] = []
        var index = open.count - 1
        while index >= 0 {
            let node = open[index]
            if node.fdUsers == 0 { closeLocked(node, &toClose) }
            index -= 1
        }
        maxOpenDirectories = max(1, maxOpenDirectories / 2)
        inFlightLimit = max(1, min(inFlightLimit, jobsRunning - 1))
        if !toClose.isEmpty {
            mutex.unlock()
            toClose.forEach { _ = close($0) }
            mutex.lock()
            return !stopping
        }
        // Jobs other than this one that are running, not waiting like it.
        if jobsRunning - 1 - exhaustedWaiters > 0 {
            // Another job holds descriptors: wait until one ends (or briefly).
            exhaustedWaiters += 1
            jobFinished.wait(mutex, nanoseconds: 50_000_000)
            exhaustedWaiters -= 1
            return !stopping
        }
        alone += 1
        if alone >= exhaustionAttempts {
            failLocked(ResourceLimits.exhaustedError(code, subject: rootPath))
            return false
        }
        exhaustedWaiters += 1
        jobFinished.wait(mutex, nanoseconds: min(100_000_000, 1_000_000 << min(alone - 1, 20)))
        exhaustedWaiters -= 1
        return !stopping
    }

    /// Stops the walk with `error` (the first one wins): workers stop at their
    /// next `take`, the emitter at its next wait.
    func failLocked(_ error: ManifestKitError) {
        if failure == nil { failure = error }
        stopping = true
        workAvailable.broadcast()
        resultReady.broadcast()
        jobFinished.broadcast()
    }

    /// The error that stopped the walk, if any.
    func stoppedBy() -> ManifestKitError? {
        mutex.lock()
        defer { mutex.unlock() }
        return failure
    }
}
