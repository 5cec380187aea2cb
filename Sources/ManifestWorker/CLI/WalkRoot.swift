#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ManifestKit

/// The directory `generate` actually walks, chosen by `--restored-root`.
struct WalkRoot: Sendable, Equatable {
    var path: String

    /// The prefix AWS Backup gives the directory holding restored data.
    static let restorePrefix = "aws-backup-restore_"

    /// `none`: `directory` itself. `auto`: the single `aws-backup-restore_*`
    /// directory inside it when there is exactly one (`directory` itself when
    /// there is none; an error when there are several). A name: that
    /// directory inside `directory`.
    static func resolve(_ directory: String, choice: RestoredRootChoice) throws -> WalkRoot {
        try requireDirectory(directory)
        switch choice {
        case .none:
            return WalkRoot(path: directory)
        case .directory(let name):
            let path = join(directory, name)
            try requireDirectory(path)
            return WalkRoot(path: path)
        case .auto:
            let candidates = try names(in: directory).filter { $0.hasPrefix(restorePrefix) }.sorted()
            if candidates.count > 1 {
                throw CLIError(directory, "several \(restorePrefix)* directories (\(candidates.joined(separator: ", "))); name one with --restored-root")
            }
            guard let only = candidates.first else { return WalkRoot(path: directory) }
            let path = join(directory, only)
            try requireDirectory(path)
            return WalkRoot(path: path)
        }
    }

    /// Refuses an output file inside the tree being walked: its temporary
    /// file would appear in the walk (and the manifest would describe itself).
    func requireOutside(_ output: String) throws {
        guard !Endpoints.isStdout(output), !Endpoints.isS3(output) else { return }
        let slash = output.lastIndex(of: "/")
        let parent = slash.map { String(output[..<$0]) } ?? "."
        guard let outputDir = Self.realPath(parent.isEmpty ? "/" : parent), let rootDir = Self.realPath(path) else { return }
        if outputDir == rootDir || outputDir.hasPrefix(rootDir == "/" ? "/" : rootDir + "/") {
            throw CLIError(output, "is inside the tree being walked (\(path)); write the manifest elsewhere")
        }
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    private static func requireDirectory(_ path: String) throws {
        var info = stat()
        if stat(path, &info) != 0 {
            throw CLIError(path, SystemError.describe(errno))
        }
        if (info.st_mode & S_IFMT) != S_IFDIR {
            throw CLIError(path, "not a directory")
        }
    }

    private static func names(in directory: String) throws -> [String] {
        guard let handle = opendir(directory) else { throw CLIError(directory, SystemError.describe(errno)) }
        defer { closedir(handle) }
        var result: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { result.append(name) }
        }
        return result
    }
}
