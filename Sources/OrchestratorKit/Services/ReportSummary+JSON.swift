import Foundation
import ManifestKit

extension ReportSummary {
    /// The summary of a report set written by a diff task (`report.json`, schema
    /// `efs-backup-verifier-report/1` in docs/verdicts.md, and `summary.txt`) under
    /// `reportPrefix` (pure).
    /// - Throws: `OrchestratorError(.service)` naming the first missing or mistyped member.
    public init(reportJSON: [UInt8], summaryText: String, reportPrefix: String) throws {
        let reportKey = reportPrefix + "report.json"
        func bad(_ what: String) -> OrchestratorError { OrchestratorError(.service, "\(reportKey): \(what)") }
        guard let root = try? JSONSerialization.jsonObject(with: Data(reportJSON)) as? [String: Any] else {
            throw bad("not a JSON object")
        }
        guard root["format"] as? String == "efs-backup-verifier-report/1" else { throw bad("format: not efs-backup-verifier-report/1") }
        guard let passed = root["passed"] as? Bool else { throw bad("passed: missing or not a boolean") }
        guard let mode = root["mode"] as? String, mode == "three-way" || mode == "two-way" else { throw bad("mode: missing or unknown") }
        func count(_ value: Any?, _ name: String) throws -> Int64 {
            guard let number = value as? NSNumber else { throw bad("\(name): not a number") }
            let double = number.doubleValue
            guard double.isFinite, double >= 0, double == double.rounded(), double < 9e18, let exact = Int64(exactly: double) else {
                throw bad("\(name): not a count")
            }
            return exact
        }
        func counts(_ name: String) throws -> [String: Int] {
            guard let object = root[name] as? [String: Any] else { throw bad("\(name): missing or not an object") }
            var result: [String: Int] = [:]
            for (key, value) in object {
                guard let exact = Int(exactly: try count(value, "\(name).\(key)")) else { throw bad("\(name).\(key): too large") }
                result[key] = exact
            }
            return result
        }
        guard let files = Int(exactly: try count(root["filesVerified"], "filesVerified")) else { throw bad("filesVerified: too large") }
        // `walks` (absent from a report of an older worker): each role's counts and times; a
        // manifest set's also its shards' (absent from an older worker's report).
        var walks: [String: WalkStats]?
        if let value = root["walks"] {
            guard let object = value as? [String: Any] else { throw bad("walks: not an object") }
            var parsed: [String: WalkStats] = [:]
            for (role, value) in object {
                guard ["baseline", "post", "restored"].contains(role), let walk = value as? [String: Any] else {
                    throw bad("walks.\(role): not a role's walk")
                }
                var stats = try Self.walk(walk, "walks.\(role)", count: count, bad: bad)
                stats.shards = try Self.shards(walk, "walks.\(role)", count: count, bad: bad)
                parsed[role] = stats
            }
            walks = parsed
        }
        self.init(
            passed: passed, mode: mode, filesVerified: files, bytesVerified: try count(root["bytesVerified"], "bytesVerified"),
            findingsBySeverity: try counts("severities"), findingsByClass: try counts("counts"),
            // The SNS summary shows each walk itself, with its task's times.
            summaryText: DiffReport.withoutWalks(summaryText),
            reportKey: reportKey, findingsKey: reportPrefix + "findings.ndjson.gz", summaryKey: reportPrefix + "summary.txt",
            walks: walks)
    }

    /// One walk of `report.json` (a role's, or one of its shards') at `path`.
    private static func walk(_ walk: [String: Any], _ path: String, count: (Any?, String) throws -> Int64,
                             bad: (String) -> OrchestratorError) throws -> WalkStats {
        func number(_ name: String) throws -> UInt64 {
            guard let exact = UInt64(exactly: try count(walk[name], "\(path).\(name)")) else { throw bad("\(path).\(name): not a count") }
            return exact
        }
        func time(_ name: String) throws -> Int64 {
            // Integers past 2^53 are not exact as a Double: the integer is read, and
            // must agree with the number read as a Double (no fraction, no overflow).
            guard let number = walk[name] as? NSNumber, number.doubleValue.isFinite,
                  case let exact = number.int64Value, Double(exact) == number.doubleValue else {
                throw bad("\(path).\(name): not a time in nanoseconds")
            }
            return exact
        }
        return WalkStats(entries: try number("entries"), files: try number("files"), bytes: try number("bytes"),
                         errors: try number("errors"), unstable: try number("unstable"),
                         startedAtNs: try time("startedAtNs"), completedAtNs: try time("completedAtNs"))
    }

    /// A manifest set's `shards` (1 … ``ShardPlan/maxShards``, `index` 0 … K−1 in order) and
    /// its `balance` (a number; recomputed from the shards, not kept); none for one manifest.
    private static func shards(_ walk: [String: Any], _ path: String, count: (Any?, String) throws -> Int64,
                               bad: (String) -> OrchestratorError) throws -> [WalkStats] {
        guard let value = walk["shards"] else {
            guard walk["balance"] == nil else { throw bad("\(path).balance: without shards") }
            return []
        }
        guard let list = value as? [Any], !list.isEmpty, list.count <= ShardPlan.maxShards else {
            throw bad("\(path).shards: not a list of 1 to \(ShardPlan.maxShards) shards")
        }
        guard let balance = walk["balance"] as? NSNumber, balance.doubleValue.isFinite, balance.doubleValue >= 0 else {
            throw bad("\(path).balance: missing or not a number")
        }
        return try list.enumerated().map { position, element in
            let at = "\(path).shards[\(position)]"
            guard let shard = element as? [String: Any] else { throw bad("\(at): not a shard's walk") }
            guard try count(shard["index"], "\(at).index") == Int64(position) else {
                throw bad("\(at).index: not \(position) (shards are listed in order 0 … K-1)")
            }
            return try Self.walk(shard, at, count: count, bad: bad)
        }
    }
}
