/// Walking one shard: only a range of manifest order (``ShardRange``).
///
/// The walker lists a directory only when some path at or below it may lie in
/// the range, and keeps of each listing only the names whose subtree may: a
/// directory wholly before `start` (it sorts before `start`, which is not
/// below it) or wholly at or after `end` is never stat'ed, opened or listed. A
/// directory that straddles a bound is listed and keeps only the names in range
/// (plus, on the way down to `start`, the one name `start` lies below). Those
/// ancestors of `start` are walked but not emitted: every path lands in exactly
/// one shard.
extension DirectoryListing {
    /// The names of this listing (of the directory at `directory`, "" for the
    /// root) whose subtree may hold a path in `range`: a contiguous run of the
    /// sorted names, found by binary search.
    func restricted(below directory: [UInt8], to range: ShardRange) -> DirectoryListing {
        guard range != .all, count > 0 else { return self }
        let childPath = { (i: Int) -> [UInt8] in
            let name = self.name(i)
            return directory.isEmpty ? Array(name) : directory + [0x2F] + name
        }
        // Children sort like their names, so "wholly before start" holds for a
        // prefix of the listing and "at or after end" for a suffix.
        let lo = partitionPoint { i in
            guard let start = range.start else { return true }
            let p = childPath(i)
            return PathOrder.compare(p, start) >= 0 || PathOrder.isAncestor(p, of: start)
        }
        let hi = partitionPoint { i in
            guard let end = range.end else { return false }
            return PathOrder.compare(childPath(i), end) >= 0
        }
        if lo == 0 && hi == count { return self }
        var out = DirectoryListing()
        guard lo < hi else { return out }
        for i in lo..<hi {
            name(i).withUnsafeBufferPointer { out.append($0, dtype: dtype(i)) }
        }
        return out
    }

    /// The first index at which `isPast` holds (it must hold for a suffix), or `count`.
    private func partitionPoint(_ isPast: (Int) -> Bool) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            if isPast(mid) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
