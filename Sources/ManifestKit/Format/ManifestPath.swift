/// The rules for an entry path (DESIGN.md §3): relative, `/`-separated, no
/// leading `./`, raw bytes.
public enum ManifestPath {
    /// Why `path` is not a valid entry path (a predicate such as `has an empty
    /// component`, to follow the quoted path), or nil when it is.
    ///
    /// Rejected: the empty path, a leading `/`, an empty component (`a//b`, a
    /// trailing `/`), a `.` or `..` component, and any NUL byte.
    public static func problem(_ path: [UInt8]) -> String? {
        path.withUnsafeBufferPointer { problem($0) }
    }

    /// ``problem(_:)-([UInt8])`` over a buffer.
    public static func problem(_ p: UnsafeBufferPointer<UInt8>) -> String? {
        if p.isEmpty { return "is empty" }
        if p[0] == 0x2F { return "starts with \"/\"" }
        var start = 0
        var i = 0
        let n = p.count
        while i <= n {
            if i == n || p[i] == 0x2F {
                let len = i - start
                if len == 0 { return "has an empty component" }
                if p[start] == 0x2E && (len == 1 || (len == 2 && p[start + 1] == 0x2E)) {
                    return "has a \"\(len == 1 ? "." : "..")\" component"
                }
                start = i + 1
            } else if p[i] == 0 {
                return "contains a NUL byte"
            }
            i += 1
        }
        return nil
    }
}
