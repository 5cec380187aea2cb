import ManifestKit

/// What a walk has done so far, as a progress record shows it.
struct ProgressSnapshot: Sendable, Equatable {
    var entries: UInt64 = 0
    var files: UInt64 = 0
    var bytes: UInt64 = 0
    var errors: UInt64 = 0
    var unstable: UInt64 = 0
    /// Descriptors the process has open (nil when unknown).
    var descriptors: Int?
    /// The path emitted last (raw bytes; escaped when shown).
    var path: [UInt8] = []

    /// Two walks at once (`verify`): counts summed (saturating), the path of `other`
    /// when it has one (the restored side, which the diff follows).
    func merged(with other: ProgressSnapshot) -> ProgressSnapshot {
        func add(_ a: UInt64, _ b: UInt64) -> UInt64 {
            let (sum, overflow) = a.addingReportingOverflow(b)
            return overflow ? .max : sum
        }
        return ProgressSnapshot(entries: add(entries, other.entries), files: add(files, other.files), bytes: add(bytes, other.bytes),
                                errors: add(errors, other.errors), unstable: add(unstable, other.unstable),
                                descriptors: descriptors ?? other.descriptors, path: other.path.isEmpty ? path : other.path)
    }
}

/// The size of the walk expected (`--expect MANIFEST`: the trailer of an earlier manifest).
struct ProgressExpectation: Sendable, Equatable {
    var entries: UInt64
    var bytes: UInt64
}

/// How far along a walk is against an expectation, and when it should end (pure).
struct ProgressEstimate: Sendable, Equatable {
    /// Percent of the expected entries / bytes done, 0…100 (nil when nothing is expected).
    var entriesPercent: Double?
    var bytesPercent: Double?
    /// Seconds until the end at the overall pace so far (nil before anything is done).
    var etaSeconds: Int64?

    /// The fraction done is the bytes' (hashing dominates) or, when no bytes are
    /// expected, the entries'; the ETA is `elapsed × (1 − f) / f`. A walk past the
    /// expectation shows 100 % and an ETA of 0. Never traps: every division is
    /// guarded and every conversion clamped.
    static func compute(done: ProgressSnapshot, expected: ProgressExpectation, elapsedNanoseconds: Int64) -> ProgressEstimate {
        func fraction(_ done: UInt64, _ expected: UInt64) -> Double? {
            guard expected > 0 else { return nil }
            return min(Double(done) / Double(expected), 1)
        }
        let entries = fraction(done.entries, expected.entries)
        let bytes = fraction(done.bytes, expected.bytes)
        var eta: Int64?
        if let f = bytes ?? entries, f > 0 {
            let elapsed = max(Double(elapsedNanoseconds), 0) / 1e9
            eta = ProgressLine.wholeNumber(elapsed * (1 - f) / f)
        }
        return ProgressEstimate(entriesPercent: entries.map { $0 * 100 }, bytesPercent: bytes.map { $0 * 100 }, etaSeconds: eta)
    }
}

/// One progress record (pure): the counts, the rates over the last interval
/// and overall, the descriptors, where the walk is and, against an
/// expectation, how far along it is. Rendered as a text line or as JSON fields.
struct ProgressRecord: Sendable {
    var snapshot: ProgressSnapshot
    /// Since the walk started.
    var elapsedNanoseconds: Int64
    /// The previous record's counts and time (the start for the first).
    var previous: ProgressSnapshot
    var intervalNanoseconds: Int64
    var estimate: ProgressEstimate?

    private static func rate(_ count: UInt64, _ nanoseconds: Int64, scale: Double = 1) -> Double {
        let seconds = Double(nanoseconds) / 1e9
        guard seconds > 0 else { return 0 }
        return Double(count) / scale / seconds
    }

    private var intervalFiles: UInt64 { snapshot.files >= previous.files ? snapshot.files - previous.files : 0 }
    private var intervalBytes: UInt64 { snapshot.bytes >= previous.bytes ? snapshot.bytes - previous.bytes : 0 }

