import Foundation

/// The orchestrator's configuration, read once from environment variables at init, each
/// through `OrchestratorSettings.all` (the one list; `orchestrator config --list`).
/// Every variable is documented in `docs/orchestrator.md`.
public struct OrchestratorConfig: Sendable, Equatable {
    /// S3 bucket for runs, manifests and reports (`EBV_BUCKET`).
    public var bucket: String
    /// Key prefix of manifests (`EBV_MANIFEST_PREFIX`, default `manifests/`).
    public var manifestPrefix: String
    /// Key prefix of run documents and reports (`EBV_RUNS_PREFIX`, default `runs/`).
    public var runsPrefix: String
    /// SNS topic for summaries and alerts (`EBV_TOPIC_ARN`).
    public var topicArn: String
    /// ECS cluster of the worker tasks (`EBV_CLUSTER`).
    public var cluster: String
    /// The worker's task-definition family, mounting production (`EBV_WORKER_TASK_FAMILY`).
    public var workerTaskFamily: String
    /// The worker container's name (`EBV_WORKER_CONTAINER`).
    public var workerContainer: String
    /// The EFS volume name in the worker definition (`EBV_WORKER_VOLUME`, default `efs`).
    public var workerVolume: String
    /// Where the worker container mounts the volume (`EBV_WORKER_MOUNT_PATH`, default `/mnt/efs`).
    public var workerMountPath: String
    /// Family of the per-run restored revisions (`EBV_RESTORED_TASK_FAMILY`, default `<family>-restored`).
    public var restoredTaskFamily: String
    /// Subnets for tasks and mount targets (`EBV_SUBNETS`, comma-separated `subnet-…`).
    public var subnets: [String]
    /// Security groups of the worker tasks (`EBV_SECURITY_GROUPS`, comma-separated `sg-…`);
    /// also of the mount targets unless `mountTargetSecurityGroups` is set.
    public var securityGroups: [String]
    /// Security groups of the restored file system's mount targets
    /// (`EBV_MOUNT_TARGET_SECURITY_GROUPS`, optional): they must allow TCP 2049 from the task
    /// groups. Nil → the task groups, which then need a self-referencing TCP 2049 rule.
    public var mountTargetSecurityGroups: [String]?
    /// How many times a worker task is started when ECS cannot start it
    /// (`EBV_TASK_START_ATTEMPTS`, 1–10, default 3).
    public var taskStartAttempts: Int
    /// Wait before the second start; doubled before each further one
    /// (`EBV_TASK_START_BACKOFF_SECONDS`, default 30).
    public var taskStartBackoff: TimeInterval
    /// File systems under verification (`EBV_FILE_SYSTEMS`, comma-separated `fs-…`).
    public var fileSystems: [String]
    /// KMS key for restored file systems (`EBV_KMS_KEY_ID`).
    public var kmsKeyId: String
    /// IAM role AWS Backup assumes for restores (`EBV_RESTORE_ROLE_ARN`).
    public var restoreRoleArn: String
    /// Verdict-class severity overrides (`EBV_SEVERITY`, `class=severity,…`; the old
    /// name `EBV_SEVERITIES` is accepted with a warning).
    public var severities: [String: String]
    /// Warnings about the configuration (a deprecated variable), logged once at start.
    public var warnings: [String] = []
    /// A run fails when still open this long after it started (`EBV_RUN_TIMEOUT_HOURS`, default 24).
    public var runTimeout: TimeInterval
    /// Temporary resources expire this long after the run deadline (`EBV_RESOURCE_GRACE_HOURS`, default 6).
    public var resourceGrace: TimeInterval
    /// Interval between mount-target polls (`EBV_MOUNT_TARGET_POLL_SECONDS`, default 10).
    public var mountTargetPollInterval: TimeInterval
    /// Stop starting work this long before the invocation deadline (`EBV_INVOCATION_MARGIN_SECONDS`, default 30).
    public var invocationMargin: TimeInterval
    /// Launch the post manifest after each backup (`EBV_POST_MANIFEST`, default `true`).
    public var postManifest: Bool
    /// The restore-testing selection's `ValidationWindowHours` (`EBV_RESTORE_TESTING_WINDOW_HOURS`,
    /// 1–168, default 24): AWS deletes the restored file system when it closes, so a
    /// restore-testing run's deadline falls `restoreTestingCleanupMargin` before it.
    public var restoreTestingWindow: TimeInterval
    /// Time kept at the end of the validation window for cleanup and the validation result.
    public static let restoreTestingCleanupMargin: TimeInterval = 30 * 60
    /// First pause before a failed side effect (summary, EMF line, report, validation) is
    /// retried; doubled per failure, at most an hour (`EBV_SIDE_EFFECT_RETRY_SECONDS`, default 60).
    public var sideEffectRetry: TimeInterval
    /// Diffs estimated larger than this many entries run as a Fargate task of the worker
    /// image instead of in Lambda (`EBV_DIFF_IN_LAMBDA_MAX_ENTRIES`, default 2,000,000).
    public var diffInLambdaMaxEntries: Int
    /// The diff rate assumed until one is measured (`EBV_DIFF_ENTRIES_PER_SECOND`, default 20,000).
    public var diffEntriesPerSecond: Double
    /// RunTask `startedBy` (`EBV_STARTED_BY`, default `efs-backup-verifier`).
    public var startedBy: String
    /// CloudWatch namespace of the EMF metrics (`EBV_METRICS_NAMESPACE`, default `EFSBackupVerifier`).
    public var metricsNamespace: String

