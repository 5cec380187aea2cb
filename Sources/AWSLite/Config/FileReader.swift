import Foundation

/// Reads a whole text file: its contents, or nil when it does not exist. Throws
/// for any other failure (permissions, not UTF-8). Injected so tests need no
/// real files.
public typealias FileReader = @Sendable (_ path: String) throws -> String?

/// The real file system.
public enum LocalFiles {
    /// A ``FileReader`` over the local file system.
    public static let reader: FileReader = { path in
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard let text = String(data: data, encoding: .utf8) else {
                throw AWSError(kind: .configuration, message: "\(path): not UTF-8 text")
            }
            return text
        } catch let error as AWSError {
            throw error
        } catch {
            throw AWSError(kind: .configuration, message: "\(path): cannot read: \(error.localizedDescription)")
        }
    }

    /// Expands a leading `~` or `~/` with `HOME` from `environment`; nil when the
    /// path needs `HOME` and it is not set.
    public static func expandHome(_ path: String, environment: [String: String]) -> String? {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        let trimmedHome = home.hasSuffix("/") ? String(home.dropLast()) : home
        return trimmedHome + path.dropFirst()
    }
}
