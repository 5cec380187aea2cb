import Foundation
import Glibc
import XCTest
@testable import ManifestKit

/// A temporary directory tree built with raw-byte names, for walker and file tests.
final class WalkTestTree {
    let root: String

    init() throws {
        var template = Array("/tmp/walktest.XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw Errno(errno) }
        root = String(cString: p)
    }

    deinit {
        // `rm -rf` walks with *at calls, so trees deeper than PATH_MAX go too.
        let rm = Process()
        rm.executableURL = URL(fileURLWithPath: "/bin/rm")
        rm.arguments = ["-rf", root]
        try? rm.run()
        rm.waitUntilExit()
    }

    /// The absolute path of `rel` (raw bytes).
    func abs(_ rel: [UInt8]) -> [CChar] {
        (Array(root.utf8) + [0x2F] + rel).map { CChar(bitPattern: $0) } + [0]
    }

    func mkdir(_ rel: [UInt8]) throws {
        guard Glibc.mkdir(abs(rel), 0o755) == 0 else { throw Errno(errno) }
    }

    func write(_ rel: [UInt8], _ content: [UInt8], mode: mode_t = 0o644) throws {
        let fd = open(abs(rel), O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw Errno(errno) }
        defer { close(fd) }
        var off = 0
        while off < content.count {
            let n = content[off...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw Errno(errno) }
            off += n
        }
        _ = fchmod(fd, mode)
    }

    func symlink(_ rel: [UInt8], to target: [UInt8]) throws {
        let t = target.map { CChar(bitPattern: $0) } + [0]
        guard Glibc.symlink(t, abs(rel)) == 0 else { throw Errno(errno) }
    }

    func link(_ rel: [UInt8], to existing: [UInt8]) throws {
        guard Glibc.link(abs(existing), abs(rel)) == 0 else { throw Errno(errno) }
    }

    func mkfifo(_ rel: [UInt8]) throws {
        guard Glibc.mkfifo(abs(rel), 0o600) == 0 else { throw Errno(errno) }
    }

    /// Binds a Unix socket at `rel` (closed again; the socket file stays).
    func socket(_ rel: [UInt8]) throws {
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Errno(errno) }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let path = abs(rel)
        guard path.count <= MemoryLayout.size(ofValue: addr.sun_path) else { throw Errno(ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &addr.sun_path) { dst in
            path.withUnsafeBytes { dst.copyMemory(from: $0) }
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else { throw Errno(errno) }
    }

    func lstat(_ rel: [UInt8]) throws -> FileStat {
        var st = stat()
        guard Glibc.lstat(abs(rel), &st) == 0 else { throw Errno(errno) }
        return FileStat(st)
    }

    /// The entry an exact walker must produce for `rel`, built from `lstat`.
    func expected(_ rel: [UInt8], sha256: String? = nil, target: [UInt8]? = nil) throws -> ManifestEntry {
        var e = try lstat(rel).entry(path: rel)
        e.sha256 = sha256
        e.target = target
        return e
    }

    /// Walks the tree and returns every emitted entry, in emission order.
    func walk(_ options: WalkOptions = WalkOptions(concurrency: 8)) throws -> [ManifestEntry] {
        try walk(options, progress: WalkProgress())
    }

    func walk(_ options: WalkOptions, progress: WalkProgress) throws -> [ManifestEntry] {
        let walker = try TreeWalker(root: root, options: options, progress: progress)
        var out: [ManifestEntry] = []
        try walker.run { out.append($0) }
        return out
    }
}

/// Bytes of a string, for short test paths.
func b(_ s: String) -> [UInt8] { Array(s.utf8) }

/// Paths as text, for readable assertions.
func paths(_ entries: [ManifestEntry]) -> [String] { entries.map(\.displayPath) }

let sha256OfEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
let sha256OfAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// FIPS 180-2: one million repetitions of "a".
let sha256OfMillionA = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