    /// The verdict classes and severities `EBV_SEVERITY` may name (DESIGN.md §4).
    public static let verdictClasses: Set<String> = [
        "match", "changed", "torn", "missing", "extra", "corrupt", "metadata", "unverifiable", "omitted", "lost+found",
        "reuse-mismatch",
    ]
    public static let severityNames: Set<String> = ["ok", "info", "warning", "error"]

    /// Reads the configuration.
    /// - Throws: `OrchestratorError(.configuration)` whose message names the first missing
    ///   or invalid variable, e.g. `EBV_SUBNETS: missing` or `EBV_RUN_TIMEOUT_HOURS: not a positive number: "x"`.
    /// The old name of `EBV_SEVERITY` (read only when that is unset).
    public static let deprecatedSeverities = "EBV_SEVERITIES"

    public init(environment env: [String: String]) throws {
        let reader = EnvironmentReader(env)
        // Every missing required variable at once, not one per attempt.
        let missing = OrchestratorSettings.all.filter { $0.required && (env[$0.name] ?? "").isEmpty }.map(\.name)
        if !missing.isEmpty {
            throw OrchestratorError(.configuration, "\(missing.joined(separator: ", ")): missing")
        }
        bucket = try reader.required("EBV_BUCKET")
        manifestPrefix = try reader.prefix("EBV_MANIFEST_PREFIX")
        runsPrefix = try reader.prefix("EBV_RUNS_PREFIX")
        topicArn = try reader.arn("EBV_TOPIC_ARN", service: "sns")
        cluster = try reader.required("EBV_CLUSTER")
        workerTaskFamily = try reader.required("EBV_WORKER_TASK_FAMILY")
        workerContainer = try reader.required("EBV_WORKER_CONTAINER")
        workerVolume = try reader.text("EBV_WORKER_VOLUME")
        workerMountPath = try reader.text("EBV_WORKER_MOUNT_PATH")
        restoredTaskFamily = try reader.optional("EBV_RESTORED_TASK_FAMILY") ?? workerTaskFamily + "-restored"
        guard restoredTaskFamily != workerTaskFamily else {
            throw OrchestratorError(.configuration, "EBV_RESTORED_TASK_FAMILY: must differ from EBV_WORKER_TASK_FAMILY")
        }
        subnets = try reader.list("EBV_SUBNETS", idPrefix: "subnet-")
        securityGroups = try reader.list("EBV_SECURITY_GROUPS", idPrefix: "sg-")
        mountTargetSecurityGroups = try reader.optionalList("EBV_MOUNT_TARGET_SECURITY_GROUPS", idPrefix: "sg-")
        fileSystems = try reader.list("EBV_FILE_SYSTEMS", idPrefix: "fs-")
        kmsKeyId = try reader.required("EBV_KMS_KEY_ID")
        restoreRoleArn = try reader.arn("EBV_RESTORE_ROLE_ARN", service: "iam")
        // EBV_SEVERITY, as the worker spells it; the orchestrator's old EBV_SEVERITIES
        // still works (when EBV_SEVERITY is unset), with a warning.
        if try reader.optional("EBV_SEVERITY") == nil, let old = env[Self.deprecatedSeverities], !old.isEmpty {
            severities = try EnvironmentReader.parseSeverities(Self.deprecatedSeverities, old)
            warnings.append("\(Self.deprecatedSeverities) is deprecated: rename it EBV_SEVERITY (as the worker names it)")
        } else {
            severities = try reader.severities("EBV_SEVERITY")
        }
        runTimeout = try reader.positiveNumber("EBV_RUN_TIMEOUT_HOURS") * 3600
        resourceGrace = try reader.positiveNumber("EBV_RESOURCE_GRACE_HOURS") * 3600
        mountTargetPollInterval = try reader.positiveNumber("EBV_MOUNT_TARGET_POLL_SECONDS")
        invocationMargin = try reader.positiveNumber("EBV_INVOCATION_MARGIN_SECONDS")
        taskStartAttempts = try reader.integer("EBV_TASK_START_ATTEMPTS", in: 1...10)
        taskStartBackoff = try reader.positiveNumber("EBV_TASK_START_BACKOFF_SECONDS")
        postManifest = try reader.bool("EBV_POST_MANIFEST")
        let window = try reader.positiveNumber("EBV_RESTORE_TESTING_WINDOW_HOURS")
        guard window >= 1, window <= 168, window == window.rounded() else {
            throw OrchestratorError(.configuration, "EBV_RESTORE_TESTING_WINDOW_HOURS: not a whole number of hours from 1 to 168: \"\(try reader.text("EBV_RESTORE_TESTING_WINDOW_HOURS"))\"")
        }
        restoreTestingWindow = window * 3600
        sideEffectRetry = try reader.positiveNumber("EBV_SIDE_EFFECT_RETRY_SECONDS")
        let maxEntries = try reader.positiveNumber("EBV_DIFF_IN_LAMBDA_MAX_ENTRIES")
        guard maxEntries == maxEntries.rounded(), maxEntries < 1e15, let entries = Int(exactly: maxEntries) else {
            throw OrchestratorError(.configuration, "EBV_DIFF_IN_LAMBDA_MAX_ENTRIES: not a whole number: \"\(try reader.text("EBV_DIFF_IN_LAMBDA_MAX_ENTRIES"))\"")
        }
        diffInLambdaMaxEntries = entries
        diffEntriesPerSecond = try reader.positiveNumber("EBV_DIFF_ENTRIES_PER_SECOND")
        startedBy = try reader.text("EBV_STARTED_BY")
        guard !startedBy.isEmpty, startedBy.count <= 128,
              startedBy.unicodeScalars.allSatisfy({ $0.isASCIIAlphanumeric || "-/_".unicodeScalars.contains($0) })
        else {
            throw OrchestratorError(.configuration, "EBV_STARTED_BY: must be 1-128 of [A-Za-z0-9-/_]: \"\(startedBy)\"")
        }
        metricsNamespace = try reader.text("EBV_METRICS_NAMESPACE")
    }
}

