/// A sink that collects bytes in memory (tests, small outputs).
public final class MemorySink: ByteSink {
    /// Everything written so far.
    public private(set) var bytes: [UInt8] = []
    public private(set) var isFinished = false
    public private(set) var isAborted = false

    public init() {}

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !isFinished, !isAborted else {
            throw ManifestKitError(.io, subject: "<memory>", reason: "write after finish or abort")
        }
        self.bytes.append(contentsOf: bytes)
    }

    public func finish() throws { isFinished = true }

    public func abort() { isAborted = true }
}

/// A source over bytes in memory. `chunkSize` caps each read, to exercise
/// buffer boundaries in tests.
public final class MemorySource: ByteSource {
    public let name: String
    private let bytes: [UInt8]
    private let chunkSize: Int
    private var offset = 0

    public init(_ bytes: [UInt8], name: String = "<memory>", chunkSize: Int = .max) {
        precondition(chunkSize > 0, "chunkSize must be positive")
        self.bytes = bytes
        self.name = name
        self.chunkSize = chunkSize
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, chunkSize, bytes.count - offset)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + offset, byteCount: n)
        }
        offset += n
        return n
    }
}
