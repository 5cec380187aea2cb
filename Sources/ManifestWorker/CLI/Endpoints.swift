import ManifestKit

/// Maps an output or input argument (a path, `-`, or `s3://bucket/key`) to a
/// byte stream. `s3://` addresses go to ``S3Streams`` (AWS settings from
/// `environment`, the environment `main.swift` handed in).
enum Endpoints {
    static func isS3(_ spec: String) -> Bool { spec.hasPrefix("s3://") }

    /// `-` and `/dev/stdout` name standard output (never a file to replace).
    static func isStdout(_ spec: String) -> Bool { spec == "-" || spec == "/dev/stdout" }

    /// A sink for a manifest or a findings file. `-` and `/dev/stdout` are
    /// stdout; `s3://bucket/key` an object uploaded while it is written (it
    /// exists only after `finish()`); anything else a local ``FileSink``:
    /// written atomically (temporary name, renamed by `finish()`) when it is a
    /// regular file or does not exist, written in place when it is a device,
    /// FIFO or socket, its target when it is a symlink.
    static func sink(for spec: String, environment: [String: String]) throws -> any ByteSink {
        if isS3(spec) {
            let sink = try S3Streams.sink(for: spec, environment: environment)
            return TestPause.isSet(.uploadOpened, environment: environment) ? UploadPauseSink(sink, environment: environment) : sink
        }
        if isStdout(spec) { return StandardOutputSink() }
        let sink = try GuardedFileSink(path: spec)
        TestPause.at(.outputCreated, environment: environment)
        return sink
    }

    /// A source for a manifest. `-` is stdin; `s3://bucket/key` an object, streamed.
    static func source(for spec: String, environment: [String: String]) throws -> any ByteSource {
        if isS3(spec) { return try S3Streams.source(for: spec, environment: environment) }
        return spec == "-" ? StandardInputSource() : try FileSource(path: spec)
    }
}

/// A local file output whose temporary file is also removed when the process is
/// interrupted (see ``InterruptGuard``), not only on an error. The file is
/// created and registered in one step, so no signal can come between them.
final class GuardedFileSink: ByteSink {
    private let file: FileSink
    private var registration: InterruptGuard.Registration?

    init(path: String) throws {
        var registration: InterruptGuard.Registration?
        file = try FileSink(path: path) { temporaryPath, create in
            InterruptGuard.shared.creating(temporaryFile: temporaryPath, name: path, registration: &registration, create)
        }
        self.registration = registration
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws { try file.write(bytes) }

    func finish() throws {
        defer { release() }
        try file.finish()
    }

    func abort() {
        file.abort()
        release()
    }

    private func release() {
        if let registration { InterruptGuard.shared.unregister(registration) }
        registration = nil
    }
}

/// An `s3://` output under `EBV_TEST_PAUSE_AT=upload-opened` (``TestPause``): pauses
/// once after the write that brought the bytes written to two parts' worth. The S3
/// sink sends a part as soon as a part's worth has reached it, holding back less than
/// a part (its batch), so by then the multipart upload is open with a part stored.
final class UploadPauseSink: ByteSink {
    private let sink: any ByteSink
    private let environment: [String: String]
    private var written = 0
    private var paused = false

    init(_ sink: any ByteSink, environment: [String: String]) {
        self.sink = sink
        self.environment = environment
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try sink.write(bytes)
        guard !paused else { return }
        written += bytes.count  // at most two parts and one write: no overflow
        if written >= 2 * S3Streams.partSize {
            paused = true
            TestPause.at(.uploadOpened, environment: environment)
        }
    }

    func finish() throws { try sink.finish() }

    func abort() { sink.abort() }
}