/// Small typed accessors with exact error messages naming the variable. Every name must be
/// in `OrchestratorSettings.all`, which also gives whether it is required and its default.
struct EnvironmentReader {
    let env: [String: String]
    init(_ env: [String: String]) { self.env = env }

    /// The listed setting, or a configuration error for a name the list lacks (a
    /// programming error every config test hits).
    func setting(_ name: String) throws -> OrchestratorSetting {
        guard let setting = OrchestratorSettings.named(name) else {
            throw OrchestratorError(.configuration, "\(name): not in OrchestratorSettings.all")
        }
        return setting
    }

    /// The variable's trimmed value, else the listed default value, else nil.
    func optional(_ name: String) throws -> String? {
        let setting = try setting(name)
        if let value = env[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty { return value }
        if case .value(let fallback) = setting.fallback { return fallback }
        return nil
    }

    /// A setting listed as required: its value, or `NAME: missing`.
    func required(_ name: String) throws -> String {
        guard try setting(name).required else {
            throw OrchestratorError(.configuration, "\(name): read as required but listed as optional")
        }
        guard let value = try optional(name) else { throw OrchestratorError(.configuration, "\(name): missing") }
        return value
    }

    /// A setting that always has a value (required, or listed with a default value).
    func text(_ name: String) throws -> String {
        guard let value = try optional(name) else {
            throw OrchestratorError(.configuration, "\(name): missing")
        }
        return value
    }

    func prefix(_ name: String) throws -> String {
        let value = try text(name)
        guard !value.hasPrefix("/") else {
            throw OrchestratorError(.configuration, "\(name): must not start with \"/\": \"\(value)\"")
        }
        return value.hasSuffix("/") ? value : value + "/"
    }

    func arn(_ name: String, service: String) throws -> String {
        let value = try required(name)
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 6, parts[0] == "arn", parts[2] == Substring(service) else {
            throw OrchestratorError(.configuration, "\(name): not an \(service) ARN: \"\(value)\"")
        }
        return value
    }

    /// `list`, or nil when the variable is unset or empty.
    func optionalList(_ name: String, idPrefix: String) throws -> [String]? {
        guard let value = try optional(name) else { return nil }
        return try items(name, value, idPrefix: idPrefix)
    }

    func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int {
        let value = try text(name)
        guard let number = Int(value), range.contains(number) else {
            throw OrchestratorError(.configuration, "\(name): not a whole number in \(range.lowerBound)...\(range.upperBound): \"\(value)\"")
        }
        return number
    }

    func list(_ name: String, idPrefix: String) throws -> [String] {
        try items(name, try required(name), idPrefix: idPrefix)
    }

    /// `value` as a comma-separated list of `idPrefix…` ids.
    func items(_ name: String, _ value: String, idPrefix: String) throws -> [String] {
        let items = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !items.isEmpty else { throw OrchestratorError(.configuration, "\(name): missing") }
        for item in items where !item.hasPrefix(idPrefix) || item.count == idPrefix.count {
            throw OrchestratorError(.configuration, "\(name): not a \(idPrefix)… id: \"\(item)\"")
        }
        return items
    }

    func positiveNumber(_ name: String) throws -> Double {
        let value = try text(name)
        guard let number = Double(value), number.isFinite, number > 0 else {
            throw OrchestratorError(.configuration, "\(name): not a positive number: \"\(value)\"")
        }
        return number
    }

    func bool(_ name: String) throws -> Bool {
        let value = try text(name)
        switch value.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw OrchestratorError(.configuration, "\(name): not true or false: \"\(value)\"")
        }
    }

    func severities(_ name: String) throws -> [String: String] {
        guard let value = try optional(name) else { return [:] }
        return try Self.parseSeverities(name, value)
    }

    /// `class=severity,…`; an error says which part is wrong.
    static func parseSeverities(_ name: String, _ value: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for item in value.split(separator: ",") {
            let pair = item.split(separator: "=", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else {
                throw OrchestratorError(.configuration, "\(name): expected class=severity, got \"\(item)\"")
            }
            guard OrchestratorConfig.verdictClasses.contains(pair[0]) else {
                throw OrchestratorError(.configuration, "\(name): unknown class \"\(pair[0])\" in \"\(item)\" (classes: \(OrchestratorConfig.verdictClasses.sorted().joined(separator: ", ")))")
            }
            guard OrchestratorConfig.severityNames.contains(pair[1]) else {
                throw OrchestratorError(.configuration, "\(name): unknown severity \"\(pair[1])\" in \"\(item)\" (ok, info, warning or error)")
            }
            result[pair[0]] = pair[1]
        }
        return result
    }
}

extension Unicode.Scalar {
    var isASCIIAlphanumeric: Bool {
        (value >= 48 && value <= 57) || (value >= 65 && value <= 90) || (value >= 97 && value <= 122)
    }
}
