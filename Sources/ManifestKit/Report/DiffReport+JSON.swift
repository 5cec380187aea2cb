import Primitives

extension DiffReport {
    /// The report document, `efs-backup-verifier-report/1` (schema in
    /// docs/verdicts.md). Deterministic: fixed key order, classes and
    /// severities in declaration order, two-space indentation, a final newline.
    public func json() -> [UInt8] {
        var o: [UInt8] = []
        func raw(_ s: String) { o.append(contentsOf: Array(s.utf8)) }
        func str(_ s: String) { JSONText.appendReadableString(s, to: &o) }

        raw("{\n  \"format\": \"efs-backup-verifier-report/1\",\n")
        raw("  \"passed\": \(passed),\n")
        raw("  \"mode\": \"\(isThreeWay ? "three-way" : "two-way")\",\n")
        raw("  \"restoredRoot\": ")
        if let root = restoredRoot { str(String(decoding: root, as: UTF8.self)) } else { raw("null") }
        raw(",\n")
        raw("  \"windowStartNs\": \(windowStartNs),\n")
        raw("  \"windowEndNs\": \(windowEndNs.map { String($0) } ?? "null"),\n")
        raw("  \"startedAtNs\": \(startedAtNs),\n")
        raw("  \"finishedAtNs\": \(finishedAtNs),\n")
        raw("  \"durationMs\": \(durationMs),\n")
        raw("  \"entriesCompared\": \(tally.entriesCompared),\n")
        raw("  \"filesVerified\": \(tally.filesVerified),\n")
        raw("  \"bytesVerified\": \(tally.bytesVerified),\n")
        raw("  \"counts\": {")
        raw(VerdictClass.allCases.map { "\"\($0.rawValue)\": \(tally[$0])" }.joined(separator: ", "))
        raw("},\n  \"severities\": {")
        raw(Severity.allCases.map { "\"\($0.rawValue)\": \(count(of: $0))" }.joined(separator: ", "))
        raw("},\n  \"policy\": {")
        raw(VerdictClass.allCases.map { "\"\($0.rawValue)\": \"\(policy[$0].rawValue)\"" }.joined(separator: ", "))
        raw("},\n  \"walks\": {")
        let walked = WalkStats.roles(count: 3).compactMap { role in walks[role].map { (role, $0) } }
        for (i, (role, walk)) in walked.enumerated() {
            raw(i == 0 ? "\n    " : ",\n    ")
            raw("\"\(role)\": ")
            raw(walk.json)
        }
        raw(walked.isEmpty ? "" : "\n  ")
        raw("},\n  \"findingsPerClass\": \(findingsPerClass),\n")
        raw("  \"findings\": {")
        let kept = VerdictClass.allCases.filter { !findings(of: $0).isEmpty }
        for (i, verdict) in kept.enumerated() {
            raw(i == 0 ? "\n" : ",\n")
            raw("    \"\(verdict.rawValue)\": [\n")
            let list = findings(of: verdict)
            for (j, finding) in list.enumerated() {
                raw("      ")
                ReportJSON.appendFinding(finding, to: &o)
                raw(j == list.count - 1 ? "\n" : ",\n")
            }
            raw("    ]")
        }
        raw(kept.isEmpty ? "}\n}\n" : "\n  }\n}\n")
        return o
    }
}

extension WalkStats {
    /// A role of `report.json`'s `walks`: `{"startedAtNs":…,"completedAtNs":…,"seconds":…,
    /// "entries":…,"files":…,"bytes":…,"errors":…,"unstable":…,"filesPerSecond":…,"megabytesPerSecond":…}`
    /// on one line; a manifest set's (the aggregate) adds `"balance"` and `"shards"`, a line
    /// per shard `{"index": i, …the same fields…}` in shard order (0-based).
    var json: String {
        guard let balance else { return "{" + fields + "}" }
        let rows = shards.enumerated().map { "      {\"index\": \($0.offset), " + $0.element.fields + "}" }
        return "{" + fields + ", \"balance\": \(balance), \"shards\": [\n" + rows.joined(separator: ",\n") + "\n    ]}"
    }

    private var fields: String {
        "\"startedAtNs\": \(startedAtNs), \"completedAtNs\": \(completedAtNs), \"seconds\": \(seconds), "
            + "\"entries\": \(entries), \"files\": \(files), \"bytes\": \(bytes), \"errors\": \(errors), \"unstable\": \(unstable), "
            + "\"filesPerSecond\": \(filesPerSecond), \"megabytesPerSecond\": \(megabytesPerSecond)"
    }
}
