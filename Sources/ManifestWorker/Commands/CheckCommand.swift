import ManifestKit

/// `manifest-worker check <manifest> <dir>`: walk `<dir>` and compare it with a
/// saved manifest as the walk goes (nothing written), like `b3sum --check`.
enum CheckCommand {
    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> ExitStatus {
        let paths = try ArgumentParser.positionals(arguments, names: ["<manifest>", "<dir>"], command: "check")
        var settings = try DiffSettings.resolve(arguments, context: context, restoredRootDefault: .none)
        settings.windowEndNs = try context.configuration.windowEnd(arguments)
        let concurrency = try context.configuration.concurrency(arguments)
        try InputShape.requireManifest(paths[0], hint: "check takes the manifest first, then the directory")
        try InputShape.requireDirectory(paths[1], hint: "check takes the manifest first, then the directory")
        // The report's destination before any input is read or walked: a bad one fails at once.
        try ReportOutput.prepare(settings, context: context)
        let outcome = try Engine.check(
            manifest: paths[0], dir: paths[1], concurrency: concurrency, settings: settings, context: context)
        return DiffOutput.emit(outcome, settings: settings, context: context)
    }
}
