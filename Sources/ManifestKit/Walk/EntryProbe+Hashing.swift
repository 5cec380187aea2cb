import Glibc
import Primitives

/// What one walker thread reuses for every file: the read buffer, the hasher,
/// and (on local file systems) a `MappedRegions` slot for large files.
final class HashScratch {
    let buffer: UnsafeMutableRawBufferPointer
    let hasher = SHA256()
    /// Nil when large files are read (network file systems, or no slot left).
    let mapSlot: Int?

    init(bufferSize: Int, mapLargeFiles: Bool) {
        buffer = .allocate(byteCount: bufferSize, alignment: 4096)
        mapSlot = mapLargeFiles ? MappedRegions.claim() : nil
    }

    func release() {
        buffer.deallocate()
        if let mapSlot { MappedRegions.release(mapSlot) }
    }
}

extension EntryProbe {
    /// Hashes the open regular file `fd` whose `fstat` is `before`; the entry's
    /// metadata is `before`, `unstable` when a second `fstat` or the byte count
    /// differs. Files larger than the buffer are mapped when `scratch` has a slot.
    func hashOpened(fd: Int32, path: [UInt8], before: FileStat, scratch: HashScratch) throws(Exhausted) -> ManifestEntry {
        hooks.afterOpen?(path)
        if before.size > UInt64(scratch.buffer.count) {
            _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
            if let slot = scratch.mapSlot, let entry = try hashMapped(fd: fd, path: path, before: before, scratch: scratch, slot: slot) {
                return entry
            }
        }
        scratch.hasher.reset()
        var total: UInt64 = 0
        while true {
            if let code = hooks.injected(.read, path) { return try withError(before.entry(path: path), code) }
            let n = Glibc.read(fd, scratch.buffer.baseAddress, scratch.buffer.count)
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                return try withError(before.entry(path: path), e)
            }
            if n == 0 { break }
            scratch.hasher.update(UnsafeRawBufferPointer(rebasing: scratch.buffer[0..<n]))
            total += UInt64(n)
            progress.addBytes(UInt64(n))
            hooks.afterRead?(path, total)
            // Stop at the stat'ed size without an extra read for EOF (one round
            // trip less per file on NFS); a file that grew shows in the fstat below.
            if before.size > 0 && total >= before.size { break }
        }
        return try finished(fd: fd, path: path, before: before, total: total, scratch: scratch, faulted: false)
    }

    /// Hashes `before.size` bytes through `MappedRegions.windowBytes` windows.
    /// Nil when the first window cannot be mapped (the caller reads instead).
    private func hashMapped(fd: Int32, path: [UInt8], before: FileStat, scratch: HashScratch, slot: Int) throws(Exhausted) -> ManifestEntry? {
        scratch.hasher.reset()
        var total: UInt64 = 0
        var faulted = false
        while total < before.size && !faulted {
            if let code = hooks.injected(.read, path) { return try withError(before.entry(path: path), code) }
            let length = Int(min(UInt64(MappedRegions.windowBytes), before.size - total))
            guard let window = MappedRegions.map(fd: fd, offset: Int(total), length: length, slot: slot) else {
                if total == 0 { return nil }
                return try withError(before.entry(path: path), errno)
            }
            scratch.hasher.update(window)
            faulted = MappedRegions.unmap(window, slot: slot)
            total += UInt64(length)
            progress.addBytes(UInt64(length))
            hooks.afterRead?(path, total)
        }
        return try finished(fd: fd, path: path, before: before, total: total, scratch: scratch, faulted: faulted)
    }

    /// The entry once the bytes are hashed: the second `fstat` decides `unstable`.
    /// A mapped page that could not be read although the file did not change is
    /// an I/O error. On NFS this `fstat` costs a GETATTR (the read made the cached atime
    /// stale), and that round trip is the point: it is how a change by another client
    /// during the read is seen. A `statx` without atime would be answered from the
    /// cache; measured and rejected (docs/scaling.md, "Round trips").
    private func finished(fd: Int32, path: [UInt8], before: FileStat, total: UInt64, scratch: HashScratch,
                          faulted: Bool) throws(Exhausted) -> ManifestEntry {
        var entry = before.entry(path: path)
        entry.sha256 = scratch.hasher.finalizeHex()
        switch FileStat.of(fd: fd) {
        case .failure(let e): return try withError(entry, e.code)
        case .success(let after):
            let changed = !after.sameContentStamp(before)
            // A fault while mapped: the file shrank (it changed), or a page could
            // not be read (it did not: an I/O error, as `read` would have said).
            if faulted && !changed { return try withError(entry, EIO) }
            entry.unstable = changed || total != before.size
        }
        return entry
    }
}
