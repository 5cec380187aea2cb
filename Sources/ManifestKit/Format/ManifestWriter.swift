/// Writes one manifest: the header line at creation, entries in manifest order,
/// the trailer on ``finish(completedAtNs:)``, all gzip-compressed into a sink.
///
/// Output is buffered (`bufferSize`, 256 KiB by default) and compressed in
/// large chunks. The entry lines' exact bytes are hashed for the trailer's
/// `entriesSha256`. Not thread-safe: use from one thread at a time.
///
/// By default (``CompressionThread/background``) the compression and the
/// sink's writes run on a dedicated thread (``BackgroundSink``), pipelined
/// with the encoding: the caller only encodes and hashes lines. The output is
/// byte for byte the same as with ``CompressionThread/caller``; an error of
/// the sink or of zlib is thrown by a later ``append(_:)`` (one that hands
/// a buffer over) or by ``finish(completedAtNs:)``.
///
/// ```swift
/// let writer = try ManifestWriter(header: header, sink: try FileSink(path: "m.ndjson.gz"))
/// try writer.append(entry)          // strictly increasing PathOrder
/// let trailer = try writer.finish(completedAtNs: now)
/// ```
public final class ManifestWriter {
    /// Where the gzip compression and the sink's writes run.
    public enum CompressionThread: Sendable {
        /// On the thread that calls ``append(_:)`` and ``finish(completedAtNs:)``.
        case caller
        /// On a dedicated thread, behind a bounded queue of a few buffers
        /// (``BackgroundSink``).
        case background
    }

    /// The header written on line 1.
    public let header: ManifestHeader
    /// Counts of the entries appended so far (digest and time are set by ``finish(completedAtNs:)``).
    public private(set) var trailer = ManifestTrailer()

    private let output: ByteSink
    private let digest = SHA256()
    private var buffer: [UInt8]
    private let bufferSize: Int
    private var lastPath: [UInt8]?
    private var open = true

    /// Writes the header line.
    /// - Throws: ``ManifestKitError`` `.invalidArgument` for a header a reader
    ///   would reject (e.g. shard index ≥ count, a hash other than `sha256`),
    ///   or the sink's error; the sink is aborted in both cases.
    /// - Parameters:
    ///   - header: line 1.
    ///   - sink: where the gzip stream goes; finished by ``finish(completedAtNs:)``,
    ///     aborted by ``abort()``.
    ///   - compressionLevel: zlib level, ``GzipCompressingSink/defaultLevel`` by default.
    ///   - bufferSize: uncompressed bytes gathered before each compression call.
    ///   - compressOn: where compression and the sink's writes run.
    public init(
        header: ManifestHeader, sink: ByteSink,
        compressionLevel: Int32 = GzipCompressingSink.defaultLevel, bufferSize: Int = 256 * 1024,
        compressOn: CompressionThread = .background
    ) throws {
        self.header = header
        self.bufferSize = max(bufferSize, 4096)
        let gzip = try GzipCompressingSink(wrapping: sink, level: compressionLevel)
        var headerLine = [UInt8]()
        ManifestCodec.appendHeaderLine(header, to: &headerLine)
        // Refuse a header that a reader would reject (bad shard, hash, …).
        do {
            _ = try ManifestCodec.decodeHeader(Array(headerLine.dropLast()))
        } catch {
            gzip.abort()
            guard let error = error as? ManifestKitError else { throw error }
            throw ManifestKitError(.invalidArgument, subject: "manifest header", reason: error.reason)
        }
        output = compressOn == .background ? BackgroundSink(wrapping: gzip) : gzip
        do {
            try output.write(headerLine)
        } catch {
            output.abort()
            throw error
        }
        buffer = []
        buffer.reserveCapacity(self.bufferSize + 4096)
    }

    deinit { if open { output.abort() } }

