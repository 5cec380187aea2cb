import Glibc

/// The names in one directory, sorted by raw bytes, packed into one buffer
/// (each name followed by a NUL, so it can be passed to `*at` calls as is).
struct DirectoryListing {
    struct Name {
        /// Offset in `bytes`: an `Int`, since one directory's names may total past 4 GiB.
        var start: Int
        var length: UInt16
        var dtype: UInt8
    }

    private(set) var bytes: [UInt8] = []
    private(set) var names: [Name] = []

    var count: Int { names.count }

    /// Approximate heap bytes held (names and their index).
    var memoryBytes: Int { bytes.count + names.count * MemoryLayout<Name>.stride }

    static let empty = DirectoryListing()

    /// The raw bytes of name `i` (without the NUL).
    func name(_ i: Int) -> ArraySlice<UInt8> {
        let n = names[i]
        return bytes[Int(n.start)..<Int(n.start) + Int(n.length)]
    }

    func dtype(_ i: Int) -> UInt8 { names[i].dtype }

    /// Calls `body` with name `i` as a NUL-terminated C string.
    func withCName<R>(_ i: Int, _ body: (UnsafePointer<CChar>) -> R) -> R {
        let start = Int(names[i].start)
        return bytes.withUnsafeBufferPointer { buf in
            buf.baseAddress!.advanced(by: start).withMemoryRebound(to: CChar.self, capacity: Int(names[i].length) + 1) {
                body($0)
            }
        }
    }

    /// Reads every name of the open directory `fd` (except `.` and `..`) and sorts
    /// them bytewise. `fd` stays open and usable for `*at` calls.
    static func read(fd: Int32) -> Result<DirectoryListing, Errno> {
        let copy = dup(fd)
        guard copy >= 0 else { return .failure(Errno(errno)) }
        guard let dir = fdopendir(copy) else {
            let e = errno
            close(copy)
            return .failure(Errno(e))
        }
        defer { closedir(dir) }
        var listing = DirectoryListing()
        while true {
            errno = 0
            guard let ent = readdir(dir) else {
                if errno != 0 { return .failure(Errno(errno)) }
                break
            }
            let dtype = ent.pointee.d_type
            withUnsafePointer(to: &ent.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: UInt8.self, capacity: 256) { p in
                    let len = strlen(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))
                    if len == 1 && p[0] == 0x2E { return }
                    if len == 2 && p[0] == 0x2E && p[1] == 0x2E { return }
                    listing.append(UnsafeBufferPointer(start: p, count: len), dtype: dtype)
                }
            }
        }
        listing.sort()
        return .success(listing)
    }

    mutating func append(_ name: UnsafeBufferPointer<UInt8>, dtype: UInt8) {
        names.append(Name(start: bytes.count, length: UInt16(name.count), dtype: dtype))
        bytes.append(contentsOf: name)
        bytes.append(0)
    }

    /// Sorts the names by raw bytes (a shorter name before any longer one it prefixes).
    mutating func sort() {
        guard names.count > 1 else { return }
        bytes.withUnsafeBufferPointer { buf in
            let base = buf.baseAddress!
            names.sort { a, b in
                let n = Int(min(a.length, b.length))
                let c = memcmp(base + Int(a.start), base + Int(b.start), n)
                return c != 0 ? c < 0 : a.length < b.length
            }
        }
    }
}
