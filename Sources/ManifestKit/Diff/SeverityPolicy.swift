/// The severity of each verdict class: the default table of DESIGN.md §4,
/// optionally overridden (`"corrupt=warning,metadata=error"`).
public struct SeverityPolicy: Sendable, Equatable {
    private var table: [Severity]

    /// match ok; changed info; torn, missing, extra, corrupt error; metadata,
    /// unverifiable warning; omitted info; lost+found warning; reuse-mismatch error.
    public static let `default` = SeverityPolicy(table: VerdictClass.allCases.map(defaultSeverity))

    private init(table: [Severity]) { self.table = table }

    /// The default severity of `verdict`.
    public static func defaultSeverity(_ verdict: VerdictClass) -> Severity {
        switch verdict {
        case .match: .ok
        case .changed, .omitted: .info
        case .torn, .missing, .extra, .corrupt, .reuseMismatch: .error
        case .metadata, .unverifiable, .lostFound: .warning
        }
    }

    /// Severity of a finding of class `verdict`.
    @inlinable
    public func severity(of verdict: VerdictClass) -> Severity { self[verdict] }

    public subscript(verdict: VerdictClass) -> Severity {
        get { table[verdict.ordinal] }
        set { table[verdict.ordinal] = newValue }
    }

    /// Parses comma-separated `class=severity` overrides on top of `base`.
    ///
    /// Whitespace around items is ignored and an empty string means no override.
    /// Class names are the raw values (`lost+found` for `lostFound`).
    ///
    /// ```swift
    /// let p = try SeverityPolicy(parsing: "corrupt=warning,metadata=error")
    /// p[.corrupt] // .warning
    /// ```
    /// - Throws: `ManifestKitError.invalidArgument` (subject `severity`) naming an
    ///   item without `=`, an unknown class or an unknown severity.
    public init(parsing text: String, base: SeverityPolicy = .default) throws {
        self = base
        for rawItem in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = rawItem.trimmingSpaces()
            if item.isEmpty && text.trimmingSpaces().isEmpty { continue }
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw ManifestKitError(.invalidArgument, subject: "severity",
                                       reason: "expected class=severity, got '\(item)'")
            }
            let name = parts[0].trimmingSpaces(), level = parts[1].trimmingSpaces()
            guard let verdict = VerdictClass(rawValue: name) else {
                let known = VerdictClass.allCases.map(\.rawValue).joined(separator: ", ")
                throw ManifestKitError(.invalidArgument, subject: "severity",
                                       reason: "unknown class '\(name)' (expected one of: \(known))")
            }
            guard let severity = Severity(rawValue: level) else {
                let known = Severity.allCases.map(\.rawValue).joined(separator: ", ")
                throw ManifestKitError(.invalidArgument, subject: "severity",
                                       reason: "unknown severity '\(level)' for \(name) (expected one of: \(known))")
            }
            self[verdict] = severity
        }
    }

    /// The overrides relative to the default table, as `parsing:` accepts them
    /// (`""` for the default policy).
    public var overridesDescription: String {
        VerdictClass.allCases
            .filter { self[$0] != Self.defaultSeverity($0) }
            .map { "\($0.rawValue)=\(self[$0].rawValue)" }
            .joined(separator: ",")
    }
}

extension StringProtocol {
    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}
