import ManifestKit
import Primitives

/// `--findings` (alias `--list`): every finding, one per line, as the diff
/// finds them (pure formatting).
///
/// Text (names and details escaped by ``HumanText``):
/// ```
/// error corrupt y: sha256 differs: baseline e258d248… restored 5ece9717… (size and mtime unchanged) | baseline file size 6 mode 0644 uid:gid 1000:1000 mtime 2026-01-02T03:04:05.000000000Z sha256 e258…(64 hex) | restored file …
/// ```
/// JSON (`--json`): the findings-file line, plus `baseline`, `post` and
/// `restored` objects (each side's manifest entry line, as in the manifest) for
/// the sides that hold the path.
enum FindingListing {
    static func textLine(_ finding: Finding, _ sides: FindingSides) -> String {
        var line = "\(finding.severity.rawValue) \(finding.verdict.rawValue) \(finding.displayPath): \(HumanText.line(finding.detail))"
        for (role, entry) in [("baseline", sides.baseline), ("post", sides.post), ("restored", sides.restored)] {
            guard let entry else { continue }
            line += " | \(role) \(describe(entry))"
        }
        return line
    }

    /// One side in full: type, size, mode, owner, mtime, digest (or device
    /// number), target, error.
    static func describe(_ entry: ManifestEntry) -> String {
        let octal = String(entry.mode, radix: 8)
        let mode = String(repeating: "0", count: max(0, 4 - octal.count)) + octal
        var text = "\(entry.type.rawValue) size \(entry.size) mode \(mode) uid:gid \(entry.uid):\(entry.gid) mtime \(Timestamp.format(ns: entry.mtimeNs))"
        if let sha = entry.sha256 { text += " sha256 \(sha)" }
        if let rdev = entry.rdev { text += " dev \(rdev)" }
        if let target = entry.target { text += " target \(HumanText.name(target))" }
        if let error = entry.error { text += " error \(HumanText.line(error))" }
        if entry.unstable { text += " unstable" }
        return text
    }

    static func jsonLine(_ finding: Finding, _ sides: FindingSides) -> [UInt8] {
        var line = FindingsWriter.line(finding)
        line.removeLast(2) // the closing brace and newline; the sides follow
        for (role, entry) in [("baseline", sides.baseline), ("post", sides.post), ("restored", sides.restored)] {
            guard let entry else { continue }
            line.append(contentsOf: Array(",\"\(role)\":".utf8))
            var entryLine = ManifestCodec.entryLine(entry)
            entryLine.removeLast() // its newline
            line.append(contentsOf: entryLine)
        }
        line.append(contentsOf: Array("}\n".utf8))
        return line
    }
}

/// Collects listing lines and hands them to stdout in blocks (one write per
/// 64 KiB, not per finding).
final class ListingPrinter {
    private let console: Console
    private var buffer: [UInt8] = []
    private var raw: [UInt8] = []

    init(console: Console) { self.console = console }

    func add(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 64 * 1024 { flush() }
    }

    /// Bytes that need not be UTF-8 (names as the file system has them), written as they are.
    func addRaw(_ bytes: [UInt8]) {
        raw.append(contentsOf: bytes)
        if raw.count >= 64 * 1024 { try? flushRaw() }
    }

    func flushRaw() throws {
        guard !raw.isEmpty else { return }
        try raw.withUnsafeBytes { try console.outBytes($0) }
        raw.removeAll(keepingCapacity: true)
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        console.out(String(decoding: buffer, as: UTF8.self))
        buffer.removeAll(keepingCapacity: true)
    }
}
