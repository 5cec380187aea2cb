import Foundation
import ManifestKit

/// `generate --reuse-from MANIFEST [--rehash-sample F] [--sample-seed S]`
/// (`EBV_REUSE_FROM`, `EBV_REHASH_SAMPLE`, `EBV_SAMPLE_SEED`): where unchanged
/// files' digests come from and which of them are read anyway.
struct ReuseSettings: Sendable, Equatable {
    /// The reuse manifest: a file or `s3://bucket/key`.
    var location: String
    /// Where `location` came from (`--reuse-from` or `EBV_REUSE_FROM`), for messages.
    var source: String
    /// 0 … 1: the fraction of reusable files read anyway.
    var fraction: Double
    /// The sample's seed; nil: the walk's start time (a different sample each run).
    var seed: UInt64?

    /// The reuse settings of `generate`, or nil without `--reuse-from`. The sample
    /// settings are checked even then (a bad variable is an error wherever it is set).
    static func resolve(_ arguments: ParsedArguments, configuration config: Configuration) throws -> ReuseSettings? {
        var fraction = ReuseSampler.defaultFraction
        if let setting = config.value(.rehashSample, in: arguments) {
            guard let f = Double(setting.value), f.isFinite, f >= 0, f <= 1 else {
                throw CLIError(setting.source, "must be a number from 0 to 1, the fraction of reused files read anyway (got \(JSONText.quoted(setting.value)))")
            }
            fraction = f
        }
        var seed: UInt64?
        if let setting = config.value(.sampleSeed, in: arguments) {
            guard let s = UInt64(setting.value) else {
                throw CLIError(setting.source, "must be an integer from 0 to 18446744073709551615 (got \(JSONText.quoted(setting.value)))")
            }
            seed = s
        }
        guard let from = config.value(.reuseFrom, in: arguments) else { return nil }
        if from.value == "-" {
            throw CLIError(from.source, "cannot be stdin: the reuse manifest is validated whole before the walk, then read again (give a file or s3://bucket/key)")
        }
        return ReuseSettings(location: from.value, source: from.source, fraction: fraction, seed: seed)
    }

    /// Validates the reuse manifest whole (before anything is walked), checks that it
    /// describes the tree `header` is for, and opens it again for the walk.
    /// - Throws: the manifest's error (`m.gz:6: truncated gzip stream …`), or a
    ///   ``CLIError`` naming the manifest when it is of another tree.
    func open(for header: ManifestHeader, concurrency: Int, environment: [String: String]) throws -> ReuseIndex {
        let summary = try ManifestReader.validate(Endpoints.source(for: location, environment: environment))
        if let problem = ReuseIndex.problem(reuse: summary.header, walk: header) {
            throw CLIError(location, "\(problem); \(source) needs an earlier manifest of the same root and file system")
        }
        let reader = try ManifestReader(source: Endpoints.source(for: location, environment: environment))
        // Decoded ahead on its own thread when there is a core for it, like the diff's inputs.
        let entries: any ManifestEntrySource = sysconf(Int32(_SC_NPROCESSORS_ONLN)) >= 2 ? PrefetchingEntrySource(reader) : reader
        let sampler = try ReuseSampler(fraction: fraction, seed: seed ?? UInt64(bitPattern: header.startedAtNs))
        let window = WalkOptions(concurrency: concurrency).resolvedLookahead
        return ReuseIndex(source: entries, sampler: sampler, capacity: ReuseIndex.defaultCapacity(lookahead: window))
    }
}
