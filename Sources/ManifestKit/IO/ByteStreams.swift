/// Where bytes go: a file, stdout, an S3 multipart upload (adapted by the
/// executables; ManifestKit knows nothing of AWS).
///
/// Calls come from one thread at a time. `finish()` makes the output durable
/// and visible (rename into place, complete the upload); `abort()` discards it
/// so that an interrupted run never leaves something that looks complete.
public protocol ByteSink: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
    func finish() throws
    func abort()
}

extension ByteSink {
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Writes all of `bytes` and finishes; on any error the sink is aborted (nothing
    /// half-written is left at the destination) and the error rethrown.
    public func writeWhole(_ bytes: [UInt8]) throws {
        do {
            try write(bytes)
            try finish()
        } catch {
            abort()
            throw error
        }
    }
}

/// Where bytes come from: a file, stdin, an S3 object stream.
public protocol ByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes; returns 0 at the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// A name for error messages (a path or `s3://bucket/key`).
    var name: String { get }
}

/// A validated stream of entries in manifest order (a reader, or a fixture).
public protocol ManifestEntrySource {
    var header: ManifestHeader { get }
    /// The next entry, or nil after the last one (when the trailer has been checked).
    mutating func next() throws -> ManifestEntry?
}

/// Something that yields a manifest's checked trailer once read to its end.
public protocol TrailerSource {
    /// The checked trailer, once the last entry has been read (nil before).
    var trailer: ManifestTrailer? { get }
    /// A manifest set's parts read so far (header and checked trailer each, in shard
    /// order): every part once the last entry has been read. Empty for one manifest.
    var parts: [ManifestSummary] { get }
}

extension TrailerSource {
    /// One manifest: no parts.
    public var parts: [ManifestSummary] { [] }
}

/// A validated manifest read as one stream: a ``ManifestReader`` (one file) or
/// a ``ManifestSetReader`` (the parts of a set, in order).
public protocol ManifestStream: ManifestEntrySource, TrailerSource {
    /// The name errors carry (a path, `s3://bucket/key`, a set index).
    var name: String { get }
}
