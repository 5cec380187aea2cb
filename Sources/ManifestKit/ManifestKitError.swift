/// The one error type of ManifestKit. `description` reads
/// `<subject>:<line>: <reason>` (or `<subject>: <reason>`), ready to follow
/// `manifest-worker: ` on stderr.
public struct ManifestKitError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// A manifest that fails validation (syntax, order, version, trailer, digest, truncation).
        case invalidManifest
        /// A system call failed on a path the caller named (not a per-entry failure).
        case io
        /// A caller's argument or option is not acceptable.
        case invalidArgument
        /// Entries handed to a writer out of manifest order.
        case outOfOrder
    }

    public var kind: Kind
    /// What the error is about: a file name, a path, an option (raw text, not escaped).
    public var subject: String
    /// 1-based line number inside a manifest, when known.
    public var line: Int?
    public var reason: String

    public init(_ kind: Kind, subject: String, line: Int? = nil, reason: String) {
        self.kind = kind
        self.subject = subject
        self.line = line
        self.reason = reason
    }

    public var description: String {
        if let line { return "\(subject):\(line): \(reason)" }
        return "\(subject): \(reason)"
    }

    /// ``description`` for people (stderr, messages): the subject as a
    /// ``HumanText`` name (escaped and quoted when it needs it), the reason escaped.
    public var humanDescription: String {
        let name = HumanText.name(subject)
        if let line { return "\(name):\(line): \(HumanText.line(reason))" }
        return "\(name): \(HumanText.line(reason))"
    }
}
