import ManifestKit

/// `manifest-worker verify <dirA> <dirB>`: manifest both trees at once (two
/// walkers on their own threads, nothing written) and compare them two-way.
enum VerifyCommand {
    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> ExitStatus {
        let dirs = try ArgumentParser.positionals(arguments, names: ["<dirA>", "<dirB>"], command: "verify")
        let settings = try DiffSettings.resolve(arguments, context: context, restoredRootDefault: .none)
        let concurrency = try context.configuration.concurrency(arguments)
        let progress = try ProgressSettings.resolve(arguments, quiet: settings.quiet, context: context)
        let outcome = try Engine.verify(
            dirA: dirs[0], dirB: dirs[1], concurrency: concurrency, settings: settings, progress: progress, context: context)
        return DiffOutput.emit(outcome, settings: settings, context: context)
    }
}
