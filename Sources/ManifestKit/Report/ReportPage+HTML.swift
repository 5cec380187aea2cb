import Primitives

extension ReportPage {
    /// Marks the start of the run section (never produced by escaped text: `<` is always escaped).
    public static let runStartMarker = "<!--ebv:run-->"
    /// Marks the end of the run section.
    public static let runEndMarker = "<!--/ebv:run-->"
    /// Mark the run's timeline and resources, after the findings (replaced with the run section).
    public static let timelineStartMarker = "<!--ebv:run-timeline-->"
    public static let timelineEndMarker = "<!--/ebv:run-timeline-->"

    /// The page: one self-contained HTML document (inline CSS and SVG, no
    /// scripts, nothing loaded from elsewhere — a Content-Security-Policy of
    /// `default-src 'none'` says so to the browser). Deterministic for the
    /// same page. Its size is bounded by the findings the report keeps per
    /// class, not by the tree. Every string from a file system, a manifest
    /// or an event goes through ``HTMLText``.
    public func html() -> [UInt8] {
        var w = HTMLWriter()
        w.raw("""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>efs-backup-verifier report</title>
            <style>\(Self.css)</style>
            </head>
            <body>
            <main>

            """)
        w.raw(Self.runStartMarker + "\n")
        Self.renderVerdict(run.verdict, into: &w)
        w.raw(Self.runEndMarker + "\n")
        if let report {
            renderCounts(report, into: &w)
            renderFindings(report, into: &w)
        }
        w.raw(Self.timelineStartMarker + "\n")
        Self.renderTimeline(run, into: &w)
        w.raw(Self.timelineEndMarker + "\n")
        if let report { Self.renderWalks(report, into: &w) }
        renderInputs(into: &w)
        w.raw("<footer>efs-backup-verifier report")
        w.raw(", made " + Timestamp.format(ns: generatedAtNs, fractionDigits: 0))
        w.raw(". The same data as report.json.</footer>\n</main>\n</body>\n</html>\n")
        return w.bytes
    }

    /// `page` with its run section (verdict, timeline, resources) replaced by `run`'s; nil
    /// when `page` lacks the markers (not a page of this renderer).
    public static func replacingRunSection(in page: [UInt8], with run: RunSection) -> [UInt8]? {
        var head = HTMLWriter(), tail = HTMLWriter()
        renderVerdict(run.verdict, into: &head)
        renderTimeline(run, into: &tail)
        guard let once = replacing(between: runStartMarker, and: runEndMarker, in: page, with: head.bytes) else { return nil }
        return replacing(between: timelineStartMarker, and: timelineEndMarker, in: once, with: tail.bytes)
    }

    /// `page` with the lines between the `start` and `end` marker lines replaced by `body`.
    private static func replacing(between start: String, and end: String, in page: [UInt8], with body: [UInt8]) -> [UInt8]? {
        let open = Array((start + "\n").utf8), close = Array((end + "\n").utf8)
        guard let s = firstIndex(of: open, in: page, from: 0),
              let e = firstIndex(of: close, in: page, from: s + open.count) else { return nil }
        return Array(page[..<(s + open.count)]) + body + Array(page[e...])
    }