    /// One decimal, as a number (rates and percentages in JSON).
    private static func tenths(_ value: Double) -> Double { Double(ProgressLine.wholeNumber(value * 10)) / 10 }

    /// `1h02m03s`, `4m05s`, `6s` (negative shows as 0s).
    static func duration(seconds: Int64) -> String {
        let s = max(seconds, 0)
        if s >= 3600 { return "\(s / 3600)h" + pad(s % 3600 / 60) + "m" + pad(s % 60) + "s" }
        if s >= 60 { return "\(s / 60)m" + pad(s % 60) + "s" }
        return "\(s)s"
    }

    private static func pad(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }

    private var elapsedSeconds: Int64 { max(elapsedNanoseconds, 0) / 1_000_000_000 }

    /// `4m00s elapsed, 1200 entries, 1000 files, 52428800 bytes, 0 errors, 0 unstable,
    /// 16.7 files/s (4.2 overall), 0.9 MB/s (0.2 overall), 14 descriptors, at d/f`
    /// and, with an expectation, `, 45.0% of entries, 40.0% of bytes, ETA 6m00s`.
    var text: String {
        let s = snapshot
        var parts = [
            "\(Self.duration(seconds: elapsedSeconds)) elapsed", "\(s.entries) entries", "\(s.files) files", "\(s.bytes) bytes",
            "\(s.errors) errors", "\(s.unstable) unstable",
            "\(ProgressLine.oneDecimal(Self.rate(intervalFiles, intervalNanoseconds))) files/s "
                + "(\(ProgressLine.oneDecimal(Self.rate(s.files, elapsedNanoseconds))) overall)",
            "\(ProgressLine.oneDecimal(Self.rate(intervalBytes, intervalNanoseconds, scale: 1e6))) MB/s "
                + "(\(ProgressLine.oneDecimal(Self.rate(s.bytes, elapsedNanoseconds, scale: 1e6))) overall)",
        ]
        if let d = s.descriptors { parts.append("\(d) descriptors") }
        if !s.path.isEmpty { parts.append("at \(HumanText.name(s.path))") }
        if let e = estimate {
            if let p = e.entriesPercent { parts.append("\(ProgressLine.oneDecimal(p))% of entries") }
            if let p = e.bytesPercent { parts.append("\(ProgressLine.oneDecimal(p))% of bytes") }
            parts.append("ETA " + (e.etaSeconds.map { Self.duration(seconds: $0) } ?? "unknown"))
        }
        return parts.joined(separator: ", ")
    }

    /// The same as JSON fields (the path escaped as in text: a log is read by people too).
    var fields: [(String, JSONValue)] {
        let s = snapshot
        var out: [(String, JSONValue)] = [
            ("elapsedSeconds", .int(elapsedSeconds)), ("entries", .uint(s.entries)), ("files", .uint(s.files)),
            ("bytes", .uint(s.bytes)), ("errors", .uint(s.errors)), ("unstable", .uint(s.unstable)),
            ("filesPerSecond", .double(Self.tenths(Self.rate(intervalFiles, intervalNanoseconds)))),
            ("filesPerSecondOverall", .double(Self.tenths(Self.rate(s.files, elapsedNanoseconds)))),
            ("megabytesPerSecond", .double(Self.tenths(Self.rate(intervalBytes, intervalNanoseconds, scale: 1e6)))),
            ("megabytesPerSecondOverall", .double(Self.tenths(Self.rate(s.bytes, elapsedNanoseconds, scale: 1e6)))),
        ]
        if let d = s.descriptors { out.append(("descriptors", .int(Int64(d)))) }
        if !s.path.isEmpty { out.append(("path", .string(HumanText.name(s.path)))) }
        if let e = estimate {
            if let p = e.entriesPercent { out.append(("entriesPercent", .double(Self.tenths(p)))) }
            if let p = e.bytesPercent { out.append(("bytesPercent", .double(Self.tenths(p)))) }
            out.append(("etaSeconds", e.etaSeconds.map(JSONValue.int) ?? .null))
        }
        return out
    }
}
