import ManifestKit

/// The wiring between the command line and ManifestKit's pieces (walker,
/// writer, reader, diff). Every call here is where a ManifestKit API is used.
enum Engine {
    static func makeSink(_ spec: String, console: Console) throws -> any ByteSink {
        throw CLIError(spec, "output not available in this build yet")
    }

    static func makeSource(_ spec: String) throws -> any ByteSource {
        throw CLIError(spec, "input not available in this build yet")
    }

    /// Walks `root`, writes the manifest into `sink`, finishes it and returns the trailer.
    static func generate(
        root: String, header: ManifestHeader, concurrency: Int, sink: any ByteSink,
        now: @escaping @Sendable () -> Int64,
        reporter: ((@escaping @Sendable () -> ProgressSample) -> ProgressReporter)?,
        onError: @escaping (ManifestEntry) -> Void
    ) throws -> ManifestTrailer {
        sink.abort()
        throw CLIError(root, "walker not available in this build yet")
    }

    /// Reads and validates a manifest, calling back for the header, each entry, and the trailer.
    static func readManifest(
        _ spec: String, header: (ManifestHeader) -> Void, entry: (ManifestEntry) -> Void,
        trailer: (ManifestHeader, ManifestTrailer) -> Void
    ) throws {
        _ = try Endpoints.source(for: spec)
    }

    static func diff(baseline: String, post: String?, restored: String, settings: DiffSettings, context: CommandContext) throws -> DiffOutcome {
        _ = try Endpoints.source(for: baseline)
        throw CLIError("diff", "not available in this build yet")
    }

    static func verify(dirA: String, dirB: String, concurrency: Int, settings: DiffSettings, context: CommandContext) throws -> DiffOutcome {
        throw CLIError("verify", "not available in this build yet")
    }
}
