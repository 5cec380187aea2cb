/// A streaming, validating manifest reader (``ManifestEntrySource``).
///
/// Gunzips the source (multi-member accepted), splits lines with a bounded
/// buffer, checks the header on creation, then every entry line's JSON, the
/// entry rules and the strict path order while ``next()`` hands entries out;
/// at the end it requires the trailer, its counts and its `entriesSha256`, and
/// nothing after it. Memory does not grow with the number of entries.
///
/// Every problem is a ``ManifestKitError`` `.invalidManifest` with the source's
/// name as subject and the 1-based line number, e.g.
/// `m.ndjson.gz:7: duplicate path "a/b"`; reasons are listed in
/// docs/manifest-format.md ("What a reader checks"). Not thread-safe.
public final class ManifestReader: ManifestEntrySource {
    /// The default bound on one line: 8 MiB.
    public static let defaultMaxLineLength = 8 * 1024 * 1024

    /// The validated line 1.
    public let header: ManifestHeader
    /// The source's name (subject of every error).
    public let name: String
    /// The trailer, once ``next()`` has returned nil.
    public private(set) var trailer: ManifestTrailer?
    /// The number of the last line read.
    public private(set) var lineNumber = 0

    private let lines: LineReader
    private var counted = ManifestTrailer()
    private let digest = SHA256()
    private var previous: [UInt8]?

    /// Reads and validates the header of the gzip manifest in `source`.
    /// - Parameters:
    ///   - source: the compressed manifest bytes.
    ///   - maxLineLength: the longest acceptable line, without its `\n`.
    /// - Throws: ``ManifestKitError`` (`.invalidManifest`, or `.io` from the source).
    public init(source: ByteSource, maxLineLength: Int = ManifestReader.defaultMaxLineLength) throws {
        name = source.name
        lines = LineReader(source: try GzipDecompressingSource(wrapping: source), maxLineLength: maxLineLength)
        var header: ManifestHeader?
        guard let line = try Self.readLine(lines, name: name, number: 1) else {
            throw ManifestKitError(.invalidManifest, subject: name, line: 1, reason: "empty manifest: no header")
        }
        lineNumber = 1
        do {
            header = try ManifestCodec.decodeHeader(UnsafeBufferPointer(rebasing: line.bindMemory(to: UInt8.self).dropLast()))
        } catch {
            throw ManifestKitError(.invalidManifest, subject: name, line: 1, reason: error.reason)
        }
        self.header = header!
    }

    /// Opens a manifest file, or standard input for `-`.
    public convenience init(path: String, maxLineLength: Int = ManifestReader.defaultMaxLineLength) throws {
        let source: ByteSource = path == "-" ? StandardInputSource() : try FileSource(path: path)
        try self.init(source: source, maxLineLength: maxLineLength)
    }

    /// The next entry in manifest order, or nil after the trailer has been
    /// read and checked (and thereafter).
    public func next() throws -> ManifestEntry? {
        guard trailer == nil else { return nil }
        let number = lineNumber + 1
        guard let raw = try Self.readLine(lines, name: name, number: number) else {
            throw fail(number, "truncated: no trailer")
        }
        lineNumber = number
        let decoded: ManifestLine
        do {
            decoded = try ManifestCodec.decodeLine(UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self).dropLast()))
        } catch {
            throw fail(number, error.reason)
        }
        switch decoded {
        case .entry(let entry):
            if let previous {
                let c = PathOrder.compare(previous, entry.path)
                if c == 0 { throw fail(number, "duplicate path \(JSONText.quoted(entry.path))") }
                if c > 0 {
                    throw fail(number, "out of order: path \(JSONText.quoted(entry.path)) sorts before the previous path \(JSONText.quoted(previous))")
                }
            }
            previous = entry.path
            guard counted.count(entry) else { throw fail(number, ManifestTrailer.bytesOverflowReason) }
            digest.update(raw)
            return entry
        case .trailer(let t):
            try check(t, line: number)
            let more: Bool
            do {
                more = try lines.hasMoreBytes()
            } catch var error as ManifestKitError where error.line == nil && error.kind == .invalidManifest {
                error.line = number + 1
                throw error
            }
            if more { throw fail(number + 1, "unexpected data after the trailer") }
            trailer = t
            return nil
        }
    }

    /// Reads a whole manifest, validating everything, and returns its header
    /// and trailer (for `show` and for checking a manifest before use).
    public static func validate(_ source: ByteSource, maxLineLength: Int = defaultMaxLineLength) throws -> ManifestSummary {
        let reader = try ManifestReader(source: source, maxLineLength: maxLineLength)
        while try reader.next() != nil {}
        return ManifestSummary(header: reader.header, trailer: reader.trailer!)
    }

    private func check(_ t: ManifestTrailer, line: Int) throws {
        for ((key, stated), (_, actual)) in zip(ManifestCodec.trailerCounts(t), ManifestCodec.trailerCounts(counted))
        where stated != actual {
            throw fail(line, "trailer mismatch: \"\(key)\" is \(stated) but the entries count \(actual)")
        }
        let statedMismatches = t.reuse?.mismatches ?? 0, countedMismatches = counted.reuse?.mismatches ?? 0
        if statedMismatches != countedMismatches {
            throw fail(line, "trailer mismatch: \"reuse.mismatches\" is \(t.reuse == nil ? "absent" : String(statedMismatches)) "
                + "but \(countedMismatches) entries have \"reuseMismatch\"")
        }
        let actual = digest.finalizeHex()
        guard actual == t.entriesSha256 else {
            throw fail(line, "trailer mismatch: \"entriesSha256\" is \(t.entriesSha256) but the entry lines hash to \(actual)")
        }
    }

    private func fail(_ line: Int, _ reason: String) -> ManifestKitError {
        ManifestKitError(.invalidManifest, subject: name, line: line, reason: reason)
    }

    /// One line with its `\n`; line-level problems and unlocated gzip errors
    /// get the line number.
    private static func readLine(_ lines: LineReader, name: String, number: Int) throws -> UnsafeRawBufferPointer? {
        do {
            return try lines.nextLine()
        } catch LineReader.Problem.tooLong {
            throw ManifestKitError(.invalidManifest, subject: name, line: number,
                                   reason: "line is longer than \(lines.maxLineLength) bytes")
        } catch LineReader.Problem.noNewlineAtEnd {
            throw ManifestKitError(.invalidManifest, subject: name, line: number,
                                   reason: "truncated: the last line has no newline")
        } catch var error as ManifestKitError where error.line == nil && error.kind == .invalidManifest {
            error.line = number
            throw error
        }
    }
}

/// What validating a whole manifest yields.
public struct ManifestSummary: Sendable, Equatable {
    public var header: ManifestHeader
    public var trailer: ManifestTrailer

    public init(header: ManifestHeader, trailer: ManifestTrailer) {
        self.header = header
        self.trailer = trailer
    }
}
