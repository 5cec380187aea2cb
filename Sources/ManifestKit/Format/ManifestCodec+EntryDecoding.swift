import Primitives

/// The keys an entry line may carry (anything else is skipped).
enum EntryKey: UInt8 {
    case path, pathB64, type, size, mode, uid, gid, mtimeNs, ctimeNs, ino, nlink
    case sha256, target, targetB64, error, unstable, trailer, rdevMajor, rdevMinor, reuseMismatch, unknown

    var name: String { String(describing: self) }

    @inline(__always)
    static func match(_ k: UnsafeBufferPointer<UInt8>) -> EntryKey {
        switch k.count {
        case 3:
            if keyIs(k, "ino") { return .ino }
            if keyIs(k, "uid") { return .uid }
            if keyIs(k, "gid") { return .gid }
        case 4:
            if keyIs(k, "path") { return .path }
            if keyIs(k, "type") { return .type }
            if keyIs(k, "size") { return .size }
            if keyIs(k, "mode") { return .mode }
        case 5:
            if keyIs(k, "nlink") { return .nlink }
            if keyIs(k, "error") { return .error }
        case 6:
            if keyIs(k, "sha256") { return .sha256 }
            if keyIs(k, "target") { return .target }
        case 7:
            if keyIs(k, "mtimeNs") { return .mtimeNs }
            if keyIs(k, "ctimeNs") { return .ctimeNs }
            if keyIs(k, "pathB64") { return .pathB64 }
            if keyIs(k, "trailer") { return .trailer }
        case 8:
            if keyIs(k, "unstable") { return .unstable }
        case 9:
            if keyIs(k, "targetB64") { return .targetB64 }
            if keyIs(k, "rdevMajor") { return .rdevMajor }
            if keyIs(k, "rdevMinor") { return .rdevMinor }
        case 13:
            if keyIs(k, "reuseMismatch") { return .reuseMismatch }
        default:
            break
        }
        return .unknown
    }
}

extension EntryType {
    @inline(__always)
    static func match(_ v: UnsafeBufferPointer<UInt8>) -> EntryType? {
        if keyIs(v, "file") { return .file }
        if keyIs(v, "dir") { return .dir }
        if keyIs(v, "symlink") { return .symlink }
        if keyIs(v, "fifo") { return .fifo }
        if keyIs(v, "socket") { return .socket }
        if keyIs(v, "char") { return .char }
        if keyIs(v, "block") { return .block }
        return nil
    }
}

/// The keys seen so far on one line, one bit per ``EntryKey``.
struct EntryKeySet {
    private var bits: UInt32 = 0

    @inline(__always)
    func contains(_ key: EntryKey) -> Bool { bits & (1 << key.rawValue) != 0 }

    /// Adds `key`; false when it was there already.
    @inline(__always)
    mutating func insert(_ key: EntryKey) -> Bool {
        let bit: UInt32 = 1 << key.rawValue
        guard bits & bit == 0 else { return false }
        bits |= bit
        return true
    }
}

extension ManifestCodec {
    private static let requiredEntryKeys: [EntryKey] = [.type, .size, .mode, .uid, .gid, .mtimeNs, .ctimeNs, .ino, .nlink]

    /// Decodes an entry or trailer line in place: the canonical layout by the fast
    /// path, anything else key by key.
    static func decodeLine(_ line: UnsafeBufferPointer<UInt8>) throws(LineProblem) -> ManifestLine {
        if let e = try decodeCanonicalEntry(line) { return .entry(e) }
        var s = JSONScanner(line)
        try s.beginObject()
        var first = true
        var seen = EntryKeySet()
        var e = ManifestEntry(path: [], type: .file)
        while let key = try s.nextKey(first: &first, EntryKey.match) {
            if key == .unknown {
                try s.skipValue()
                continue
            }
            if key == .trailer { return .trailer(try decodeTrailer(line)) }
            guard seen.insert(key) else { throw LineProblem("duplicate key \"\(key.name)\"") }
            try decodeValue(of: key, from: &s, into: &e)
        }
        try s.end()
        try checkKeys(seen)
        if let problem = e.problem(digestChecked: true) { throw LineProblem(problem) }
        return .entry(e)
    }

