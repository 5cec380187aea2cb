import ManifestKit

/// The environment variables `manifest-worker` reads (for the container, where
/// configuration comes from the task definition). A flag on the command line
/// always wins over its variable.
enum EnvironmentVariable: String, CaseIterable, Sendable {
    case concurrency = "EBV_CONCURRENCY"
    case role = "EBV_ROLE"
    case output = "EBV_OUTPUT"
    case fileSystemId = "EBV_FILE_SYSTEM_ID"
    case recoveryPointArn = "EBV_RECOVERY_POINT_ARN"
    case restoredRoot = "EBV_RESTORED_ROOT"
    case severity = "EBV_SEVERITY"
    case reportDir = "EBV_REPORT_DIR"
    case maxFindings = "EBV_MAX_FINDINGS"
    case windowEnd = "EBV_WINDOW_END"

    /// The flag that overrides this variable.
    var flag: String {
        switch self {
        case .concurrency: return "--concurrency"
        case .role: return "--role"
        case .output: return "--output"
        case .fileSystemId: return "--file-system-id"
        case .recoveryPointArn: return "--recovery-point-arn"
        case .restoredRoot: return "--restored-root"
        case .severity: return "--severity"
        case .reportDir: return "--report-dir"
        case .maxFindings: return "--max-findings"
        case .windowEnd: return "--window-end"
        }
    }
}

/// A configuration value and where it came from (a flag or a variable), so
/// that an error can name the source the user has to fix.
struct SourcedValue: Sendable, Equatable {
    var value: String
    /// `--concurrency`, `EBV_CONCURRENCY`, …
    var source: String
}

/// Configuration lookup: flags first, then the injected environment.
///
/// The environment is a plain dictionary handed in by `main.swift`; nothing
/// else in the executable reads the process environment. Empty variables
/// count as unset.
struct Configuration: Sendable {
    var environment: [String: String]

    init(environment: [String: String]) {
        self.environment = environment
    }

    /// The flag's value if given (the last occurrence wins), else the
    /// variable's, else nil.
    func value(_ variable: EnvironmentVariable, in arguments: ParsedArguments) -> SourcedValue? {
        if let flagValue = arguments.last(variable.flag) {
            return SourcedValue(value: flagValue, source: variable.flag)
        }
        if let envValue = environment[variable.rawValue], !envValue.isEmpty {
            return SourcedValue(value: envValue, source: variable.rawValue)
        }
        return nil
    }

    /// `--concurrency` / `EBV_CONCURRENCY`: hashing threads, 1…1024 (default 32).
    func concurrency(_ arguments: ParsedArguments) throws(CLIError) -> Int {
        guard let setting = value(.concurrency, in: arguments) else { return Defaults.concurrency }
        guard let n = Int(setting.value), (1...Defaults.maxConcurrency).contains(n) else {
            throw CLIError(setting.source, "must be an integer from 1 to \(Defaults.maxConcurrency) (got \"\(setting.value)\")")
        }
        return n
    }

    /// `--max-findings` / `EBV_MAX_FINDINGS`: findings per class kept in the report (default 100).
    func maxFindings(_ arguments: ParsedArguments) throws(CLIError) -> Int {
        guard let setting = value(.maxFindings, in: arguments) else { return Defaults.maxFindings }
        guard let n = Int(setting.value), n >= 0 else {
            throw CLIError(setting.source, "must be a non-negative integer (got \"\(setting.value)\")")
        }
        return n
    }

    /// `--window-end` / `EBV_WINDOW_END`: when the backup completed, RFC 3339
    /// (nanoseconds since the epoch), or nil when not given.
    func windowEnd(_ arguments: ParsedArguments) throws(CLIError) -> Int64? {
        guard let setting = value(.windowEnd, in: arguments) else { return nil }
        guard let ns = Timestamp.parse(setting.value) else {
            throw CLIError(setting.source, "must be an RFC 3339 time such as 2026-11-22T00:03:13Z (got \(JSONText.quoted(setting.value)))")
        }
        return ns
    }

    /// `--restored-root` / `EBV_RESTORED_ROOT`: `auto`, `none` or a directory name.
    func restoredRoot(_ arguments: ParsedArguments, default fallback: RestoredRootChoice) throws(CLIError) -> RestoredRootChoice {
        guard let setting = value(.restoredRoot, in: arguments) else { return fallback }
        return try RestoredRootChoice.parse(setting)
    }
}

/// Built-in defaults, in one place.
enum Defaults {
    static let concurrency = 32
    static let maxConcurrency = 1024
    static let maxFindings = 100
}

/// Which directory of a restored tree stands for the original root.
enum RestoredRootChoice: Sendable, Equatable {
    /// A single top-level `aws-backup-restore_*` directory, if there is one.
    case auto
    /// The tree as it is.
    case none
    /// This directory (relative to the tree's root).
    case directory(String)

    static func parse(_ setting: SourcedValue) throws(CLIError) -> RestoredRootChoice {
        switch setting.value {
        case "auto": return .auto
        case "none": return .none
        default:
            let name = setting.value
            let parts = name.split(separator: "/", omittingEmptySubsequences: false)
            if name.hasPrefix("/") || parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
                throw CLIError(setting.source, "must be auto, none or a relative directory without . or .. (got \"\(name)\")")
            }
            return .directory(name)
        }
    }

    var text: String {
        switch self {
        case .auto: return "auto"
        case .none: return "none"
        case .directory(let d): return d
        }
    }
}
