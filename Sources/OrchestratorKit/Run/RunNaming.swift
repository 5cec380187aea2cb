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

    /// Where a run's shard plan and parts go: `manifests/<fs>/runs/<run>/`, or for a
    /// baseline run `manifests/<fs>/baseline-shards/<run>/` (outside the baseline prefix, so
    /// a part is never taken for a baseline; only the set index is written there).
    public func shardPrefix(fileSystemId: String, runId: String, origin: RunOrigin) -> String {
        origin == .baseline
            ? config.manifestPrefix + fileSystemId + "/baseline-shards/" + runId + "/"
            : config.manifestPrefix + fileSystemId + "/runs/" + runId + "/"
    }

    /// `<shard prefix>plan.json`.
    public func planKey(fileSystemId: String, runId: String, origin: RunOrigin) -> String {
        shardPrefix(fileSystemId: fileSystemId, runId: runId, origin: origin) + "plan.json"
    }

    /// `<shard prefix><role>/part-0003.ndjson.gz` (shard 3).
    public func partKey(fileSystemId: String, runId: String, origin: RunOrigin, role: TaskRole, shard: Int) -> String {
        let digits = String(max(shard, 0))
        let padded = String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        return shardPrefix(fileSystemId: fileSystemId, runId: runId, origin: origin) + role.rawValue + "/part-" + padded + ".ndjson.gz"
    }

    /// `manifests/<fs>/runs/<run>/<role>.set.json`.
    public func setKey(fileSystemId: String, runId: String, role: TaskRole) -> String {
        config.manifestPrefix + fileSystemId + "/runs/" + runId + "/" + role.rawValue + ".set.json"
    }

    /// A baseline run's output: `manifests/<fs>/baseline/<run>.ndjson.gz`, or `….set.json`
    /// when sharded. Written last, so the baseline search sees only complete baselines.
    public func baselineOutputKey(fileSystemId: String, runId: String, sharded: Bool) -> String {
        baselinePrefix(fileSystemId: fileSystemId) + runId + (sharded ? ".set.json" : ".ndjson.gz")
    }

    /// `runs/<fs>/baseline-full.json`: when the last scheduled baseline that read every file completed.
    public func fullBaselineMarkerKey(fileSystemId: String) -> String {
        config.runsPrefix + fileSystemId + "/baseline-full.json"
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

    /// `ebv:<fs>:<run>:<role>:<shard>` — the group of one shard's task.
    public func taskGroup(fileSystemId: String, runId: String, slot: TaskSlot) -> String {
        let group = taskGroup(fileSystemId: fileSystemId, runId: runId, role: slot.role)
        return slot.shard.map { group + ":" + String($0) } ?? group
    }

    /// Parses a task group back into (fileSystemId, runId, role); nil unless every part is
    /// a valid id (`idProblem`).
    public func parseTaskGroup(_ group: String) -> (fileSystemId: String, runId: String, role: TaskRole)? {
        parseTaskSlot(group).map { ($0.fileSystemId, $0.runId, $0.slot.role) }
    }

    /// Parses `ebv:<fs>:<run>:<role>` or `ebv:<fs>:<run>:<role>:<shard>` (shard 0-99, digits only).
    public func parseTaskSlot(_ group: String) -> (fileSystemId: String, runId: String, slot: TaskSlot)? {
        let parts = group.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4 || parts.count == 5, parts[0] == "ebv", parts[1].hasPrefix("fs-"), !parts[2].isEmpty,
              let role = TaskRole(rawValue: parts[3]),
              Self.idProblem(parts[1]) == nil, Self.idProblem(parts[2]) == nil else { return nil }
        var shard: Int?
        if parts.count == 5 {
            let text = parts[4]
            guard !text.isEmpty, text.count <= 3, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                  let index = Int(text), index < ShardSizing.limit, String(index) == text else { return nil }
            shard = index
        }
        return (parts[1], parts[2], TaskSlot(role, shard: shard))
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

    /// The RunTask token of a task slot's `attempt`-th start: `ebv-<role>-<run>` (then
    /// `ebv-<role>-<n>-<run>`), or for a shard `ebv-<role>-s<i>-<run>` (then `ebv-<role>-s<i>-<n>-<run>`).
    public static func taskToken(_ slot: TaskSlot, attempt: Int, runId: String) -> String {
        var purpose = slot.role.rawValue
        if let shard = slot.shard { purpose += "-s\(shard)" }
        if attempt > 1 { purpose += "-\(attempt)" }
        return token(purpose, runId: runId)
    }

    /// `baseline-<yyyyMMdd'T'HHmmss'Z'>`: the run id of a scheduled baseline at `time` (a
    /// repeated delivery of the same schedule maps to the same run).
    public static func baselineRunId(at time: Date) -> String {
        let text = Timestamps.rfc3339(time)  // 2025-03-04T04:30:00Z
        let compact = text.prefix(19).filter { $0 != "-" && $0 != ":" }
        return "baseline-" + compact + "Z"
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