    /// Reads the value of `key` into its field of `e`.
    @inline(__always)
    private static func decodeValue(of key: EntryKey, from s: inout JSONScanner, into e: inout ManifestEntry) throws(LineProblem) {
        switch key {
        case .path: e.path = try s.string("path")
        case .pathB64: e.path = try base64(&s, "pathB64")
        case .type: e.type = try entryType(&s)
        case .size: e.size = try s.uint64("size")
        case .mode: e.mode = try s.uint32("mode")
        case .uid: e.uid = try s.uint32("uid")
        case .gid: e.gid = try s.uint32("gid")
        case .mtimeNs: e.mtimeNs = try s.int64("mtimeNs")
        case .ctimeNs: e.ctimeNs = try s.int64("ctimeNs")
        case .ino: e.ino = try s.uint64("ino")
        case .nlink: e.nlink = try s.uint64("nlink")
        case .sha256: e.sha256 = try sha256(&s)
        case .target: e.target = try s.string("target")
        case .targetB64: e.target = try base64(&s, "targetB64")
        case .error: e.error = String(decoding: try s.string("error"), as: UTF8.self)
        case .unstable: e.unstable = try s.bool("unstable")
        case .reuseMismatch: e.reuseMismatch = try s.bool("reuseMismatch")
        case .rdevMajor:
            let major = try s.uint32("rdevMajor")
            e.rdev = DeviceNumber(major: major, minor: e.rdev?.minor ?? 0)
        case .rdevMinor:
            let minor = try s.uint32("rdevMinor")
            e.rdev = DeviceNumber(major: e.rdev?.major ?? 0, minor: minor)
        case .trailer, .unknown:
            break
        }
    }

    /// The keys that must come together or not at all, and the ones every entry has.
    private static func checkKeys(_ seen: EntryKeySet) throws(LineProblem) {
        let hasPath = seen.contains(.path), hasPathB64 = seen.contains(.pathB64)
        if hasPath && hasPathB64 { throw LineProblem("both \"path\" and \"pathB64\"") }
        if !hasPath && !hasPathB64 { throw LineProblem("missing \"path\"") }
        if seen.contains(.target) && seen.contains(.targetB64) { throw LineProblem("both \"target\" and \"targetB64\"") }
        let hasMajor = seen.contains(.rdevMajor), hasMinor = seen.contains(.rdevMinor)
        if hasMajor != hasMinor {
            throw LineProblem(hasMajor ? "\"rdevMajor\" without \"rdevMinor\"" : "\"rdevMinor\" without \"rdevMajor\"")
        }
        for k in requiredEntryKeys where !seen.contains(k) {
            throw LineProblem("missing \"\(k.name)\"")
        }
    }

    @inline(__always)
    private static func entryType(_ s: inout JSONScanner) throws(LineProblem) -> EntryType {
        try s.plainString("type") { (v) throws(LineProblem) -> EntryType in
            guard let t = EntryType.match(v) else {
                throw LineProblem("unknown entry type \(JSONText.quoted(String(decoding: v, as: UTF8.self)))")
            }
            return t
        }
    }

    @inline(__always)
    private static func sha256(_ s: inout JSONScanner) throws(LineProblem) -> String {
        try s.plainString("sha256") { (v) throws(LineProblem) -> String in
            guard ManifestEntry.isSHA256Hex(v) else { throw LineProblem("\"sha256\" must be 64 lower-case hex digits") }
            return String(decoding: v, as: UTF8.self)
        }
    }

    private static func base64(_ s: inout JSONScanner, _ field: String) throws(LineProblem) -> [UInt8] {
        let text = try s.string(field)
        guard let bytes = text.withUnsafeBufferPointer({ Base64.decode($0) }) else {
            throw LineProblem("\"\(field)\" is not valid base64")
        }
        return bytes
    }
}
