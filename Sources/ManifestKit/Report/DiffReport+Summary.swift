import Primitives

extension DiffReport {
    /// A short human summary, also the SNS message body: the verdict, counts of
    /// each non-zero class with its severity, what was verified, and the first
    /// error findings. At most 15 + `summaryErrorLimit` lines (one per class,
    /// four more) of at most 200 Unicode scalars each, whatever the names (they
    /// and the details are escaped by ``HumanText``), so it fits an SNS message.
    ///
    /// ```
    /// FAIL: 2 error, 2 warning findings
    /// three-way diff of 6 paths: 2 files verified, 15 bytes (15 B)
    /// match 2 (ok)
    /// missing 1 (error)
    /// corrupt 1 (error)
    /// metadata 1 (warning)
    /// lost+found 1 (warning)
    /// errors:
    ///   corrupt d/a: sha256 differs: baseline ba7816bf… restored a52d159f…
    ///   missing gone: absent from restored
    /// ```
    /// `more` says where the findings the summary leaves out are
    /// (`in the findings file` when one is written).
    public func summaryText(more: String = "in the findings file") -> String {
        var lines: [String] = []
        let counted = [Severity.error, .warning, .info]
            .filter { count(of: $0) > 0 }
            .map { "\(count(of: $0)) \($0.rawValue)" }
        lines.append((passed ? "PASS" : "FAIL") + ": " + (counted.isEmpty ? "no findings" : counted.joined(separator: ", ") + " findings"))
        lines.append("\(isThreeWay ? "three-way" : "two-way") diff of \(tally.entriesCompared) paths: "
                     + "\(tally.filesVerified) files verified, \(tally.bytesVerified) bytes (\(Self.humanBytes(tally.bytesVerified)))")
        for verdict in VerdictClass.allCases where tally[verdict] > 0 {
            lines.append("\(verdict.rawValue) \(tally[verdict]) (\(policy[verdict].rawValue))")
        }
        if !firstErrors.isEmpty {
            lines.append("errors:")
            for f in firstErrors {
                // Path and detail escaped (HumanText): one line each, whatever the names.
                lines.append(Self.cut("  \(f.verdict.rawValue) \(f.displayPath): \(HumanText.line(f.detail))", to: 200))
            }
            let errors = count(of: .error), shown = UInt64(firstErrors.count)
            if errors > shown {
                lines.append("  … and \(errors - shown) more \(more)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `summary.txt`: ``summaryText(more:)`` and, when any input was read to its trailer,
    /// `walks:` and one line per role (manifest order) — duration, counts, throughput, and
    /// when the walk started and completed; under a manifest set's role, its shards'
    /// balance and lines (0-based; every shard up to 16, else the 5 slowest:
    /// ``WalkStats/shardLines(_:line:note:more:)``):
    /// ```
    /// walks:
    ///   baseline: 12m03s, 1200 entries, 1000 files, 52428800 bytes, 0 errors, 1.4 files/s, 0.1 MB/s, 2026-12-02T10:00:00Z → 2026-12-02T10:12:03Z
    ///   post: 5m00s, …
    ///     shards: 2, balance 1.2 (slowest: shard 1 of 2, 5m00s; mean 4m10s)
    ///     shard 0 of 2: 3m20s, …
    ///     shard 1 of 2: 5m00s, …
    /// ```
    public func summaryFileText(more: String = "in the findings file") -> String {
        summaryText(more: more) + walksText
    }

    /// The `walks:` part of ``summaryFileText(more:)`` ("" without walks).
    public var walksText: String {
        func timed(_ walk: WalkStats) -> String {
            "\(walk.line), \(Timestamp.format(ns: walk.startedAtNs, fractionDigits: 0)) → \(Timestamp.format(ns: walk.completedAtNs, fractionDigits: 0))"
        }
        let lines = WalkStats.roles(count: 3).flatMap { role -> [String] in
            guard let walk = walks[role] else { return [] }
            return ["  \(role): \(timed(walk))"] + WalkStats.shardLines(walk.shards, line: timed, more: "report.json lists every shard")
        }
        return lines.isEmpty ? "" : (["walks:"] + lines).joined(separator: "\n") + "\n"
    }

    /// `text` (a `summary.txt`) without its `walks:` part: the summary as stdout and the
    /// SNS message have it (the orchestrator puts each walk in itself, with its task's times).
    public static func withoutWalks(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let walks = lines.dropLast().firstIndex(of: "walks:") else { return text }
        return walks == 0 ? "" : lines[..<walks].joined(separator: "\n") + "\n"
    }

    /// `0 B`, `512 B`, `1.5 KiB`, `12.0 MiB` … (one decimal, rounded down).
    static func humanBytes(_ n: UInt64) -> String {
        let units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        guard n >= 1024 else { return "\(n) B" }
        var unit: UInt64 = 1024, index = 0
        while index + 1 < units.count && n / unit >= 1024 {
            unit *= 1024
            index += 1
        }
        let whole = n / unit, tenth = (n % unit) * 10 / unit
        return "\(whole).\(tenth) \(units[index])"
    }

    /// `line` cut to `limit` Unicode scalars (the last one `…`). Scalars, not
    /// characters: one character can hold any number of combining marks, and
    /// the bound must hold for any input (at most 4 bytes a scalar).
    static func cut(_ line: String, to limit: Int) -> String {
        let scalars = line.unicodeScalars
        guard scalars.count > limit else { return line }
        var out = String.UnicodeScalarView(scalars.prefix(max(limit - 1, 0)))
        out.append("…")
        return String(out)
    }
}
