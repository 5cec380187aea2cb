/// The executable's name and version (also written into every manifest header).
enum Tool {
    static let name = "manifest-worker"
    static let version = "0.1.0"
    /// The header's `tool` field: `"manifest-worker <version>"`.
    static var identifier: String { "\(name) \(version)" }
}
