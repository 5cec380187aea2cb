import Foundation

/// One environment variable the orchestrator reads.
public struct OrchestratorSetting: Sendable, Equatable {
    /// What applies when the variable is unset or empty.
    public enum Fallback: Sendable, Equatable {
        /// Nothing: the setting is off or empty.
        case none
        /// This text, read exactly as if the variable held it.
        case value(String)
        /// Derived from other settings; the text says how (for people only).
        case derived(String)
    }

    public let name: String
    public let required: Bool
    public let fallback: Fallback
    public let meaning: String

    /// A required setting (no default).
    static func required(_ name: String, _ meaning: String) -> OrchestratorSetting {
        OrchestratorSetting(name: name, required: true, fallback: .none, meaning: meaning)
    }

    /// An optional setting.
    static func optional(_ name: String, _ fallback: Fallback, _ meaning: String) -> OrchestratorSetting {
        OrchestratorSetting(name: name, required: false, fallback: fallback, meaning: meaning)
    }

    /// The default as printed by `orchestrator config --list`: the value, `<how it is derived>`, or nil.
    public var defaultText: String? {
        switch fallback {
        case .none: return nil
        case .value(let text): return text
        case .derived(let how): return "<\(how)>"
        }
    }
}

/// **The one list** of the orchestrator's settings. `OrchestratorConfig` reads a variable only
/// through this list (reading an unlisted name is a configuration error that every config
/// test hits), takes its required flag and default from here, and
/// `orchestrator config --list [--json]` prints it — which `scripts/check-iac` compares with
/// the Lambda's environment in `terraform/`. Adding a variable is one entry here plus the
/// line in `OrchestratorConfig.init` that reads it.
public enum OrchestratorSettings {
    public static let all: [OrchestratorSetting] = [
        .required("EBV_BUCKET", "S3 bucket for runs, manifests and reports"),
        .optional("EBV_MANIFEST_PREFIX", .value("manifests/"), "manifest key prefix"),
        .optional("EBV_RUNS_PREFIX", .value("runs/"), "run documents and reports key prefix"),
        .required("EBV_TOPIC_ARN", "SNS topic for summaries and alerts (an arn:…:sns:… ARN)"),
        .required("EBV_CLUSTER", "ECS cluster for worker tasks"),
        .required("EBV_WORKER_TASK_FAMILY", "worker task-definition family (mounts production read-only)"),
        .required("EBV_WORKER_CONTAINER", "worker container name (its exit code is the task's)"),
        .optional("EBV_WORKER_VOLUME", .value("efs"), "the EFS volume name in the worker definition"),
        .optional("EBV_WORKER_MOUNT_PATH", .value("/mnt/efs"), "where the worker container mounts the volume"),
        .optional("EBV_RESTORED_TASK_FAMILY", .derived("EBV_WORKER_TASK_FAMILY-restored"),
                  "family of the per-run restored revisions; must differ from the worker family"),
        .required("EBV_SUBNETS", "comma-separated subnet-… ids for tasks and mount targets (one per AZ)"),
        .required("EBV_SECURITY_GROUPS", "comma-separated sg-… ids for worker tasks (and mount targets, unless EBV_MOUNT_TARGET_SECURITY_GROUPS)"),
        .optional("EBV_MOUNT_TARGET_SECURITY_GROUPS", .derived("EBV_SECURITY_GROUPS"),
                  "comma-separated sg-… ids for restored mount targets; must allow TCP 2049 from the task groups"),
        .required("EBV_FILE_SYSTEMS", "comma-separated fs-… ids under verification"),
        .required("EBV_KMS_KEY_ID", "KMS key of restored file systems"),
        .required("EBV_RESTORE_ROLE_ARN", "IAM role AWS Backup assumes for restores (arn:…:iam::…)"),
        .optional("EBV_SEVERITY", .none, "verdict severity overrides, class=severity,… (the worker's name; EBV_SEVERITIES is accepted, deprecated)"),
        .optional("EBV_RUN_TIMEOUT_HOURS", .value("24"), "a run still open this long after it started fails (timed-out)"),
        .optional("EBV_RESOURCE_GRACE_HOURS", .value("6"), "temporary resources expire this long after the run deadline"),
        .optional("EBV_MOUNT_TARGET_POLL_SECONDS", .value("10"), "mount-target poll interval within an invocation"),
        .optional("EBV_INVOCATION_MARGIN_SECONDS", .value("30"), "no new step starts this close to the invocation deadline"),
        .optional("EBV_TASK_START_ATTEMPTS", .value("3"), "starts of a worker task that failed to start (1-10) before the run is task-failed"),
        .optional("EBV_TASK_START_BACKOFF_SECONDS", .value("30"), "wait before the second start of a task; doubles for each further start"),
        .optional("EBV_POST_MANIFEST", .value("true"), "run the post manifest after each backup (false: two-way diff)"),
        .optional("EBV_RESTORE_TESTING_WINDOW_HOURS", .value("24"),
                  "restore-testing validation window (whole hours 1-168) when the plan's EFS selections do not say"),
        .optional("EBV_SIDE_EFFECT_RETRY_SECONDS", .value("60"), "first pause before a failed side effect (summary, EMF line, report, validation) is retried; doubled per failure"),
        .optional("EBV_DIFF_IN_LAMBDA_MAX_ENTRIES", .value("2000000"), "diffs estimated larger (baseline entries × manifests compared) run as a Fargate task"),
        .optional("EBV_DIFF_ENTRIES_PER_SECOND", .value("20000"), "diff rate assumed until one is measured (runs/diff-rate.json)"),
        .optional("EBV_SHARDS", .none,
                  "fixed number of shards (1-100) per manifest; unset: from the previous baseline's entries (EBV_ENTRIES_PER_SHARD, EBV_MAX_SHARDS)"),
        .optional("EBV_ENTRIES_PER_SHARD", .value("2000000"),
                  "automatic shards: one per this many entries of the previous baseline (rounded up)"),
        .optional("EBV_MAX_SHARDS", .value("16"), "automatic shards: at most this many (1-100)"),
        .optional("EBV_REUSE", .value("true"),
                  "the post manifest and scheduled baselines take unchanged files' digests from the previous manifest (--reuse-from); false: every file is read"),
        .optional("EBV_FULL_BASELINE_EVERY_DAYS", .value("7"),
                  "scheduled baselines reuse unchanged files' digests from the previous baseline, except a full read when the last one is this many days old (0: always full)"),
        .optional("EBV_STARTED_BY", .value("efs-backup-verifier"), "RunTask startedBy (the ECS event rule filters on it)"),
        .optional("EBV_METRICS_NAMESPACE", .value("EFSBackupVerifier"), "CloudWatch namespace of the EMF metrics"),
    ]

    /// The listed setting called `name`, if any.
    public static func named(_ name: String) -> OrchestratorSetting? {
        all.first { $0.name == name }
    }

    /// The list as JSON: an array in list order, each `{"default","meaning","name","required"}`
    /// (`default` null when there is none), one line.
    public static func json() -> String {
        let items: [[String: Any]] = all.map {
            ["name": $0.name, "required": $0.required, "default": $0.defaultText ?? NSNull(), "meaning": $0.meaning]
        }
        guard let data = try? JSONSerialization.data(withJSONObject: items, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return "[]"
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The list as text: one line per setting, `NAME  required|optional  default  meaning`.
    public static func text() -> String {
        let width = all.map(\.name.count).max() ?? 0
        return all.map { setting in
            let name = setting.name.padding(toLength: width, withPad: " ", startingAt: 0)
            let kind = setting.required ? "required" : "optional"
            let fallback = setting.defaultText.map { " (default \($0))" } ?? ""
            return "\(name)  \(kind)  \(setting.meaning)\(fallback)"
        }.joined(separator: "\n")
    }
}
