/// The executable's name and version (also written into every manifest header).
enum Tool {
    static let name = "manifest-worker"
    static let version = "0.1.0"
    /// Where the build comes from: `commit <12 hex>, <YYYY-MM-DD>` (the commit's
    /// date), or `unknown commit` for a build outside git (the BuildInfo plugin).
    static var source: String { BuildInfo.source }
    /// `--version` and the header's `tool` field:
    /// `"manifest-worker 0.1.0 (commit 0123456789ab, 2026-12-02)"`.
    static var identifier: String { "\(name) \(version) (\(source))" }
}
