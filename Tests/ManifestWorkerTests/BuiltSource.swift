import Foundation

/// What the BuildInfo plugin stamps into the binary, computed the same way
/// from the checkout these tests sit in: `commit <12 hex>, <YYYY-MM-DD>`, or
/// `unknown commit` outside a git work tree.
enum BuiltSource {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let source: String = {
        guard let top = git(["rev-parse", "--show-toplevel"]),
              URL(fileURLWithPath: top).resolvingSymlinksInPath().path == root.resolvingSymlinksInPath().path,
              let commit = git(["rev-parse", "--short=12", "HEAD"]), let day = git(["log", "-1", "--format=%cs", "HEAD"])
        else { return "unknown commit" }
        return "commit \(commit), \(day)"
    }()

    /// `manifest-worker 0.1.0 (<source>)`: `--version` and the header's `tool`.
    static var identifier: String { "manifest-worker 0.1.0 (\(source))" }

    private static func git(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", root.path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
