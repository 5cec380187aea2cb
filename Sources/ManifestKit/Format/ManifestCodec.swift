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
/// only when present `rdevMajor` and `rdevMinor`, `sha256`, `target`|`targetB64`, `error`, and
/// `"unstable":true` and `"reuseMismatch":true` only when true.
public enum ManifestCodec {
    // MARK: - Encoding


    /// Appends the entry line of `entry` (with its `\n`) to `out`. Does not
    /// validate; see ``ManifestEntry/problem``.
    public static func appendEntryLine(_ entry: ManifestEntry, to out: inout [UInt8]) {
        if UTF8Check.isValid(entry.path) {
            out.appendLiteral("{\"path\":")
            JSONText.appendString(entry.path, to: &out)
        } else {
            out.appendLiteral("{\"pathB64\":\"")
            Base64.encode(entry.path, into: &out)
            out.append(0x22)
        }
        out.appendLiteral(",\"type\":\"")
        out.appendLiteral(entry.type.literal)
        out.appendLiteral("\",\"size\":"); JSONText.appendUInt(entry.size, to: &out)
        out.appendLiteral(",\"mode\":"); JSONText.appendUInt(UInt64(entry.mode), to: &out)
        out.appendLiteral(",\"uid\":"); JSONText.appendUInt(UInt64(entry.uid), to: &out)
        out.appendLiteral(",\"gid\":"); JSONText.appendUInt(UInt64(entry.gid), to: &out)
        out.appendLiteral(",\"mtimeNs\":"); JSONText.appendInt(entry.mtimeNs, to: &out)
        out.appendLiteral(",\"ctimeNs\":"); JSONText.appendInt(entry.ctimeNs, to: &out)
        out.appendLiteral(",\"ino\":"); JSONText.appendUInt(entry.ino, to: &out)
        out.appendLiteral(",\"nlink\":"); JSONText.appendUInt(entry.nlink, to: &out)
        if let rdev = entry.rdev {
            out.appendLiteral(",\"rdevMajor\":"); JSONText.appendUInt(UInt64(rdev.major), to: &out)
            out.appendLiteral(",\"rdevMinor\":"); JSONText.appendUInt(UInt64(rdev.minor), to: &out)
        }
        if let sha = entry.sha256 {
            out.appendLiteral(",\"sha256\":\"")
            var sha = sha
            sha.withUTF8 { out.append(contentsOf: $0) }
            out.append(0x22)
        }
        if let target = entry.target {
            if UTF8Check.isValid(target) {
                out.appendLiteral(",\"target\":")
                JSONText.appendString(target, to: &out)
            } else {
                out.appendLiteral(",\"targetB64\":\"")
                Base64.encode(target, into: &out)
                out.append(0x22)
            }
        }
        if let error = entry.error {
            out.appendLiteral(",\"error\":")
            JSONText.appendString(error, to: &out)
        }
        if entry.unstable { out.appendLiteral(",\"unstable\":true") }
        if entry.reuseMismatch { out.appendLiteral(",\"reuseMismatch\":true") }
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
    /// The name as a static literal (no allocation, no reference counting).
    @inline(__always)
    var literal: StaticString {
        switch self {
        case .file: "file"
        case .dir: "dir"
        case .symlink: "symlink"
        case .fifo: "fifo"
        case .socket: "socket"
        case .char: "char"
        case .block: "block"
        }
    }
}

extension Array where Element == UInt8 {
    /// Appends the UTF-8 bytes of a static literal.
    @inline(__always)
    mutating func appendLiteral(_ s: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }
}
