/// A listed directory during a walk: its sorted names, the results of its
/// children's jobs, and (maybe) an open descriptor. Mutable fields are guarded
/// by the walk's mutex; `listing` is fixed once the node is published.
final class DirNode: @unchecked Sendable {
    let parent: DirNode?
    /// Index of this directory among its parent's sorted names.
    let indexInParent: Int
    /// 0 for the root.
    let depth: Int
    /// The name in the parent, NUL-terminated (empty for the root).
    let cName: [CChar]
    /// Relative path from the root (empty for the root).
    let path: [UInt8]
    let dev: UInt64
    let ino: UInt64
    var listing: DirectoryListing
    /// One slot per name; filled by workers, emptied by the emitter.
    var results: [JobResult?]

    /// Next name to hand to a worker.
    var nextToSchedule = 0
    /// Next name the emitter waits for.
    var nextToEmit = 0
    /// Open descriptor or -1 (evicted / closed; re-opened through ancestors).
    var fd: Int32
    /// Jobs (or re-opens of descendants) currently using `fd`.
    var fdUsers = 0
    /// Tick of the last use, for evicting the least recently used descriptor.
    var lastUse: UInt64 = 0
    /// Jobs of this directory's names running now.
    var running = 0
    /// Position in the scheduler's heap, -1 when not in it.
    var heapIndex = -1
    /// Whether the heap holding it is the one of directories at their running limit.
    var saturated = false
    /// Position in the open-descriptor list, -1 when `fd` is closed.
    var openIndex = -1

    init(parent: DirNode?, indexInParent: Int, name: ArraySlice<UInt8>, path: [UInt8],
         dev: UInt64, ino: UInt64, fd: Int32, listing: DirectoryListing) {
        self.parent = parent
        self.indexInParent = indexInParent
        self.depth = (parent?.depth ?? -1) + 1
        self.cName = name.map { CChar(bitPattern: $0) } + [0]
        self.path = path
        self.dev = dev
        self.ino = ino
        self.fd = fd
        self.listing = listing
        self.results = Array(repeating: nil, count: listing.count)
    }

    /// The relative path of child `i`.
    func childPath(_ i: Int) -> [UInt8] {
        let name = listing.name(i)
        if path.isEmpty { return Array(name) }
        var p = path
        p.reserveCapacity(path.count + 1 + name.count)
        p.append(0x2F)
        p.append(contentsOf: name)
        return p
    }

    /// True when child `i` of `a` comes before child `j` of `b` in manifest order
    /// (depth-first pre-order). Walks up the parent chains: O(depth).
    static func precedes(_ x: DirNode, _ i: Int, _ y: DirNode, _ j: Int) -> Bool {
        // Unretained: every node on both chains is kept alive by `x` and `y`.
        unowned(unsafe) var a = x
        unowned(unsafe) var b = y
        var ai = i, aLifted = false
        var bi = j, bLifted = false
        while a.depth > b.depth { ai = a.indexInParent; a = a.parent!; aLifted = true }
        while b.depth > a.depth { bi = b.indexInParent; b = b.parent!; bLifted = true }
        while a !== b {
            ai = a.indexInParent; a = a.parent!; aLifted = true
            bi = b.indexInParent; b = b.parent!; bLifted = true
        }
        if ai != bi { return ai < bi }
        // One position lies inside the other's subtree: the ancestor comes first.
        return !aLifted && bLifted
    }
}

/// What a worker produced for one name.
struct JobResult {
    let entry: ManifestEntry
    /// The listed directory to descend into (nil for non-directories, mount
    /// points, unreadable and empty directories).
    let dir: DirNode?

    init(entry: ManifestEntry, dir: DirNode?) {
        self.entry = entry
        self.dir = dir
    }
}

/// Directories that still have names to hand out, ordered by the manifest
/// position of their next name, so workers always take the earliest job.
struct DirHeap {
    private(set) var items: [DirNode] = []

    var first: DirNode? { items.first }
    var isEmpty: Bool { items.isEmpty }

    private static func less(_ x: DirNode, _ y: DirNode) -> Bool {
        DirNode.precedes(x, x.nextToSchedule, y, y.nextToSchedule)
    }

    mutating func insert(_ node: DirNode) {
        node.heapIndex = items.count
        items.append(node)
        siftUp(items.count - 1)
    }

    /// Call after the first node's `nextToSchedule` grew.
    mutating func firstAdvanced() { siftDown(0) }

    mutating func removeFirst() { remove(items[0]) }

    /// Removes `node`, which must be in this heap.
    mutating func remove(_ node: DirNode) {
        let i = node.heapIndex
        node.heapIndex = -1
        let last = items.removeLast()
        guard i < items.count else { return }
        items[i] = last
        last.heapIndex = i
        siftDown(i)
        siftUp(last.heapIndex)
    }

    private mutating func swapAt(_ i: Int, _ j: Int) {
        items.swapAt(i, j)
        items[i].heapIndex = i
        items[j].heapIndex = j
    }

    private mutating func siftUp(_ i: Int) {
        var i = i
        while i > 0 {
            let p = (i - 1) / 2
            guard Self.less(items[i], items[p]) else { return }
            swapAt(i, p)
            i = p
        }
    }

    private mutating func siftDown(_ i: Int) {
        var i = i
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count && Self.less(items[l], items[m]) { m = l }
            if r < items.count && Self.less(items[r], items[m]) { m = r }
            if m == i { return }
            swapAt(i, m)
            i = m
        }
    }
}