    private static func firstIndex(of needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, hay.count >= needle.count else { return nil }
        var i = from
        while i <= hay.count - needle.count {
            if hay[i] == needle[0] && hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    // MARK: - Sections

    private static func renderVerdict(_ verdict: Verdict, into w: inout HTMLWriter) {
        w.raw("<section class=\"banner \(verdict.tone.rawValue)\" id=\"verdict\">\n<h1>")
        w.text(verdict.title)
        w.raw("</h1>\n<p class=\"reason\">")
        w.text(verdict.reason)
        w.raw("</p>\n")
        if !verdict.facts.isEmpty {
            w.raw("<dl class=\"facts\">\n")
            for fact in verdict.facts {
                w.raw("<dt>"); w.text(fact.label); w.raw("</dt><dd>"); w.text(fact.value); w.raw("</dd>\n")
            }
            w.raw("</dl>\n")
        }
        w.raw("</section>\n")
    }

    private static func renderTimeline(_ run: RunSection, into w: inout HTMLWriter) {
        if !run.timeline.isEmpty {
            w.raw("<section id=\"timeline\">\n<h2>Timeline</h2>\n<table class=\"timeline\">\n")
            w.raw("<thead><tr><th>event</th><th>time (UTC)</th><th>note</th></tr></thead>\n<tbody>\n")
            for event in run.timeline {
                w.raw("<tr><td>"); w.text(event.label); w.raw("</td><td>")
                w.text(event.atNs.map { Timestamp.format(ns: $0, fractionDigits: 0) } ?? "not recorded")
                w.raw("</td><td>"); w.text(event.note); w.raw("</td></tr>\n")
            }
            w.raw("</tbody>\n</table>\n</section>\n")
        }
        if !run.resources.isEmpty {
            w.raw("<section id=\"resources\">\n<h2>Resources the run created</h2>\n<table class=\"resources\">\n")
            w.raw("<thead><tr><th>resource</th><th>id</th><th>status</th></tr></thead>\n<tbody>\n")
            for resource in run.resources {
                w.raw("<tr><td>"); w.text(resource.kind); w.raw("</td><td class=\"mono\">"); w.text(resource.id)
                w.raw("</td><td>"); w.text(resource.status); w.raw("</td></tr>\n")
            }
            w.raw("</tbody>\n</table>\n</section>\n")
        }
    }

    private func renderCounts(_ report: DiffReport, into w: inout HTMLWriter) {
        let tally = report.tally
        let largest = VerdictClass.allCases.map { tally[$0] }.max() ?? 0
        w.raw("<section id=\"counts\">\n<h2>Counts per class</h2>\n<table class=\"counts\">\n")
        w.raw("<thead><tr><th>class</th><th>severity</th><th class=\"num\">paths</th><th>share</th></tr></thead>\n<tbody>\n")
        for verdict in VerdictClass.allCases {
            let severity = report.policy[verdict], count = tally[verdict]
            w.raw("<tr class=\"class-\(Self.cssName(verdict))\"><td>\(verdict.rawValue)</td>")
            w.raw("<td><span class=\"sev \(severity.rawValue)\">\(severity.rawValue)</span></td>")
            w.raw("<td class=\"num\">\(count)</td><td>")
            w.raw(Self.bar(count, of: largest, severity: severity))
            w.raw("</td></tr>\n")
        }
        w.raw("</tbody>\n</table>\n")
        w.raw("<h2>Totals</h2>\n<dl class=\"facts totals\">\n")
        let rows: [(String, String)] = [
            ("Paths compared", "\(tally.entriesCompared)"),
            ("Files verified", "\(tally.filesVerified)"),
            ("Bytes verified", "\(tally.bytesVerified) (\(DiffReport.humanBytes(tally.bytesVerified)))"),
            ("Findings", Severity.allCases.reversed().map { "\(report.count(of: $0)) \($0.rawValue)" }.joined(separator: ", ")),
            ("Diff took", Self.duration(ms: report.durationMs)),
        ]
        for (label, value) in rows {
            w.raw("<dt>\(label)</dt><dd>"); w.text(value); w.raw("</dd>\n")
        }
        let counted = inputs.compactMap { input in input.trailer.map { (input.header.role.rawValue, $0) } }
        if !counted.isEmpty {
            let per: ((ManifestTrailer) -> UInt64) -> String = { field in
                counted.map { "\($0.0) \(field($0.1))" }.joined(separator: ", ")
            }
            w.raw("<dt>Entries per input</dt><dd>" + per { $0.entries } + "</dd>\n")
            w.raw("<dt>Unreadable entries</dt><dd>" + per { $0.errors } + "</dd>\n")
            w.raw("<dt>Unstable entries</dt><dd>" + per { $0.unstable } + "</dd>\n")
        }
        if let root = report.restoredRoot {
            w.raw("<dt>Restored root</dt><dd class=\"mono\">"); w.name(root); w.raw(" (stripped from restored paths)</dd>\n")
        }
        w.raw("</dl>\n</section>\n")
    }

    private func renderFindings(_ report: DiffReport, into w: inout HTMLWriter) {
        // Errors first, then warnings, then info; declaration order within a severity.
        let order = VerdictClass.allCases.filter { $0 != .match && report.tally[$0] > 0 }
            .sorted { (report.policy[$0], -$0.ordinal) > (report.policy[$1], -$1.ordinal) }
        w.raw("<section id=\"findings\">\n<h2>Findings</h2>\n")
        if order.isEmpty { w.raw("<p>No findings: every path matched.</p>\n") }
        for verdict in order {
            let severity = report.policy[verdict], total = report.tally[verdict]
            let kept = report.findings(of: verdict)
            w.raw("<h3 id=\"findings-\(Self.cssName(verdict))\">\(verdict.rawValue) ")
            w.raw("<span class=\"sev \(severity.rawValue)\">\(severity.rawValue)</span> <span class=\"count\">\(total) \(total == 1 ? "path" : "paths")</span></h3>\n")
            if !kept.isEmpty {
                w.raw("<table class=\"findings\">\n<thead><tr><th>path</th><th>type</th><th>detail</th></tr></thead>\n<tbody>\n")
                for finding in kept {
                    w.raw("<tr><td class=\"mono\">"); w.name(finding.path)
                    w.raw("</td><td>\(finding.type?.rawValue ?? "")</td><td>"); w.text(finding.detail)
                    w.raw("</td></tr>\n")
                }
                w.raw("</tbody>\n</table>\n")
            }
            let shown = UInt64(kept.count)
            if total > shown {
                w.raw("<p class=\"note\">\(total - shown) more not shown (at most \(report.findingsPerClass) per class); ")
                w.raw("the full list is in <code>"); w.text(findingsLocation); w.raw("</code>.</p>\n")
            }
        }
        w.raw("</section>\n")
    }

    /// Each input's walk (from its manifest's header and trailer): the evidence to size
    /// tasks and shards. A manifest set's role row is its parts' aggregate, followed by a
    /// row per shard (0-based, every one) and, below the table, the shards' balance and the
    /// slowest. Nothing for a page without walks (`verify` writes no manifest).
    private static func renderWalks(_ report: DiffReport, into w: inout HTMLWriter) {
        let walked = WalkStats.roles(count: 3).compactMap { role in report.walks[role].map { (role, $0) } }
        guard !walked.isEmpty else { return }
        w.raw("<section id=\"walks\">\n<h2>Walks</h2>\n<table class=\"walks\">\n")
        w.raw("<thead><tr><th>role</th><th>started</th><th>completed</th><th class=\"num\">duration</th><th class=\"num\">entries</th>"
              + "<th class=\"num\">files</th><th class=\"num\">bytes</th><th class=\"num\">errors</th>"
              + "<th class=\"num\">files/s</th><th class=\"num\">MB/s</th></tr></thead>\n<tbody>\n")
        for (role, walk) in walked {
            walkRow(role, walk, shard: false, into: &w)
            for (index, shard) in walk.shards.enumerated() {
                walkRow("shard \(index) of \(walk.shards.count)", shard, shard: true, into: &w)
            }
        }
        w.raw("</tbody>\n</table>\n")
        for (role, walk) in walked {
            guard let balance = walk.balance, let slowest = walk.slowestShard else { continue }
            let count = walk.shards.count
            let mean = walk.shards.reduce(0) { $0 + $1.seconds } / Double(count)
            w.raw("<p class=\"note\">"); w.text(role)
            w.text(": \(count) shard\(count == 1 ? "" : "s"), balance \(balance) (the longest shard duration over the mean): "
                   + "slowest shard \(slowest) of \(count), \(WalkStats.duration(walk.shards[slowest].seconds)); "
                   + "mean \(WalkStats.duration(mean)).")
            w.raw("</p>\n")
        }
        w.raw("</section>\n")
    }

    /// One row of the Walks table: a role's walk, or (indented) one of its shards'.
    private static func walkRow(_ label: String, _ walk: WalkStats, shard: Bool, into w: inout HTMLWriter) {
        w.raw(shard ? "<tr class=\"shard\"><td>" : "<tr><td>"); w.text(label)
        w.raw("</td><td>"); w.text(Timestamp.format(ns: walk.startedAtNs, fractionDigits: 0))
        w.raw("</td><td>"); w.text(Timestamp.format(ns: walk.completedAtNs, fractionDigits: 0))
        w.raw("</td><td class=\"num\">"); w.text(WalkStats.duration(walk.seconds))
        w.raw("</td><td class=\"num\">\(walk.entries)</td><td class=\"num\">\(walk.files)</td><td class=\"num\">\(walk.bytes)</td>")
        w.raw("<td class=\"num\">\(walk.errors)</td><td class=\"num\">"); w.text("\(walk.filesPerSecond)")
        w.raw("</td><td class=\"num\">"); w.text("\(walk.megabytesPerSecond)"); w.raw("</td></tr>\n")
    }

    private func renderInputs(into w: inout HTMLWriter) {
        guard !inputs.isEmpty else { return }
        w.raw("<section id=\"inputs\">\n<h2>Inputs</h2>\n<table class=\"inputs\">\n")
        w.raw("<thead><tr><th>role</th><th>source</th><th>header</th><th>trailer</th></tr></thead>\n<tbody>\n")
        for input in inputs {
            let h = input.header
            w.raw("<tr><td>\(h.role.rawValue)</td><td class=\"mono\">"); w.text(input.source); w.raw("</td><td>")
            w.raw("started "); w.text(Timestamp.format(ns: h.startedAtNs, fractionDigits: 0))
            w.raw("<br>tool "); w.text(h.tool)
            if let fs = h.fileSystemId { w.raw("<br>file system "); w.text(fs) }
            if let rp = h.recoveryPointArn { w.raw("<br>recovery point <span class=\"mono\">"); w.text(rp); w.raw("</span>") }
            if let root = h.root { w.raw("<br>root <span class=\"mono\">"); w.text(root); w.raw("</span>") }
            w.raw("</td><td>")
            if let t = input.trailer {
                w.raw("completed "); w.text(Timestamp.format(ns: t.completedAtNs, fractionDigits: 0))
                w.raw("<br>\(t.entries) entries: \(t.files) files, \(t.dirs) dirs, \(t.symlinks) symlinks, \(t.others) others")
                w.raw("<br>\(t.bytes) bytes, \(t.errors) errors, \(t.unstable) unstable")
                if let r = t.reuse {
                    // Made with --reuse-from: how much of it was read.
                    w.raw("<br>digests reused \(r.reused), sampled \(r.sampled), reuse mismatches \(r.mismatches) (seed \(r.seed))")
                }
                w.raw("<br>entries SHA-256 <span class=\"mono\">"); w.text(t.entriesSha256); w.raw("</span>")
            } else {
                w.raw("walked, no manifest written")
            }
            w.raw("</td></tr>\n")
        }
        w.raw("</tbody>\n</table>\n</section>\n")
    }

    // MARK: - Pieces

    /// A class's count as an inline SVG bar, its length relative to the largest class.
    static func bar(_ count: UInt64, of largest: UInt64, severity: Severity) -> String {
        let full: UInt64 = 200
        var width: UInt64 = 0
        if largest > 0 {
            // count ≤ largest, so the quotient is at most `full`: no overflow.
            width = largest.dividingFullWidth(count.multipliedFullWidth(by: full)).quotient
            if count > 0 { width = max(width, 1) }
        }
        return "<svg class=\"bar\" width=\"\(full)\" height=\"12\" viewBox=\"0 0 \(full) 12\" role=\"img\" aria-label=\"\(count)\">"
            + "<rect width=\"\(full)\" height=\"12\" fill=\"#eceff1\"/>"
            + "<rect width=\"\(width)\" height=\"12\" fill=\"\(color(severity))\"/></svg>"
    }

    static func color(_ severity: Severity) -> String {
        switch severity {
        case .ok: "#2e7d32"
        case .info: "#1565c0"
        case .warning: "#ef6c00"
        case .error: "#c62828"
        }
    }

    /// `lost+found` → `lost-found` (ids and class names).
    static func cssName(_ verdict: VerdictClass) -> String {
        String(verdict.rawValue.map { $0 == "+" ? "-" : $0 })
    }

    /// `1 h 2 min 3 s`, `850 ms`; a negative span is shown with a minus sign.
    public static func duration(ms: Int64) -> String {
        if ms < 0 { return "-" + duration(ms: ms == Int64.min ? Int64.max : -ms) }
        if ms < 1000 { return "\(ms) ms" }
        let s = ms / 1000
        let d = s / 86_400, h = s % 86_400 / 3600, m = s % 3600 / 60, sec = s % 60
        var parts: [String] = []
        if d > 0 { parts.append("\(d) d") }
        if h > 0 { parts.append("\(h) h") }
        if m > 0 { parts.append("\(m) min") }
        if sec > 0 || parts.isEmpty { parts.append("\(sec) s") }
        return parts.joined(separator: " ")
    }

    /// The span from `fromNs` to `toNs` as ``duration(ms:)``; nil when it does not fit.
    public static func duration(fromNs: Int64, toNs: Int64) -> String? {
        let (difference, overflow) = toNs.subtractingReportingOverflow(fromNs)
        return overflow ? nil : duration(ms: difference / 1_000_000)
    }
}

/// Collects the page's bytes: markup as it is, text through ``HTMLText``.
struct HTMLWriter {
    private(set) var bytes: [UInt8] = []

    /// Markup the renderer wrote itself (never data).
    mutating func raw(_ markup: String) { bytes.append(contentsOf: markup.utf8) }
    /// Free text from anywhere: escaped.
    mutating func text(_ text: String) { bytes.append(contentsOf: HTMLText.line(text).utf8) }
    /// A path or name: escaped (and quoted when it needed escapes, as elsewhere).
    mutating func name(_ path: [UInt8]) { bytes.append(contentsOf: HTMLText.name(path).utf8) }
}
