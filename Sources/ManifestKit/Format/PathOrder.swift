/// Manifest order: depth-first pre-order with siblings sorted by raw name bytes.
///
/// Comparing paths component by component (bytewise) is the same as comparing
/// the raw bytes with `/` ranked below every other byte, since no name holds
/// `/` or NUL. So `a` < `a/b` < `a-c` < `ab`.
public enum PathOrder {
    /// Negative when `a` sorts first, zero when equal, positive when `b` sorts first.
    @inlinable
    public static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in compare(pa, pb) }
        }
    }

    @inlinable
    public static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let n = Swift.min(a.count, b.count)
        var i = 0
        // Skip the common prefix a word at a time (sorted paths share long ones).
        if n >= 8, let pa = a.baseAddress, let pb = b.baseAddress {
            let ra = UnsafeRawPointer(pa), rb = UnsafeRawPointer(pb)
            while i + 8 <= n,
                  ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) == rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                i += 8
            }
        }
        while i < n {
            let x = a[i], y = b[i]
            if x != y {
                let kx: Int = x == 0x2F ? -1 : Int(x)
                let ky: Int = y == 0x2F ? -1 : Int(y)
                return kx - ky
            }
            i += 1
        }
        return a.count - b.count
    }

    /// True when `a` sorts strictly before `b`.
    @inlinable
    public static func less(_ a: [UInt8], _ b: [UInt8]) -> Bool { compare(a, b) < 0 }

    /// True when `ancestor` is a proper ancestor directory path of `path`
    /// (`a` of `a/b`, not of `a-b` or `a`).
    public static func isAncestor(_ ancestor: [UInt8], of path: [UInt8]) -> Bool {
        ancestor.count < path.count && path[ancestor.count] == 0x2F && path.starts(with: ancestor)
    }
}
