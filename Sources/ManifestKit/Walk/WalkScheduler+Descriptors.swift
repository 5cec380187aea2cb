import Glibc

/// The cache of open directory descriptors: closing idle ones, evicting the least
/// recently used beyond the limit, and re-opening an evicted directory through
/// its nearest open ancestor (checking device and inode at every step).
extension WalkScheduler {
    /// Re-opens evicted `node` from its nearest open ancestor for the job of
    /// names `index ..< index + count`. The lock is held on entry and on return
    /// (it is only let go around the `openat` and `close` calls); the caller
    /// unlocks, then closes the descriptors returned with the job (evicted ones).
    /// nil when those names got error entries instead. Running out of
    /// descriptors is not a failure of those names: room is made and the re-open
    /// tried again (``recoverLocked(from:alone:)``); when the walk stops instead,
    /// nil is returned with nothing stored.
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

    private enum ReopenOutcome {
        case job(Job, toClose: [Int32])
        case failed
        case exhausted(Int32)
    }

    private func reopenOnceLocked(_ node: DirNode, _ index: Int, _ count: Int) -> ReopenOutcome {
        var chain: [DirNode] = [node]
        var ancestor = node.parent!
        while ancestor.fd < 0 {
            chain.append(ancestor)
            ancestor = ancestor.parent!
        }
        ancestor.fdUsers += 1
        let baseFd = ancestor.fd
        mutex.unlock()
        let keep = min(chain.count - 1, maxOpenDirectories / 2)
        let reopened = Self.reopen(from: baseFd, chain: chain.reversed(), keep: keep)
        progress.addReopen()
        var toClose: [Int32] = []
        mutex.lock()
        ancestor.fdUsers -= 1
        releaseIfIdleLocked(ancestor, &toClose)
        switch reopened {
        case .success(let fds):
            // Ancestors opened on the way are kept when they still have names to
            // hand out (deeper ones count as more recently used).
            for (ancestorNode, ancestorFd) in zip(chain[1..<(keep + 1)].reversed(), fds.dropLast()) {
                tick += 1
                if ancestorNode.fd < 0 && ancestorNode.nextToSchedule < ancestorNode.listing.count {
                    ancestorNode.fd = ancestorFd
                    ancestorNode.lastUse = tick
                    ancestorNode.openIndex = open.count
                    open.append(ancestorNode)
                } else {
                    toClose.append(ancestorFd)
                }
            }
            tick += 1
            node.lastUse = tick
            let fd = fds[fds.count - 1]
            if node.fd >= 0 {
                toClose.append(fd)
            } else {
                node.fd = fd
                node.openIndex = open.count
                open.append(node)
            }
            node.fdUsers += 1
            evictLocked(&toClose)
            return .job(Job(node: node, index: index, count: count, fd: node.fd), toClose: toClose)
        case .failure(let e) where ResourceLimits.isExhaustion(e.code):
            if !toClose.isEmpty {
                mutex.unlock()
                toClose.forEach { _ = close($0) }
                mutex.lock()
            }
            return .exhausted(e.code)
        case .failure(let e):
            for i in index..<(index + count) {
                let entry = ManifestEntry(path: node.childPath(i), type: entryType(dtype: node.listing.dtype(i)),
                                          nlink: 0, error: e.text)
                storeLocked(node, i, JobResult(entry: entry, dir: nil))
            }
            finishedLocked(node)
            releaseIfIdleLocked(node, &toClose)
            if !toClose.isEmpty {
                mutex.unlock()
                toClose.forEach { _ = close($0) }
                mutex.lock()
            }
            return .failed
        }
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
