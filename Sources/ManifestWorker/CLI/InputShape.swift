#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks that an argument is what the command reads (a manifest or a
/// directory) before any work, so that a mix-up gets a message saying which
/// command fits (`verify M dir` → `check`).
enum InputShape {
    /// True when `path` is a local directory (symlinks followed).
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// True when `path` names something that exists locally and is not a directory.
    static func isNonDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFDIR
    }

    /// A manifest argument that is a directory is refused with `hint`.
    static func requireManifest(_ path: String, hint: String? = nil) throws(CLIError) {
        guard path != "-", !Endpoints.isS3(path), isDirectory(path) else { return }
        throw CLIError(path, "is a directory, not a manifest" + (hint.map { " (\($0))" } ?? ""))
    }

    /// A directory argument that is a file is refused with `hint`.
    static func requireDirectory(_ path: String, hint: String? = nil) throws(CLIError) {
        guard isNonDirectory(path) else { return }
        throw CLIError(path, "is not a directory" + (hint.map { " (\($0))" } ?? ""))
    }

    /// The same directory (by device and inode) given twice.
    static func sameDirectory(_ a: String, _ b: String) -> Bool {
        var x = stat(), y = stat()
        return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino
    }

    /// `path`'s one top-level `aws-backup-restore_*` directory, if it has exactly one.
    static func restoreDirectory(in path: String) -> String? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var found: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasPrefix("aws-backup-restore_") { found.append(name) }
        }
        return found.count == 1 ? found[0] : nil
    }
}
