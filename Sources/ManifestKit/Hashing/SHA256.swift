import CCrypto

/// Incremental SHA-256 through OpenSSL's EVP interface (uses SHA-NI/AVX2 where
/// the CPU has them). Not thread-safe: one instance per thread.
///
/// The algorithm is fetched from the provider once per process: with OpenSSL 3,
/// `EVP_sha256()` makes every `EVP_DigestInit_ex` fetch it again, behind a
/// process-wide read lock — measurable when hashing tens of thousands of small
/// files a second. A context is re-initialised only when it is next used.
public final class SHA256 {
    private let ctx: OpaquePointer
    private enum State { case clean, hasInput, needsInit }
    private var state = State.needsInit

    public init() {
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        self.ctx = ctx
    }

    deinit { EVP_MD_CTX_free(ctx) }

    /// Starts a new digest, discarding any input so far.
    public func reset() {
        guard state != .clean else { return }
        guard EVP_DigestInit_ex(ctx, SHA256Algorithm.md, nil) == 1 else { fatalError("EVP_DigestInit_ex(sha256) failed") }
        state = .clean
    }

    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        if state == .needsInit { reset() }
        guard EVP_DigestUpdate(ctx, bytes.baseAddress, bytes.count) == 1 else { fatalError("EVP_DigestUpdate failed") }
        state = .hasInput
    }

    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Writes the 32-byte digest to `out` and resets for the next input.
    private func finalize(into out: UnsafeMutablePointer<UInt8>) {
        if state == .needsInit { reset() }  // the digest of nothing
        var len: UInt32 = 0
        guard EVP_DigestFinal_ex(ctx, out, &len) == 1, len == 32 else { fatalError("EVP_DigestFinal_ex failed") }
        state = .needsInit
    }

    /// Returns the 32-byte digest and resets for the next input.
    public func finalize() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
            finalize(into: buffer.baseAddress!)
            count = 32
        }
    }

    /// Returns the lower-case hex digest and resets.
    public func finalizeHex() -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { digest in
            finalize(into: digest.baseAddress!)
            return Hex.encode(UnsafeBufferPointer(digest))
        }
    }

    /// One-shot digest of `bytes`.
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        let h = SHA256()
        h.update(bytes)
        return h.finalize()
    }

    public static func hex(_ bytes: [UInt8]) -> String { Hex.encode(digest(bytes)) }
}

/// SHA-256 fetched from the default provider once (an immutable, thread-safe
/// `EVP_MD`, kept for the life of the process).
private enum SHA256Algorithm {
    nonisolated(unsafe) static let md: OpaquePointer = {
        guard let md = EVP_MD_fetch(nil, "SHA256", nil) else { fatalError("EVP_MD_fetch(SHA256) failed") }
        return md
    }()
}

/// Lower-case hexadecimal.
public enum Hex {
    public static func encode(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { encode($0) }
    }

    /// Lower-case hex of `bytes`, built in place.
    public static func encode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            var i = 0
            for b in bytes {
                out[i] = nibbleDigit(b >> 4)
                out[i + 1] = nibbleDigit(b & 0x0F)
                i += 2
            }
            return i
        }
    }

    @inline(__always)
    private static func nibbleDigit(_ n: UInt8) -> UInt8 { n < 10 ? 0x30 + n : 0x57 + n }

    /// Decodes lower- or upper-case hex; nil on odd length or a non-hex character.
    public static func decode(_ text: String) -> [UInt8]? {
        let u = Array(text.utf8)
        guard u.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let hi = nibble(u[i]), let lo = nibble(u[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: return nil
        }
    }
}
