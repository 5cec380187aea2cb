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
    ///
    /// Decided by identity, not by name: the directory the output is written in
    /// (its symlinks followed) and each of its ancestors, up to `/` through
    /// `..`, are compared by (device, inode) with the root, so an alias of the
    /// tree (a bind mount, a symlinked path) is caught too.
    func requireOutside(_ output: String) throws {
        guard !Endpoints.isStdout(output), !Endpoints.isS3(output) else { return }
        guard let destination = try? FileSink.destination(of: output) else { return }
        let slash = destination.lastIndex(of: "/")
        let parent = slash.map { String(destination[..<$0]) } ?? "."
        var rootInfo = stat()
        guard stat(path, &rootInfo) == 0 else { return }
        if Self.hasAncestor(parent.isEmpty ? "/" : parent, dev: rootInfo.st_dev, ino: rootInfo.st_ino) {
            throw CLIError(output, "is inside the tree being walked (\(path)); write the manifest elsewhere")
        }
    }

    /// Linux `O_PATH` (the same value on x86-64 and arm64; not exported to Swift):
    /// a handle for `fstat` and `openat` that needs no read permission.
    private static let oPath: Int32 = 0o10000000

    /// Whether `directory` or one of its ancestors (through `..`) is the
    /// directory with this device and inode number.
    private static func hasAncestor(_ directory: String, dev: dev_t, ino: ino_t) -> Bool {
        var fd = open(directory, oPath | O_DIRECTORY | O_CLOEXEC)
        defer { if fd >= 0 { close(fd) } }
        var previous: (dev_t, ino_t)?
        while fd >= 0 {
            var info = stat()
            guard fstat(fd, &info) == 0 else { return false }
            if info.st_dev == dev && info.st_ino == ino { return true }
            if let previous, previous == (info.st_dev, info.st_ino) { return false }  // `/`: its own parent
            previous = (info.st_dev, info.st_ino)
            let parent = openat(fd, "..", oPath | O_DIRECTORY | O_CLOEXEC)
            close(fd)
            fd = parent
        }
        return false
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
