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
    case progressInterval = "EBV_PROGRESS_INTERVAL"
    case logFormat = "EBV_LOG_FORMAT"
    case expect = "EBV_EXPECT"
    case reuseFrom = "EBV_REUSE_FROM"
    case rehashSample = "EBV_REHASH_SAMPLE"
    case sampleSeed = "EBV_SAMPLE_SEED"

    /// The flag that overrides this variable.
    var flag: String { listing.flag }

    /// The flag, the default (nil: none) and the meaning, as `--list-settings` prints them:
    /// this enum is the one list of the variables (`Configuration.value` reads only these).
    var listing: (flag: String, defaultText: String?, meaning: String) {
        switch self {
        case .concurrency: return ("--concurrency", String(Defaults.concurrency), "I/O and hashing threads, 1-\(Defaults.maxConcurrency)")
        case .role: return ("--role", "local", "manifest header role: baseline, post, restored or local")
        case .output: return ("--output", "-", "generate's output: a file, - (stdout) or s3://bucket/key")
        case .fileSystemId: return ("--file-system-id", nil, "file system id recorded in the manifest header")
        case .recoveryPointArn: return ("--recovery-point-arn", nil, "recovery point ARN recorded in the manifest header")
        case .restoredRoot: return ("--restored-root", "none (generate, verify), auto (diff)", "auto, none or the directory that stands for the root")
        case .severity: return ("--severity", nil, "verdict severity overrides, class=severity,...")
        case .reportDir: return ("--report-dir", nil, "where diff and verify write report.json, findings.ndjson.gz, summary.txt")
        case .maxFindings: return ("--max-findings", String(Defaults.maxFindings), "findings kept per class in the report")
        case .windowEnd: return ("--window-end", nil, "two-way diff: when the backup completed (RFC 3339); later mtimes are not explained by the window")
        case .progressInterval: return ("--progress-interval", String(Defaults.progressIntervalSeconds), "seconds between progress records when stderr is not a terminal; 0 turns them off")
        case .logFormat: return ("--log-format", "text", "stderr lines: text, or json (one object per line)")
        case .expect: return ("--expect", nil, "an earlier manifest of the same tree: progress shows percent done and an ETA")
        case .reuseFrom: return ("--reuse-from", nil, "generate: an earlier manifest of the same tree; files whose size, mtime, ctime and inode it matches take its sha256 unread")
        case .rehashSample: return ("--rehash-sample", "0.01", "generate --reuse-from: the fraction (0-1) of reusable files read anyway; a changed digest is marked reuseMismatch")
        case .sampleSeed: return ("--sample-seed", "the walk's start time", "generate --reuse-from: seed of the rehash sample (an integer; the same seed picks the same paths)")
        }
    }

    /// Every variable as JSON: an array in declaration order, each
    /// `{"default","flag","meaning","name","required":false}` (`default` null when none), one line.
    static func listingJSON() -> String {
        let items = allCases.map { variable -> JSONValue in
            let listing = variable.listing
            return .object([
                ("default", listing.defaultText.map(JSONValue.string) ?? .null), ("flag", .string(listing.flag)),
                ("meaning", .string(listing.meaning)), ("name", .string(variable.rawValue)), ("required", .bool(false)),
            ])
        }
        return JSONValue.array(items).serialized()
    }

    /// Every variable as text, one per line: `NAME  --flag  meaning (default …)`.
    static func listingText() -> String {
        let nameWidth = allCases.map(\.rawValue.count).max() ?? 0
        let flagWidth = allCases.map(\.flag.count).max() ?? 0
        return allCases.map { variable in
            let listing = variable.listing
            let fallback = listing.defaultText.map { " (default \($0))" } ?? ""
            return variable.rawValue.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  "
                + listing.flag.padding(toLength: flagWidth, withPad: " ", startingAt: 0) + "  " + listing.meaning + fallback
        }.joined(separator: "\n") + "\n"
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
    static let progressIntervalSeconds = 60
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
