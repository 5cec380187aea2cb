import ManifestKit

/// `manifest-worker diff <baseline> [--post <post>] <restored>`: validate and
/// compare manifests.
enum DiffCommand {
    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> ExitStatus {
        let paths = try ArgumentParser.positionals(arguments, names: ["<baseline>", "<restored>"], command: "diff")
        var settings = try DiffSettings.resolve(arguments, context: context, restoredRootDefault: .auto)
        settings.windowEndNs = try context.configuration.windowEnd(arguments)
        let post = arguments.last("--post")
        let a = HumanText.name(paths[0]), b = HumanText.name(paths[1])
        if InputShape.isDirectory(paths[0]) && InputShape.isDirectory(paths[1]) {
            throw CLIError("diff", "\(a) and \(b) are directories; diff compares manifests (to compare two directories: \(Tool.name) verify \(a) \(b))")
        }
        try InputShape.requireManifest(paths[0], hint: "diff compares manifests")
        try InputShape.requireManifest(paths[1], hint: "to check a directory against a manifest: \(Tool.name) check \(a) \(b)")
        if let post { try InputShape.requireManifest(post, hint: "diff compares manifests") }
        let stdinUsers = (paths + (post.map { [$0] } ?? [])).filter { $0 == "-" }
        if stdinUsers.count > 1 { throw CLIError.usage("-", "stdin can be read only once", command: "diff") }
        let progress = try ProgressSettings.resolve(arguments, quiet: settings.quiet, context: context, expect: false)
        // The report's destination before any input is read or walked: a bad one fails at once.
        try ReportOutput.prepare(settings, context: context)
        let outcome = try Engine.diff(
            baseline: paths[0], post: post, restored: paths[1], settings: settings, progress: progress, context: context)
        return DiffOutput.emit(outcome, settings: settings, context: context)
    }
}

/// What a finished comparison hands to the console.
struct DiffOutcome: Sendable {
    /// The short human summary (ends in a newline).
    var summary: String
    /// report.json's text.
    var reportJSON: String
    /// No finding of error severity.
    var passed: Bool
}

/// Prints a comparison's result and maps it to the exit status.
enum DiffOutput {
    static func emit(_ outcome: DiffOutcome, settings: DiffSettings, context: CommandContext) -> ExitStatus {
        if settings.json && settings.listFindings {
            // stdout is NDJSON findings only; the exit status gives the verdict.
        } else if settings.json {
            context.console.out(outcome.reportJSON.hasSuffix("\n") ? outcome.reportJSON : outcome.reportJSON + "\n")
        } else if !settings.quiet {
            context.console.out(settings.colour ? Colour.summary(outcome.summary) : outcome.summary)
        }
        return outcome.passed ? .success : .differences
    }
}
