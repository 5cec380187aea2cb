/// One decoded line after the header: an entry, or the trailer.
public enum ManifestLine: Sendable, Equatable {
    case entry(ManifestEntry)
    case trailer(ManifestTrailer)
}

/// The NDJSON codec of manifest format v1 (docs/manifest-format.md).
///
/// Hand-written for speed: encoding appends straight into a byte array and
/// decoding scans the line in place, allocating only the decoded path, target,
/// digest and error text. Encoded lines end in `\n`; lines given to the
/// decoders do not.
///
/// Entry keys are written in this fixed order: `path`|`pathB64`, `type`,
/// `size`, `mode`, `uid`, `gid`, `mtimeNs`, `ctimeNs`, `ino`, `nlink`, then
/// only when present `sha256`, `target`|`targetB64`, `error`, and
/// `"unstable":true` only when true.
public enum ManifestCodec {
    // MARK: - Encoding

    private static let kPath = Array("{\"path\":".utf8)
    private static let kPathB64 = Array("{\"pathB64\":\"".utf8)
    private static let kType = Array(",\"type\":\"".utf8)
    private static let kSize = Array("\",\"size\":".utf8)
    private static let kMode = Array(",\"mode\":".utf8)
    private static let kUid = Array(",\"uid\":".utf8)
    private static let kGid = Array(",\"gid\":".utf8)
    private static let kMtime = Array(",\"mtimeNs\":".utf8)
    private static let kCtime = Array(",\"ctimeNs\":".utf8)
    private static let kIno = Array(",\"ino\":".utf8)
    private static let kNlink = Array(",\"nlink\":".utf8)
    private static let kSha = Array(",\"sha256\":\"".utf8)
    private static let kTarget = Array(",\"target\":".utf8)
    private static let kTargetB64 = Array(",\"targetB64\":\"".utf8)
    private static let kError = Array(",\"error\":".utf8)
    private static let kUnstable = Array(",\"unstable\":true".utf8)
    private static let typeNames: [[UInt8]] = EntryType.allCases.map { Array($0.rawValue.utf8) }

    /// Appends the entry line of `entry` (with its `\n`) to `out`. Does not
    /// validate; see ``ManifestEntry/problem``.
    public static func appendEntryLine(_ entry: ManifestEntry, to out: inout [UInt8]) {
        if UTF8Check.isValid(entry.path) {
            out.append(contentsOf: kPath)
            JSONText.appendString(entry.path, to: &out)
        } else {
            out.append(contentsOf: kPathB64)
            Base64.encode(entry.path, into: &out)
            out.append(0x22)
        }
        out.append(contentsOf: kType)
        out.append(contentsOf: typeNames[entry.type.index])
        out.append(contentsOf: kSize); JSONText.appendUInt(entry.size, to: &out)
        out.append(contentsOf: kMode); JSONText.appendUInt(UInt64(entry.mode), to: &out)
        out.append(contentsOf: kUid); JSONText.appendUInt(UInt64(entry.uid), to: &out)
        out.append(contentsOf: kGid); JSONText.appendUInt(UInt64(entry.gid), to: &out)
        out.append(contentsOf: kMtime); JSONText.appendInt(entry.mtimeNs, to: &out)
        out.append(contentsOf: kCtime); JSONText.appendInt(entry.ctimeNs, to: &out)
        out.append(contentsOf: kIno); JSONText.appendUInt(entry.ino, to: &out)
        out.append(contentsOf: kNlink); JSONText.appendUInt(entry.nlink, to: &out)
        if let sha = entry.sha256 {
            out.append(contentsOf: kSha)
            out.append(contentsOf: sha.utf8)
            out.append(0x22)
        }
        if let target = entry.target {
            if UTF8Check.isValid(target) {
                out.append(contentsOf: kTarget)
                JSONText.appendString(target, to: &out)
            } else {
                out.append(contentsOf: kTargetB64)
                Base64.encode(target, into: &out)
                out.append(0x22)
            }
        }
        if let error = entry.error {
            out.append(contentsOf: kError)
            JSONText.appendString(error, to: &out)
        }
        if entry.unstable { out.append(contentsOf: kUnstable) }
        out.append(0x7D)
        out.append(0x0A)
    }

    /// The entry line of `entry`, with its `\n`.
    public static func entryLine(_ entry: ManifestEntry) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(256)
        appendEntryLine(entry, to: &out)
        return out
    }

    // MARK: - Decoding (public wrappers)

    /// Decodes an entry or trailer line (without its `\n`).
    /// - Throws: ``ManifestKitError`` `.invalidManifest` with subject
    ///   `"manifest line"` and the reason; the reader adds file and line.
    public static func decodeLine(_ line: [UInt8]) throws -> ManifestLine {
        try wrap { () throws(LineProblem) in try line.withUnsafeBufferPointer { (p) throws(LineProblem) in try decodeLine(p) } }
    }

    /// Decodes an entry line (without its `\n`); a trailer line is an error.
    public static func decodeEntry(_ line: [UInt8]) throws -> ManifestEntry {
        guard case .entry(let e) = try decodeLine(line) else {
            throw ManifestKitError(.invalidManifest, subject: "manifest line", reason: "expected an entry, found the trailer")
        }
        return e
    }

    /// Decodes a header line (without its `\n`).
    public static func decodeHeader(_ line: [UInt8]) throws -> ManifestHeader {
        try wrap { () throws(LineProblem) in try line.withUnsafeBufferPointer { (p) throws(LineProblem) in try decodeHeader(p) } }
    }

    /// Decodes a trailer line (without its `\n`).
    public static func decodeTrailer(_ line: [UInt8]) throws -> ManifestTrailer {
        try wrap { () throws(LineProblem) in try line.withUnsafeBufferPointer { (p) throws(LineProblem) in try decodeTrailer(p) } }
    }

    private static func wrap<T>(_ body: () throws(LineProblem) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw ManifestKitError(.invalidManifest, subject: "manifest line", reason: error.reason)
        }
    }
}

extension EntryType {
    /// Position in `allCases` (the order of the codec's name table).
    @inline(__always)
    var index: Int {
        switch self {
        case .file: 0
        case .dir: 1
        case .symlink: 2
        case .fifo: 3
        case .socket: 4
        case .char: 5
        case .block: 6
        }
    }
}
