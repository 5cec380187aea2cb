import ManifestKit

/// How a walking command reports progress: the live line on a terminal, or
/// records every `--progress-interval` seconds elsewhere (see ``ProgressRecorder``).
struct ProgressSettings: Sendable {
    var quiet: Bool
    /// Seconds between records; 0: none.
    var intervalSeconds: Int64
    var expectation: ProgressExpectation?
    /// `--log-format json`: every stderr line is JSON, so records replace the live line even on a terminal.
    var json = false

    /// Reads `--progress-interval` / `EBV_PROGRESS_INTERVAL` (whole seconds,
    /// 0…31536000) and `--expect` / `EBV_EXPECT` (a manifest, validated whole; its
    /// trailer's counts are the expectation) — the manifest only when records are on
    /// and the command takes it (`expect`; not `diff`).
    static func resolve(_ arguments: ParsedArguments, quiet: Bool, context: CommandContext, expect: Bool = true) throws -> ProgressSettings {
        let config = context.configuration
        var interval = Int64(Defaults.progressIntervalSeconds)
        if let setting = config.value(.progressInterval, in: arguments) {
            guard let n = Int64(setting.value), (0...31_536_000).contains(n) else {
                throw CLIError(setting.source, "must be a whole number of seconds from 0 to 31536000 (got \(JSONText.quoted(setting.value)))")
            }
            interval = n
        }
        var settings = ProgressSettings(quiet: quiet, intervalSeconds: interval, json: context.logFormat == .json)
        if let setting = config.value(.expect, in: arguments), expect, settings.recordsOn(context.console) {
            let summary = try ManifestInputs.validate(setting.value, environment: config.environment)
            settings.expectation = ProgressExpectation(entries: summary.trailer.entries, bytes: summary.trailer.bytes)
        }
        return settings
    }

    /// Records are written when stderr is not a terminal (or the log is JSON), `--quiet`
    /// is off and the interval is not 0.
    func recordsOn(_ console: Console) -> Bool { (!console.stderrIsTerminal || json) && !quiet && intervalSeconds > 0 }

    /// The live line (``ProgressReporter``) only on a terminal, in text, without `--quiet`.
    var liveLineQuiet: Bool { quiet || json }

    /// The recorder for a walk, or nil when records are off.
    func recorder(context: CommandContext, clock: @escaping @Sendable () -> Int64,
                  sample: @escaping @Sendable () -> ProgressSnapshot) -> ProgressRecorder? {
        guard recordsOn(context.console) else { return nil }
        return ProgressRecorder(intervalSeconds: intervalSeconds, clock: clock, expectation: expectation, log: context.log, sample: sample)
    }
}

extension CommandContext {
    /// stderr in the format asked for (`--log-format`).
    var log: StderrLog { StderrLog(format: logFormat, write: console.err, now: now) }
}

extension ProgressSnapshot {
    /// A running walk's counters, the open descriptors and the path emitted last.
    init(_ progress: WalkProgress, descriptors: Int?) {
        self.init(entries: progress.entries, files: progress.files, bytes: progress.bytesHashed, errors: progress.errors,
                  unstable: progress.unstable, descriptors: descriptors, path: progress.lastPath)
    }
}
