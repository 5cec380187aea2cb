import Glibc

/// A cursor for the canonical fast path: raw pointer, no error reporting.
struct CanonicalCursor {
    let p: UnsafePointer<UInt8>
    let n: Int
    var i = 0

    @inline(__always)
    mutating func literal(_ s: StaticString) -> Bool {
        let k = s.utf8CodeUnitCount
        guard n - i >= k, memcmp(p + i, s.utf8Start, k) == 0 else { return false }
        i += k
        return true
    }

    /// Up to 19 digits without a leading zero (so no overflow is possible).
    @inline(__always)
    mutating func uint() -> UInt64? {
        let start = i
        var v: UInt64 = 0
        while i < n {
            let d = p[i] &- 0x30
            if d > 9 { break }
            v = v &* 10 &+ UInt64(d)
            i += 1
        }
        let len = i - start
        guard len > 0, len <= 19, len == 1 || p[start] != 0x30 else { return nil }
        return v
    }

    @inline(__always)
    mutating func uint32() -> UInt32? {
        guard let v = uint(), v <= UInt64(UInt32.max) else { return nil }
        return UInt32(v)
    }

    @inline(__always)
    mutating func int() -> Int64? {
        let negative = i < n && p[i] == 0x2D
        if negative { i += 1 }
        guard let v = uint(), !(negative && v == 0) else { return nil }
        // 19 digits may still exceed Int64.max: leave those to the general decoder.
        guard v <= UInt64(Int64.max) else { return nil }
        return negative ? -Int64(v) : Int64(v)
    }

    /// The body of a string up to its closing quote (consumed), when it has no
    /// escapes and no control characters and is valid UTF-8.
    @inline(__always)
    mutating func plainString() -> UnsafeBufferPointer<UInt8>? {
        guard i < n, let hit = memchr(p + i, 0x22, n - i) else { return nil }
        let end = UnsafeRawPointer(p).distance(to: UnsafeRawPointer(hit))
        let body = UnsafeBufferPointer(start: p + i, count: end - i)
        let (plain, ascii) = ByteScan.classify(body)
        guard plain, ascii || UTF8Check.isValid(body) else { return nil }
        i = end + 1
        return body
    }

    /// Exactly 64 lower-case hex digits and a closing quote (consumed).
    @inline(__always)
    mutating func sha256Hex() -> UnsafeBufferPointer<UInt8>? {
        guard n - i >= 65, p[i + 64] == 0x22 else { return nil }
        let body = UnsafeBufferPointer(start: p + i, count: 64)
        guard ByteScan.isLowerHex64(p + i) else { return nil }
        i += 65
        return body
    }
}

extension ManifestCodec {
    /// Decodes a line in exactly the shape ``appendEntryLine(_:to:)`` writes
    /// (key order, no whitespace, plain UTF-8 strings, canonical integers).
    /// Returns nil for any deviation, leaving the decision — and the error
    /// message — to the general decoder, so both accept the same lines.
    /// Throws only for entry-rule problems of a well-formed canonical line.
    static func decodeCanonicalEntry(_ line: UnsafeBufferPointer<UInt8>) throws(LineProblem) -> ManifestEntry? {
        guard let base = line.baseAddress else { return nil }
        var c = CanonicalCursor(p: base, n: line.count)
        guard c.literal("{\"path\":\""), let path = c.plainString(),
              c.literal(",\"type\":\""), let typeName = c.plainString(), let type = EntryType.match(typeName),
              c.literal(",\"size\":"), let size = c.uint(),
              c.literal(",\"mode\":"), let mode = c.uint32(),
              c.literal(",\"uid\":"), let uid = c.uint32(),
              c.literal(",\"gid\":"), let gid = c.uint32(),
              c.literal(",\"mtimeNs\":"), let mtime = c.int(),
              c.literal(",\"ctimeNs\":"), let ctime = c.int(),
              c.literal(",\"ino\":"), let ino = c.uint(),
              c.literal(",\"nlink\":"), let nlink = c.uint()
        else { return nil }
        var e = ManifestEntry(path: Array(path), type: type, size: size, mode: mode, uid: uid, gid: gid,
                              mtimeNs: mtime, ctimeNs: ctime, ino: ino, nlink: nlink)
        if c.literal(",\"rdevMajor\":") {
            guard let major = c.uint32(), c.literal(",\"rdevMinor\":"), let minor = c.uint32() else { return nil }
            e.rdev = DeviceNumber(major: major, minor: minor)
        }
        if c.literal(",\"sha256\":\"") {
            guard let hex = c.sha256Hex() else { return nil }
            e.sha256 = String(decoding: hex, as: UTF8.self)
        }
        if c.literal(",\"target\":\"") {
            guard let target = c.plainString() else { return nil }
            e.target = Array(target)
        }
        if c.literal(",\"error\":\"") {
            guard let error = c.plainString() else { return nil }
            e.error = String(decoding: error, as: UTF8.self)
        }
        if c.literal(",\"unstable\":true") { e.unstable = true }
        if c.literal(",\"reuseMismatch\":true") { e.reuseMismatch = true }
        guard c.literal("}"), c.i == c.n else { return nil }
        if let problem = e.problem(digestChecked: true) { throw LineProblem(problem) }
        return e
    }
}
