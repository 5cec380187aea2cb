/// The options `diff` and `verify` share, resolved from flags and environment.
struct DiffSettings: Sendable, Equatable {
    var restoredRoot: RestoredRootChoice
    /// Severity overrides in the order given, `(class, severity)`.
    var severities: [(String, String)]
    var reportDir: String?
    var maxFindings: Int
    var json: Bool
    var quiet: Bool

    static func == (a: DiffSettings, b: DiffSettings) -> Bool {
        a.restoredRoot == b.restoredRoot && a.severities.map { "\($0.0)=\($0.1)" } == b.severities.map { "\($0.0)=\($0.1)" }
            && a.reportDir == b.reportDir && a.maxFindings == b.maxFindings && a.json == b.json && a.quiet == b.quiet
    }

    static func resolve(_ arguments: ParsedArguments, context: CommandContext, restoredRootDefault: RestoredRootChoice) throws -> DiffSettings {
        let config = context.configuration
        var severities: [(String, String)] = []
        // Every --severity flag counts (later ones override earlier ones);
        // the variable applies only when no flag is given.
        let specs: [SourcedValue] = arguments.has("--severity")
            ? arguments.all("--severity").map { SourcedValue(value: $0, source: "--severity") }
            : config.value(.severity, in: arguments).map { [$0] } ?? []
        for spec in specs { severities += try parseSeverities(spec) }
        return DiffSettings(
            restoredRoot: try config.restoredRoot(arguments, default: restoredRootDefault),
            severities: severities,
            reportDir: config.value(.reportDir, in: arguments)?.value,
            maxFindings: try config.maxFindings(arguments),
            json: arguments.has("--json"), quiet: arguments.has("--quiet"))
    }

    /// Verdict classes and severities (DESIGN.md §4).
    static let classes = ["match", "changed", "torn", "missing", "extra", "corrupt", "metadata", "unverifiable", "omitted", "lostFound"]
    static let levels = ["ok", "info", "warning", "error"]

    /// `metadata=error,omitted=ok` → `[("metadata","error"), ("omitted","ok")]`.
    static func parseSeverities(_ setting: SourcedValue) throws -> [(String, String)] {
        var result: [(String, String)] = []
        for item in setting.value.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw CLIError(setting.source, "expected class=severity, got \"\(item)\"")
            }
            guard classes.contains(parts[0]) else {
                throw CLIError(setting.source, "unknown class \"\(parts[0])\" (one of \(classes.joined(separator: ", ")))")
            }
            guard levels.contains(parts[1]) else {
                throw CLIError(setting.source, "unknown severity \"\(parts[1])\" (one of \(levels.joined(separator: ", ")))")
            }
            result.append((parts[0], parts[1]))
        }
        return result
    }
}
