import ManifestKit

/// The options `diff` and `verify` share, resolved from flags and environment.
struct DiffSettings: Sendable, Equatable {
    var restoredRoot: RestoredRootMode
    var policy: SeverityPolicy
    var reportDir: String?
    /// Where `reportDir` came from (`--report-dir` or `EBV_REPORT_DIR`), for messages.
    var reportDirSource = "--report-dir"
    var maxFindings: Int
    /// `diff` only: the end of the backup window (``DiffOptions/windowEndNs``).
    var windowEndNs: Int64? = nil
    var json: Bool
    var quiet: Bool
    /// `--findings` / `--list`: print every finding, one per line.
    var listFindings = false
    /// Colour the summary (``Colour``).
    var colour = false

    static func resolve(_ arguments: ParsedArguments, context: CommandContext, restoredRootDefault: RestoredRootMode) throws -> DiffSettings {
        let config = context.configuration
        // Every --severity flag counts (later items override earlier ones);
        // the variable applies only when no flag is given.
        var policy = SeverityPolicy.default
        let specs: [SourcedValue] = arguments.has("--severity")
            ? arguments.all("--severity").map { SourcedValue(value: $0, source: "--severity") }
            : config.value(.severity, in: arguments).map { [$0] } ?? []
        for spec in specs {
            policy = try naming(spec.source) { try SeverityPolicy(parsing: spec.value, base: policy) }
        }
        let reportDir = config.value(.reportDir, in: arguments)
        var restoredRoot = restoredRootDefault
        if let setting = config.value(.restoredRoot, in: arguments) {
            restoredRoot = try naming(setting.source) { try RestoredRootMode(parsing: setting.value) }
        }
        return DiffSettings(
            restoredRoot: restoredRoot, policy: policy,
            reportDir: reportDir?.value, reportDirSource: reportDir?.source ?? "--report-dir",
            maxFindings: try config.maxFindings(arguments),
            json: arguments.has("--json"), quiet: arguments.has("--quiet"), listFindings: arguments.has("--findings"),
            colour: try Colour.enabled(arguments, environment: config.environment, stdoutIsTerminal: context.console.stdoutIsTerminal))
    }

    /// Runs `parse`, turning a ManifestKit argument error into a CLIError that
    /// names the flag or variable the value came from.
    private static func naming<T>(_ source: String, _ parse: () throws -> T) throws -> T {
        do {
            return try parse()
        } catch let error as ManifestKitError where error.kind == .invalidArgument {
            throw CLIError(source, error.reason)
        }
    }
}
