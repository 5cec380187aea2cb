/// Writes the full findings file: one NDJSON line per finding, in diff order,
/// to a `ByteSink` (the executables wrap it in gzip and S3 or a file).
///
/// Line format (docs/verdicts.md):
/// `{"path":"a/b","class":"corrupt","severity":"error","type":"file","detail":"…"}`,
/// with `pathB64` instead of `path` for a name that is not valid UTF-8.
public final class FindingsWriter {
    private let sink: ByteSink
    private var buffer: [UInt8] = []
    private let bufferLimit: Int
    /// Findings written so far.
    public private(set) var count: UInt64 = 0

    /// - Parameter bufferSize: bytes collected before each write to `sink`.
    public init(sink: ByteSink, bufferSize: Int = 64 * 1024) {
        self.sink = sink
        bufferLimit = max(1, bufferSize)
        buffer.reserveCapacity(bufferLimit + 512)
    }

    /// One finding's line (with its `\n`), as the file holds it.
    public static func line(_ finding: Finding) -> [UInt8] {
        var out: [UInt8] = []
        ReportJSON.appendFinding(finding, to: &out)
        out.append(0x0A)
        return out
    }

    /// Appends one line.
    public func write(_ finding: Finding) throws {
        ReportJSON.appendFinding(finding, to: &buffer)
        buffer.append(0x0A)
        count += 1
        if buffer.count >= bufferLimit { try flush() }
    }

    /// Hands buffered lines to the sink.
    public func flush() throws {
        guard !buffer.isEmpty else { return }
        try sink.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and finishes the sink (makes the file durable and visible).
    public func finish() throws {
        try flush()
        try sink.finish()
    }
}
