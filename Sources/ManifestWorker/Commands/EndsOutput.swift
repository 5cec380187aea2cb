#if canImport(Glibc)
import Glibc
#endif
import ManifestKit

/// `generate --plan P --shard I -o OUT`: the part's ends (`OUT.ends.ndjson`,
/// ManifestKit's ``ManifestEnds``: its header and trailer lines, uncompressed), written
/// once `OUT` is complete, so that the orchestrator reads a few hundred bytes instead of
/// the whole part (docs/manifest-format.md, "Ends"). Never written for a manifest that
/// did not complete: an error or a signal before this point ends the run first.
enum EndsOutput {
    /// Where the ends of the manifest written to `output` go, or nil when there is no
    /// place beside it: stdout, or a device, FIFO or socket (written in place).
    static func location(for output: String) -> String? {
        if Endpoints.isStdout(output) { return nil }
        if Endpoints.isS3(output) { return ManifestEnds.location(of: output) }
        var info = stat()
        guard stat(output, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return ManifestEnds.location(of: output)
    }

    /// Writes the ends at `location` (atomically, as every output: a temporary file
    /// renamed, or an upload completed; discarded on an error or a signal).
    static func write(_ ends: ManifestEnds, to location: String, environment: [String: String]) throws {
        let sink: any ByteSink = Endpoints.isS3(location)
            ? try S3Streams.sink(for: location, environment: environment) : try GuardedFileSink(path: location)
        try sink.writeWhole(ends.encoded())
    }
}
