import ManifestKit

/// `manifest-worker generate <dir> [-o FILE|-]`: walk, hash, write a manifest.
enum GenerateCommand {
    /// Everything `generate` needs, resolved from flags and environment.
    struct Settings: Sendable, Equatable {
        var directory: String
        var output: String
        var role: ManifestRole
        var fileSystemId: String?
        var recoveryPointArn: String?
        var restoredRoot: RestoredRootChoice
        var concurrency: Int
        var json: Bool
        var quiet: Bool
        /// Where `output` came from (`--output` or `EBV_OUTPUT`), for messages.
        var outputSource = "--output"
        /// `--reuse-from` and its sample, or nil: every file is read.
        var reuse: ReuseSettings?
    }

    static func settings(_ arguments: ParsedArguments, context: CommandContext) throws -> Settings {
        let config = context.configuration
        let directory = try ArgumentParser.positionals(arguments, names: ["<dir>"], command: "generate")[0]
        let outputSetting = config.value(.output, in: arguments)
        let output = outputSetting?.value ?? "-"
        var role = ManifestRole.local
        if let setting = config.value(.role, in: arguments) {
            guard let parsed = ManifestRole(rawValue: setting.value) else {
                throw CLIError(setting.source, "must be baseline, post, restored or local (got \"\(setting.value)\")")
            }
            role = parsed
        }
        let settings = Settings(
            directory: directory, output: output, role: role,
            fileSystemId: config.value(.fileSystemId, in: arguments)?.value,
            recoveryPointArn: config.value(.recoveryPointArn, in: arguments)?.value,
            restoredRoot: try config.restoredRoot(arguments, default: .none),
            concurrency: try config.concurrency(arguments),
            json: arguments.has("--json"), quiet: arguments.has("--quiet"),
            outputSource: outputSetting?.source ?? "--output",
            reuse: try ReuseSettings.resolve(arguments, configuration: config))
        if Endpoints.isStdout(settings.output) {
            if settings.json {
                throw CLIError.usage("--json", "cannot be used when the manifest goes to stdout (use -o FILE)", command: "generate")
            }
            if context.console.stdoutIsTerminal {
                throw CLIError.usage("generate", "refusing to write a gzip manifest to a terminal (use -o FILE or redirect stdout)", command: "generate")
            }
        }
        return settings
    }

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> ExitStatus {
        let settings = try settings(arguments, context: context)
        let shard = try ShardSelection.resolve(arguments, context: context)
        let progress = try ProgressSettings.resolve(arguments, quiet: settings.quiet, context: context)
        let console = context.console, log = context.log
        let root = try WalkRoot.resolve(settings.directory, choice: settings.restoredRoot)
        try root.requireOutside(settings.output)
        var header = ManifestHeader(
            role: settings.role, root: root.path, fileSystemId: settings.fileSystemId,
            recoveryPointArn: settings.recoveryPointArn, startedAtNs: context.now(), tool: Tool.identifier)
        shard?.apply(to: &header)
        // The reuse manifest is validated whole before anything is written or walked.
        let reuse = try settings.reuse?.open(for: header, range: shard?.range ?? .all, concurrency: settings.concurrency,
                                             environment: context.configuration.environment)
        // The output is opened before the walk: a bad destination fails at once.
        try OutputBucketCheck.require(settings.output, source: settings.outputSource, environment: context.configuration.environment)
        let sink: any ByteSink
        do {
            sink = try Endpoints.sink(for: settings.output, environment: context.configuration.environment)
        } catch let error as ManifestKitError where settings.outputSource.hasPrefix("EBV_") {
            // Name the variable to fix, as for every other bad value from the environment.
            throw CLIError(settings.outputSource, "\(error.subject): \(error.reason)")
        }
        let started = WallClock.monotonicNanoseconds()
        let generated = try Engine.generate(
            root: root.path, header: header, concurrency: settings.concurrency, range: shard?.range ?? .all, reuse: reuse,
            sink: sink,
            now: context.now, reporter: ProgressPolicy.reporter(console: console, quiet: progress.liveLineQuiet),
            records: { sample in
                let recorder = progress.recorder(context: context, clock: { WallClock.monotonicNanoseconds() }, sample: sample)
                recorder?.finishOnInterrupt(log: log)
                return recorder
            },
            onError: { entry in
                if settings.json {
                    console.err(ErrorJSON.entryLine(path: String(decoding: entry.path, as: UTF8.self), error: entry.error ?? ""))
                    return
                }
                guard !settings.quiet else { return }
                let line = "\(Tool.name): \(HumanText.name(entry.path)): \(HumanText.line(entry.error ?? ""))\n"
                if console.stderrIsTerminal && !progress.liveLineQuiet {
                    // Erase the live line first, in the same write; the reporter redraws it.
                    console.err("\r\u{1B}[K" + line)
                } else {
                    log.log(.warn, line)
                }
            },
            onFirstEntry: { TestPause.at(.walking, environment: context.configuration.environment) })
        let seconds = Double(WallClock.monotonicNanoseconds() - started) / 1e9
        let trailer = generated.trailer, mounts = generated.mountPointsNotEntered
        // A shard's part is complete: its ends beside it, for a reader who needs no more.
        let ends = shard == nil ? nil : EndsOutput.location(for: settings.output)
        if let ends {
            TestPause.at(.manifestComplete, environment: context.configuration.environment)
            try EndsOutput.write(ManifestEnds(header: header, trailer: trailer), to: ends, environment: context.configuration.environment)
        }
        if settings.json {
            console.out(summaryJSON(trailer, output: settings.output, ends: ends, seconds: seconds, mountPointsNotEntered: mounts)
                .serialized() + "\n")
        } else if !settings.quiet {
            let line = summaryLine(trailer, output: settings.output, mountPointsNotEntered: mounts) + "\n"
                + (ends.map { "wrote \($0): the header and trailer of \(settings.output)\n" } ?? "")
            if Endpoints.isStdout(settings.output) { log.log(.info, line) } else { console.out(line) }
        }
        return .success
    }

