/// The verdict on one path that is not a silent match.
public struct Finding: Sendable, Equatable {
    /// Raw path bytes, relative to the (restored) root; for `lostFound` and
    /// entries outside the restored root, the path as the restored manifest has it.
    public var path: [UInt8]
    public var verdict: VerdictClass
    public var severity: Severity
    /// The object's type: restored's, else post's, else baseline's.
    public var type: EntryType?
    /// A short explanation, e.g. `"absent from restored"`, `"mode 0644 → 0600"`.
    public var detail: String

    public init(path: [UInt8], verdict: VerdictClass, severity: Severity, type: EntryType?, detail: String) {
        self.path = path
        self.verdict = verdict
        self.severity = severity
        self.type = type
        self.detail = detail
    }

    /// The path as text for people (``HumanText/name(_:)-swift.type.method``:
    /// escaped and quoted when it needs it).
    public var displayPath: String { HumanText.name(path) }
}
