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

extension ManifestCodec {
    private static let requiredEntryKeys: [EntryKey] = [.type, .size, .mode, .uid, .gid, .mtimeNs, .ctimeNs, .ino, .nlink]

    /// Decodes an entry or trailer line in place.
    static func decodeLine(_ line: UnsafeBufferPointer<UInt8>) throws(LineProblem) -> ManifestLine {
        if let e = try decodeCanonicalEntry(line) { return .entry(e) }
        var s = JSONScanner(line)
        try s.beginObject()
        var first = true
        var seen: UInt32 = 0
        var e = ManifestEntry(path: [], type: .file)
        while let key = try s.nextKey(first: &first, EntryKey.match) {
            if key == .unknown {
                try s.skipValue()
                continue
            }
            if key == .trailer { return .trailer(try decodeTrailer(line)) }
            let bit: UInt32 = 1 << key.rawValue
            guard seen & bit == 0 else { throw LineProblem("duplicate key \"\(key.name)\"") }
            seen |= bit
            switch key {
            case .path:
                e.path = try s.string("path")
            case .pathB64:
                e.path = try base64(&s, "pathB64")
            case .type:
                e.type = try s.plainString("type") { (v) throws(LineProblem) -> EntryType in
                    guard let t = EntryType.match(v) else {
                        throw LineProblem("unknown entry type \(JSONText.quoted(String(decoding: v, as: UTF8.self)))")
                    }
                    return t
                }
            case .size: e.size = try s.uint64("size")
            case .mode: e.mode = try s.uint32("mode")
            case .uid: e.uid = try s.uint32("uid")
            case .gid: e.gid = try s.uint32("gid")
            case .mtimeNs: e.mtimeNs = try s.int64("mtimeNs")
            case .ctimeNs: e.ctimeNs = try s.int64("ctimeNs")
            case .ino: e.ino = try s.uint64("ino")
            case .nlink: e.nlink = try s.uint64("nlink")
            case .sha256:
                e.sha256 = try s.plainString("sha256") { (v) throws(LineProblem) -> String in
                    guard ManifestEntry.isSHA256Hex(v) else { throw LineProblem("\"sha256\" must be 64 lower-case hex digits") }
                    return String(decoding: v, as: UTF8.self)
                }
            case .target:
                e.target = try s.string("target")
            case .targetB64:
                e.target = try base64(&s, "targetB64")
            case .error:
                e.error = String(decoding: try s.string("error"), as: UTF8.self)
            case .unstable:
                e.unstable = try s.bool("unstable")
            case .reuseMismatch:
                e.reuseMismatch = try s.bool("reuseMismatch")
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
        try s.end()
        let hasPath = seen & (1 << EntryKey.path.rawValue) != 0
        let hasPathB64 = seen & (1 << EntryKey.pathB64.rawValue) != 0
        if hasPath && hasPathB64 { throw LineProblem("both \"path\" and \"pathB64\"") }
        if !hasPath && !hasPathB64 { throw LineProblem("missing \"path\"") }
        if seen & (1 << EntryKey.target.rawValue) != 0 && seen & (1 << EntryKey.targetB64.rawValue) != 0 {
            throw LineProblem("both \"target\" and \"targetB64\"")
        }
        let hasMajor = seen & (1 << EntryKey.rdevMajor.rawValue) != 0
        let hasMinor = seen & (1 << EntryKey.rdevMinor.rawValue) != 0
        if hasMajor != hasMinor {
            throw LineProblem(hasMajor ? "\"rdevMajor\" without \"rdevMinor\"" : "\"rdevMinor\" without \"rdevMajor\"")
        }
        for k in requiredEntryKeys where seen & (1 << k.rawValue) == 0 {
            throw LineProblem("missing \"\(k.name)\"")
        }
        if let problem = e.problem(digestChecked: true) { throw LineProblem(problem) }
        return .entry(e)
    }

    private static func base64(_ s: inout JSONScanner, _ field: String) throws(LineProblem) -> [UInt8] {
        let text = try s.string(field)
        guard let bytes = text.withUnsafeBufferPointer({ Base64.decode($0) }) else {
            throw LineProblem("\"\(field)\" is not valid base64")
        }
        return bytes
    }
}