    /// Appends one entry.
    /// - Throws: ``ManifestKitError`` `.outOfOrder` when `entry.path` does not
    ///   sort strictly after the previous path (duplicates included),
    ///   `.invalidArgument` when the entry breaks an entry rule
    ///   (``ManifestEntry/problem``) or its line would exceed
    ///   ``ManifestReader/defaultMaxLineLength``, or the sink's error.
    ///   A refused entry leaves the writer usable.
    public func append(_ entry: ManifestEntry) throws {
        guard open else { throw closed() }
        if let problem = entry.problem {
            throw ManifestKitError(.invalidArgument, subject: String(decoding: entry.path, as: UTF8.self), reason: "invalid entry: \(problem)")
        }
        if let last = lastPath {
            let c = PathOrder.compare(last, entry.path)
            if c >= 0 {
                throw ManifestKitError(.outOfOrder, subject: String(decoding: entry.path, as: UTF8.self), reason: c == 0
                    ? "duplicate path"
                    : "path sorts before the previous path \(JSONText.quoted(last))")
            }
        }
        let start = buffer.count
        ManifestCodec.appendEntryLine(entry, to: &buffer)
        if buffer.count - start - 1 > ManifestReader.defaultMaxLineLength {
            buffer.removeSubrange(start...)
            throw ManifestKitError(.invalidArgument, subject: String(decoding: entry.path, as: UTF8.self),
                                   reason: "invalid entry: line longer than \(ManifestReader.defaultMaxLineLength) bytes")
        }
        guard trailer.count(entry) else {
            buffer.removeSubrange(start...)
            throw ManifestKitError(.invalidArgument, subject: String(decoding: entry.path, as: UTF8.self),
                                   reason: "invalid entry: \(ManifestTrailer.bytesOverflowReason)")
        }
        lastPath = entry.path
        if buffer.count >= bufferSize { try flush() }
    }

    /// Writes the trailer, ends the gzip stream and finishes the sink; returns
    /// once all of it has been compressed and written.
    /// - Parameters:
    ///   - completedAtNs: the trailer's `completedAt`, nanoseconds since the epoch.
    ///   - reuse: for a walk with a reuse manifest, its `reused`, `sampled` and
    ///     `seed`; `mismatches` is always the writer's own count of the entries
    ///     with `reuseMismatch`.
    /// - Returns: the trailer as written.
    /// - Throws: `.invalidArgument` (the writer stays usable) when `reuse.sampled`
    ///   is less than the mismatches appended, or entries had `reuseMismatch` and
    ///   `reuse` is nil.
    @discardableResult
    public func finish(completedAtNs: Int64, reuse: ReuseCounts? = nil) throws -> ManifestTrailer {
        guard open else { throw closed() }
        if let reuse {
            let mismatches = trailer.reuse?.mismatches ?? 0
            guard reuse.sampled >= mismatches else {
                throw ManifestKitError(.invalidArgument, subject: "manifest trailer",
                                       reason: "reuse: \(mismatches) mismatches but only \(reuse.sampled) sampled")
            }
            trailer.reuse = ReuseCounts(reused: reuse.reused, sampled: reuse.sampled, mismatches: mismatches, seed: reuse.seed)
        } else if let mismatches = trailer.reuse?.mismatches {
            throw ManifestKitError(.invalidArgument, subject: "manifest trailer",
                                   reason: "reuse: \(mismatches) entries have reuseMismatch but no reuse counts were given")
        }
        do {
            try flush()
            trailer.completedAtNs = completedAtNs
            trailer.entriesSha256 = digest.finalizeHex()
            ManifestCodec.appendTrailerLine(trailer, to: &buffer)
            try output.write(buffer)
            buffer.removeAll(keepingCapacity: false)
            open = false
            try output.finish()
        } catch {
            abort()
            throw error
        }
        return trailer
    }

    /// Discards the output: the sink is aborted and nothing complete appears.
    public func abort() {
        guard open else { return }
        open = false
        output.abort()
    }

    /// Hashes and compresses the buffered entry lines.
    private func flush() throws {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { digest.update($0) }
        try output.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private func closed() -> ManifestKitError {
        ManifestKitError(.invalidArgument, subject: "manifest writer", reason: "used after finish or abort")
    }
}
