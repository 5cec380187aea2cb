import Glibc

/// The cache of open directory descriptors: closing idle ones, evicting the least
/// recently used beyond the limit, and re-opening an evicted directory through
/// its nearest open ancestor (checking device and inode at every step).
extension WalkScheduler {
    /// Re-opens evicted `node` from its nearest open ancestor for the job of
    /// names `index ..< index + count`. Called, and returns, with the lock held, like
    /// every `…Locked` method; the `openat` and `close` calls run in
    /// ``withLockReleased(_:)`` blocks. The caller unlocks, then closes the
    /// descriptors returned with the job (evicted ones). nil when those names got
    /// error entries instead. Running out of descriptors is not a failure of those
    /// names: room is made and the re-open tried again
    /// (``recoverLocked(from:alone:)``); when the walk stops instead, nil is
    /// returned with nothing stored.
    func reopenLocked(_ node: DirNode, _ index: Int, _ count: Int) -> (job: Job, toClose: [Int32])? {
        var alone = 0
        while true {
            switch reopenOnceLocked(node, index, count) {
            case .job(let job, let toClose): return (job, toClose)
            case .failed: return nil
            case .exhausted(let code):
                if recoverLocked(from: code, alone: &alone) { continue }
                finishedLocked(node)
                return nil
            }
        }
    }

    /// Runs `body` without the lock, which the caller holds: it is let go before
    /// `body` and taken again after, so the span without it is the closure's.
    func withLockReleased<R>(_ body: () -> R) -> R {
        mutex.unlock()
        defer { mutex.lock() }
        return body()
    }

    private enum ReopenOutcome {
        case job(Job, toClose: [Int32])
        case failed
        case exhausted(Int32)
    }

    private func reopenOnceLocked(_ node: DirNode, _ index: Int, _ count: Int) -> ReopenOutcome {
        let (ancestor, chain) = nearestOpenAncestorLocked(of: node)
        ancestor.fdUsers += 1
        let baseFd = ancestor.fd
        let keep = min(chain.count - 1, maxOpenDirectories / 2)
        let reopened = withLockReleased {
            progress.addReopen()
            return Self.reopen(from: baseFd, chain: chain.reversed(), keep: keep)
        }
        var toClose: [Int32] = []
        ancestor.fdUsers -= 1
        releaseIfIdleLocked(ancestor, &toClose)
        switch reopened {
        case .success(let fds):
            adoptLocked(fds, chain: chain, keep: keep, &toClose)
            node.fdUsers += 1
            evictLocked(&toClose)
            return .job(Job(node: node, index: index, count: count, fd: node.fd), toClose: toClose)
        case .failure(let e) where ResourceLimits.isExhaustion(e.code):
            closeWithLockReleased(toClose)
            return .exhausted(e.code)
        case .failure(let e):
            failNamesLocked(node, index, count, e)
            releaseIfIdleLocked(node, &toClose)
            closeWithLockReleased(toClose)
            return .failed
        }
    }

    /// The nearest ancestor of evicted `node` that has a descriptor, and the chain
    /// of directories from `node` up to below it (`node` first).
    private func nearestOpenAncestorLocked(of node: DirNode) -> (ancestor: DirNode, chain: [DirNode]) {
        var chain: [DirNode] = [node]
        var ancestor = node.parent!
        while ancestor.fd < 0 {
            chain.append(ancestor)
            ancestor = ancestor.parent!
        }
        return (ancestor, chain)
    }

    /// Takes the descriptors ``reopen(from:chain:keep:)`` returned into the cache: the
    /// re-opened directory's (`chain[0]`, last in `fds`) and those of the `keep`
    /// ancestors opened on the way that still have names to hand out (deeper ones
    /// count as more recently used); the rest go to `toClose`.
    private func adoptLocked(_ fds: [Int32], chain: [DirNode], keep: Int, _ toClose: inout [Int32]) {
        for (ancestorNode, ancestorFd) in zip(chain[1..<(keep + 1)].reversed(), fds.dropLast()) {
            tick += 1
            if ancestorNode.fd < 0 && ancestorNode.nextToSchedule < ancestorNode.listing.count {
                cacheLocked(ancestorNode, ancestorFd)
            } else {
                toClose.append(ancestorFd)
            }
        }
        tick += 1
        let node = chain[0], fd = fds[fds.count - 1]
        if node.fd >= 0 {
            node.lastUse = tick
            toClose.append(fd)  // another worker re-opened it meanwhile
        } else {
            cacheLocked(node, fd)
        }
    }

    private func cacheLocked(_ node: DirNode, _ fd: Int32) {
        node.fd = fd
        node.lastUse = tick
        node.openIndex = open.count
        open.append(node)
    }

    /// Completes the names of a job whose directory could not be re-opened with
    /// error entries saying why.
    private func failNamesLocked(_ node: DirNode, _ index: Int, _ count: Int, _ e: Errno) {
        for i in index..<(index + count) {
            let entry = ManifestEntry(path: node.childPath(i), type: entryType(dtype: node.listing.dtype(i)),
                                      nlink: 0, error: e.text)
            storeLocked(node, i, JobResult(entry: entry, dir: nil))
        }
        finishedLocked(node)
    }

    private func closeWithLockReleased(_ fds: [Int32]) {
        guard !fds.isEmpty else { return }
        withLockReleased { fds.forEach { _ = close($0) } }
    }

    /// Opens `chain` (names from an open ancestor down to the wanted directory) one
    /// component at a time, checking each directory is the one listed before.
    /// Returns the wanted directory's descriptor last, preceded by those of up to
    /// `keep` of its nearest ancestors on the chain (the others are closed).
    static func reopen(from base: Int32, chain: [DirNode], keep: Int) -> Result<[Int32], Errno> {
        var opened: [Int32] = []
        var current = base
        for node in chain {
            let fd = node.cName.withUnsafeBufferPointer {
                openat(current, $0.baseAddress!, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            }
            let code = errno
            guard fd >= 0 else {
                opened.forEach { _ = close($0) }
                return .failure(Errno(code))
            }
            guard case .success(let st) = FileStat.of(fd: fd), st.dev == node.dev, st.ino == node.ino else {
                close(fd)
                opened.forEach { _ = close($0) }
                return .failure(Errno(ESTALE))  // not the directory that was listed
            }
            opened.append(fd)
            if opened.count > keep + 1 { close(opened.removeFirst()) }
            current = fd
        }
        return .success(opened)
    }

    /// Closes `node`'s descriptor once no job uses it and none will.
    func releaseIfIdleLocked(_ node: DirNode, _ toClose: inout [Int32]) {
        if node.fd >= 0 && node.fdUsers == 0 && node.nextToSchedule >= node.listing.count && node !== root {
            closeLocked(node, &toClose)
        }
    }

    func closeLocked(_ node: DirNode, _ toClose: inout [Int32]) {
        toClose.append(node.fd)
        node.fd = -1
        let i = node.openIndex
        let last = open.removeLast()
        if last !== node {
            open[i] = last
            last.openIndex = i
        }
        node.openIndex = -1
    }

    /// Closes the least recently used idle descriptors beyond the limit.
    func evictLocked(_ toClose: inout [Int32]) {
        while open.count > maxOpenDirectories {
            var victim: DirNode?
            for node in open where node.fdUsers == 0 {
                if victim == nil || node.lastUse < victim!.lastUse { victim = node }
            }
            guard let victim else { return }
            closeLocked(victim, &toClose)
        }
    }
}
