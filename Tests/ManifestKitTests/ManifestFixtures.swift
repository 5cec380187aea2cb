import CZlib
@testable import ManifestKit
import Primitives

/// Builders shared by the format tests.
enum Fixtures {
    static let startedAt: Int64 = 1_795_000_000_123_456_789
    static let header = ManifestHeader(role: .baseline, root: "/mnt/efs", fileSystemId: "fs-0123",
                                       startedAtNs: startedAt, tool: "manifest-worker 0.1.0")
    static let sha = String(repeating: "ab", count: 32)

    static func b(_ s: String) -> [UInt8] { Array(s.utf8) }

    static func file(_ path: String, size: UInt64 = 3) -> ManifestEntry {
        ManifestEntry(path: b(path), type: .file, size: size, mode: 0o644, uid: 1000, gid: 1000,
                      mtimeNs: 1_700_000_000_000_000_001, ctimeNs: 1_700_000_000_000_000_002, ino: 42, nlink: 1, sha256: sha)
    }

    static func dir(_ path: String) -> ManifestEntry {
        ManifestEntry(path: b(path), type: .dir, size: 4096, mode: 0o755, ino: 7, nlink: 2)
    }

    /// A gzip manifest written by ManifestWriter.
    static func manifest(_ entries: [ManifestEntry], level: Int32 = GzipCompressingSink.defaultLevel) throws -> [UInt8] {
        let sink = MemorySink()
        let w = try ManifestWriter(header: header, sink: sink, compressionLevel: level)
        for e in entries { try w.append(e) }
        try w.finish(completedAtNs: startedAt + 5_000_000_000)
        return sink.bytes
    }

    /// The uncompressed lines of a manifest (each with its `\n`).
    static func lines(_ entries: [ManifestEntry]) throws -> [[UInt8]] {
        let text = try gunzip(try manifest(entries))
        return text.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map { Array($0) + [0x0A] }
    }

    static func gzip(_ bytes: [UInt8], level: Int32 = 6) throws -> [UInt8] {
        let sink = MemorySink()
        let gz = try GzipCompressingSink(wrapping: sink, level: level)
        try gz.write(bytes)
        try gz.finish()
        return sink.bytes
    }

    static func gunzip(_ bytes: [UInt8], chunk: Int = .max) throws -> [UInt8] {
        let src = try GzipDecompressingSource(wrapping: MemorySource(bytes, chunkSize: chunk))
        var out = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 1000)
        while true {
            let n = try buf.withUnsafeMutableBytes { try src.read(into: $0) }
            if n == 0 { return out }
            out.append(contentsOf: buf[0..<n])
        }
    }

    /// Gzips `lines` joined, as a manifest file with arbitrary content.
    static func gzipLines(_ lines: [[UInt8]]) throws -> [UInt8] { try gzip(lines.flatMap { $0 }) }

    /// A trailer line matching `entryLines` exactly.
    static func trailerLine(for entryLines: [[UInt8]], adjust: (inout ManifestTrailer) -> Void = { _ in }) throws -> [UInt8] {
        var t = ManifestTrailer()
        let h = SHA256()
        for line in entryLines {
            _ = t.count(try ManifestCodec.decodeEntry(Array(line.dropLast())))
            h.update(line)
        }
        t.completedAtNs = startedAt
        t.entriesSha256 = h.finalizeHex()
        adjust(&t)
        return ManifestCodec.trailerLine(t)
    }

    /// Reads a manifest to the end; returns the entries.
    static func readAll(_ bytes: [UInt8], name: String = "m.gz", chunk: Int = .max, maxLine: Int = ManifestReader.defaultMaxLineLength) throws -> [ManifestEntry] {
        let r = try ManifestReader(source: MemorySource(bytes, name: name, chunkSize: chunk), maxLineLength: maxLine)
        var out = [ManifestEntry]()
        while let e = try r.next() { out.append(e) }
        return out
    }
}
