import Glibc

/// Hashing large files through `mmap` windows instead of `read`, on local file
/// systems: `read` copies every byte from the page cache into the buffer (about
/// 14 % of the CPU when hashing large cached files), a mapping lets SHA-256 read
/// the page cache directly.
///
/// The danger of a mapping is `SIGBUS`: a page past the end of a file that was
/// truncated after it was mapped (or a page the disk cannot read) kills the
/// process when touched. This type installs one process-wide `SIGBUS` handler
/// that recognises faults inside a window a walker thread has registered, maps
/// zero-filled anonymous memory over the rest of that window (so the hashing
/// code finishes reading it), and marks the window as faulted; the walker then
/// reports the file as `unstable` (its size or times changed) or, when nothing
/// changed, as an `EIO` error. A fault anywhere else is passed on to the action
/// that was installed before (default: the process dies, as without us).
///
/// Each walker thread holds one slot (a registered window at a time); slots are
/// claimed when a walk's thread starts and released when it ends.
enum MappedRegions {
    /// Slots available to all walks of the process at once.
    static let capacity = 8192

    /// Window size: large enough that `mmap`/`munmap` cost little next to
    /// hashing (8 MiB windows were ≈ 3 % faster on 256 MiB files), small enough
    /// that the mapped pages, which count in the process's RSS, stay a few MiB
    /// per thread.
    static let windowBytes = 2 << 20

    /// `[start, end, faulted]` per slot; `start == 0` means empty.
    nonisolated(unsafe) private static var table: UnsafeMutablePointer<UInt> = {
        let t = UnsafeMutablePointer<UInt>.allocate(capacity: 3 * capacity)
        t.initialize(repeating: 0, count: 3 * capacity)
        return t
    }()
    /// Faults caught inside registered windows since the process started.
    nonisolated(unsafe) private(set) static var caughtFaults = 0
    /// Slots ever handed out (the handler scans this many).
    nonisolated(unsafe) private static var highWater = 0
    nonisolated(unsafe) private static var free: [Int] = []
    nonisolated(unsafe) private static var previous = sigaction()
    private static let lock = PosixMutex()
    nonisolated(unsafe) private static var installed = false
    private static let pageMask = UInt(sysconf(Int32(_SC_PAGESIZE)) - 1)

    /// A claimed slot, or nil when all are taken (the caller then reads).
    static func claim() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        if !installed {
            _ = table  // allocated before the handler can run
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = handleBusError
            action.sa_flags = SA_SIGINFO
            sigemptyset(&action.sa_mask)
            guard sigaction(SIGBUS, &action, &previous) == 0 else { return nil }
            installed = true
        }
        if let slot = free.popLast() { return slot }
        guard highWater < capacity else { return nil }
        highWater += 1
        return highWater - 1
    }

    static func release(_ slot: Int) {
        lock.lock()
        table[3 * slot] = 0
        table[3 * slot + 1] = 0
        free.append(slot)
        lock.unlock()
    }

    /// Maps `length` bytes of `fd` at `offset` read-only and registers them in
    /// `slot`; nil (with `errno`) when `mmap` fails.
    static func map(fd: Int32, offset: Int, length: Int, slot: Int) -> UnsafeRawBufferPointer? {
        guard let p = mmap(nil, length, PROT_READ, MAP_SHARED, fd, off_t(offset)), p != MAP_FAILED else { return nil }
        _ = madvise(p, length, MADV_SEQUENTIAL)
        let start = UInt(bitPattern: p)
        table[3 * slot + 2] = 0
        table[3 * slot + 1] = (start + UInt(length) + pageMask) & ~pageMask
        table[3 * slot] = start
        return UnsafeRawBufferPointer(start: p, count: length)
    }

    /// Unmaps `region` and clears `slot`; returns whether a fault was caught in it.
    static func unmap(_ region: UnsafeRawBufferPointer, slot: Int) -> Bool {
        let faulted = table[3 * slot + 2] != 0
        table[3 * slot] = 0
        table[3 * slot + 1] = 0
        munmap(UnsafeMutableRawPointer(mutating: region.baseAddress), region.count)
        return faulted
    }

    /// The `SIGBUS` handler (async-signal-safe: plain loads and stores, `mmap`,
    /// `sigaction`). Runs on the faulting thread.
    private static let handleBusError: @convention(c) (Int32, UnsafeMutablePointer<siginfo_t>?, UnsafeMutableRawPointer?) -> Void = { _, info, _ in
        let address = UInt(bitPattern: info?.pointee._sifields._sigfault.si_addr)
        let count = MappedRegions.highWater
        let table = MappedRegions.table
        for slot in 0..<count {
            let start = table[3 * slot], end = table[3 * slot + 1]
            guard start != 0, address >= start, address < end else { continue }
            // Zeros over the rest of the window: the hashing finishes without
            // further faults, and the walker sees the mark.
            let page = address & ~MappedRegions.pageMask
            let zeros = mmap(UnsafeMutableRawPointer(bitPattern: page), Int(end - page), PROT_READ,
                             MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
            if zeros == MAP_FAILED { break }
            table[3 * slot + 2] = 1
            MappedRegions.caughtFaults += 1
            return
        }
        // Not ours: the earlier action takes it, when the faulting access is
        // retried, or at once for a signal sent by a process (`si_code` ≤ 0).
        _ = sigaction(SIGBUS, &MappedRegions.previous, nil)
        if let info, info.pointee.si_code <= 0 { _ = raise(SIGBUS) }
    }
}