    /// `wrote out.ndjson.gz: 5 entries (3 files, 1 dirs, 1 symlinks, 0 others), 1234 bytes, 0 errors, 0 unstable`,
    /// followed by `, 2 mount points not entered` when the walk met any.
    /// With a reuse manifest: `, 990 reused, 10 sampled, 0 reuse mismatches`.
    static func summaryLine(_ trailer: ManifestTrailer, output: String, mountPointsNotEntered: UInt64 = 0) -> String {
        "wrote \(Endpoints.isStdout(output) ? "stdout" : output): \(trailer.entries) entries (\(trailer.files) files, \(trailer.dirs) dirs, "
            + "\(trailer.symlinks) symlinks, \(trailer.others) others), \(trailer.bytes) bytes, "
            + "\(trailer.errors) errors, \(trailer.unstable) unstable"
            + (trailer.reuse.map { ", \($0.reused) reused, \($0.sampled) sampled, \($0.mismatches) reuse mismatches" } ?? "")
            + (mountPointsNotEntered == 0 ? ""
                : ", \(mountPointsNotEntered) mount point\(mountPointsNotEntered == 1 ? "" : "s") not entered")
    }

    static func summaryJSON(_ trailer: ManifestTrailer, output: String, ends: String? = nil, seconds: Double,
                            mountPointsNotEntered: UInt64 = 0) -> JSONValue {
        .object([("output", .string(output))] + (ends.map { [("ends", JSONValue.string($0))] } ?? []) + [
            ("entries", .uint(trailer.entries)), ("files", .uint(trailer.files)), ("dirs", .uint(trailer.dirs)),
            ("symlinks", .uint(trailer.symlinks)), ("others", .uint(trailer.others)), ("bytes", .uint(trailer.bytes)),
            ("errors", .uint(trailer.errors)), ("unstable", .uint(trailer.unstable)),
            ("mountPointsNotEntered", .uint(mountPointsNotEntered)),
        ] + (trailer.reuse.map { r -> [(String, JSONValue)] in
            [("reused", .uint(r.reused)), ("sampled", .uint(r.sampled)), ("reuseMismatches", .uint(r.mismatches)),
             ("sampleSeed", .uint(r.seed))]
        } ?? []) + [
            ("entriesSha256", .string(trailer.entriesSha256)),
            ("seconds", .double((seconds * 1000).rounded() / 1000)),
        ])
    }
}

/// Whether to show a progress line: only when stderr is a terminal and
/// `--quiet` is off.
enum ProgressPolicy {
    static func reporter(console: Console, quiet: Bool) -> ((@escaping @Sendable () -> ProgressSample) -> ProgressReporter)? {
        guard console.stderrIsTerminal, !quiet else { return nil }
        return { sample in ProgressReporter(console: console, sample: sample) }
    }
}
