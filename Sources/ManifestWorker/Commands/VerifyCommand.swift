import ManifestKit

/// `manifest-worker verify <dirA> <dirB>`: manifest both trees at once (two
/// walkers on their own threads, nothing written) and compare them two-way.
enum VerifyCommand {
    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> ExitStatus {
        let dirs = try ArgumentParser.positionals(arguments, names: ["<dirA>", "<dirB>"], command: "verify")
        let settings = try DiffSettings.resolve(arguments, context: context, restoredRootDefault: .none)
        let concurrency = try context.configuration.concurrency(arguments)
        let progress = try ProgressSettings.resolve(arguments, quiet: settings.quiet, context: context)
        let a = HumanText.name(dirs[0]), b = HumanText.name(dirs[1])
        if InputShape.isNonDirectory(dirs[0]) && !InputShape.isNonDirectory(dirs[1]) {
            throw CLIError(dirs[0], "is not a directory (to check a directory against a manifest: \(Tool.name) check \(a) \(b))")
        }
        try InputShape.requireDirectory(dirs[0], hint: "verify compares two directories; for manifests use \(Tool.name) diff")
        try InputShape.requireDirectory(dirs[1], hint: "verify compares two directories; for manifests use \(Tool.name) diff")
        if InputShape.sameDirectory(dirs[0], dirs[1]) {
            context.console.err("\(Tool.name): note: \(a) and \(b) are the same directory: verify compares it with itself (give the original and its copy)\n")
        }
        if settings.restoredRoot == .none, context.configuration.value(.restoredRoot, in: arguments) == nil,
           let restore = InputShape.restoreDirectory(in: dirs[1]), InputShape.restoreDirectory(in: dirs[0]) == nil {
            context.console.err("\(Tool.name): note: \(b) holds \(HumanText.name(restore)); to compare what it restored, add --restored-root auto\n")
        }
        // The report's destination before any input is read or walked: a bad one fails at once.
        try ReportOutput.prepare(settings, context: context)
        let outcome = try Engine.verify(
            dirA: dirs[0], dirB: dirs[1], concurrency: concurrency, settings: settings, progress: progress, context: context)
        return DiffOutput.emit(outcome, settings: settings, context: context)
    }
}
