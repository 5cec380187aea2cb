import AWSLite
import Foundation
import ManifestKit
import Primitives

/// Keys, tags and idempotency tokens, all derived from the run id (DESIGN.md §5).
public struct RunNaming: Sendable {
    public static let runTag = "efs-backup-verifier:run"
    public static let expiresTag = "efs-backup-verifier:expires"

    public var config: OrchestratorConfig

    public init(config: OrchestratorConfig) {
        self.config = config
    }

    /// `runs/<fileSystemId>/<runId>.json`.
    public func runKey(fileSystemId: String, runId: String) -> String {
        config.runsPrefix + fileSystemId + "/" + runId + ".json"
    }

    /// `runs/open/<fileSystemId>/<runId>`: present while the run is not done (reconcile lists these).
    public func openMarkerKey(fileSystemId: String, runId: String) -> String {
        config.runsPrefix + "open/" + fileSystemId + "/" + runId
    }

    public var openMarkerPrefix: String { config.runsPrefix + "open/" }

    /// `runs/restore-jobs/<restoreJobId>.json`: which run started a restore job.
    public func restoreJobIndexKey(_ restoreJobId: String) -> String {
        config.runsPrefix + "restore-jobs/" + restoreJobId + ".json"
    }

    /// `runs/diff-rate.json`: the last measured in-Lambda diff rate.
    public var diffRateKey: String { config.runsPrefix + "diff-rate.json" }

    /// `runs/<fs>/<run>/` — where the report set goes.
    public func reportPrefix(fileSystemId: String, runId: String) -> String {
        config.runsPrefix + fileSystemId + "/" + runId + "/"
    }

    /// `manifests/<fs>/baseline/` — where scheduled baseline manifests are written.
    public func baselinePrefix(fileSystemId: String) -> String {
        config.manifestPrefix + fileSystemId + "/baseline/"
    }

    /// `manifests/<fs>/runs/<run>/<role>.ndjson.gz`.
    public func manifestKey(fileSystemId: String, runId: String, role: TaskRole) -> String {
        config.manifestPrefix + fileSystemId + "/runs/" + runId + "/" + role.rawValue + ".ndjson.gz"
    }

    /// `s3://<bucket>/<key>`.
    public func s3URI(_ key: String) -> String { "s3://" + config.bucket + "/" + key }

    /// The run tags on every temporary resource.
    public func tags(runId: String, expiresAt: Date) -> [String: String] {
        [Self.runTag: runId, Self.expiresTag: Timestamps.rfc3339(expiresAt)]
    }

    /// `ebv:<fs>:<run>:<role>` — the task group a stop event is matched by.
    public func taskGroup(fileSystemId: String, runId: String, role: TaskRole) -> String {
        "ebv:" + fileSystemId + ":" + runId + ":" + role.rawValue
    }

    /// Parses a task group back into (fileSystemId, runId, role); nil unless every part is
    /// a valid id (`idProblem`).
    public func parseTaskGroup(_ group: String) -> (fileSystemId: String, runId: String, role: TaskRole)? {
        let parts = group.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, parts[0] == "ebv", parts[1].hasPrefix("fs-"), !parts[2].isEmpty,
              let role = TaskRole(rawValue: parts[3]),
              Self.idProblem(parts[1]) == nil, Self.idProblem(parts[2]) == nil else { return nil }
        return (parts[1], parts[2], role)
    }

    /// The longest id (backup and restore job ids, run ids, file system ids) accepted from an event.
    public static let maxIdLength = 256

    /// Why `id` must not go into an S3 key or a log line as an id, or nil when it may:
    /// empty, longer than 256 characters, a `/`, `..`, or a control character.
    public static func idProblem(_ id: String) -> String? {
        if id.isEmpty { return "empty" }
        if id.unicodeScalars.count > maxIdLength { return "longer than \(maxIdLength) characters" }
        if id.contains("/") { return "contains \"/\"" }
        if id.contains("..") { return "contains \"..\"" }
        if id.unicodeScalars.contains(where: { $0.value < 0x20 || ($0.value >= 0x7F && $0.value <= 0x9F) }) {
            return "contains a control character"
        }
        return nil
    }

    /// An idempotency token `ebv-<purpose>-<runId>`: at most 64 characters, ASCII 33–126.
    /// Longer or non-conforming ids are replaced by the first 40 hex digits of their SHA-256.
    public static func token(_ purpose: String, runId: String) -> String {
        let plain = "ebv-" + purpose + "-" + runId
        if plain.utf8.count <= 64, plain.utf8.allSatisfy({ $0 >= 33 && $0 <= 126 }) { return plain }
        let digest = String(SHA256.hex(Array(runId.utf8)).prefix(40))
        return String(("ebv-" + purpose + "-" + digest).prefix(64))
    }

    /// `verify-<first 24 hex digits of SHA-256(recoveryPointArn)>`: the same recovery point
    /// always maps to the same manual run.
    public static func verifyRunId(recoveryPointArn: String) -> String {
        "verify-" + String(SHA256.hex(Array(recoveryPointArn.utf8)).prefix(24))
    }

    /// The file system id at the end of an EFS ARN (`…:file-system/fs-…`), or the id itself.
    public static func fileSystemId(fromArn arn: String) -> String? {
        if arn.hasPrefix("fs-") { return arn }
        guard let range = arn.range(of: ":file-system/") else { return nil }
        let id = String(arn[range.upperBound...])
        return id.hasPrefix("fs-") ? id : nil
    }
}
