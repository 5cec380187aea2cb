import CCrypto

/// Incremental SHA-256 through OpenSSL's EVP interface (uses SHA-NI/AVX2 where
/// the CPU has them). Not thread-safe: one instance per thread.
public final class SHA256: @unchecked Sendable {
    private let ctx: OpaquePointer

    public init() {
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        self.ctx = ctx
        reset()
    }

    deinit { EVP_MD_CTX_free(ctx) }

    /// Starts a new digest, discarding any input so far.
    public func reset() {
        guard EVP_DigestInit_ex(ctx, EVP_sha256(), nil) == 1 else { fatalError("EVP_DigestInit_ex(sha256) failed") }
    }

    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        guard EVP_DigestUpdate(ctx, bytes.baseAddress, bytes.count) == 1 else { fatalError("EVP_DigestUpdate failed") }
    }

    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Returns the 32-byte digest and resets for the next input.
    public func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var len: UInt32 = 0
        out.withUnsafeMutableBufferPointer { p in
            guard EVP_DigestFinal_ex(ctx, p.baseAddress, &len) == 1, len == 32 else { fatalError("EVP_DigestFinal_ex failed") }
        }
        reset()
        return out
    }

    /// Returns the lower-case hex digest and resets.
    public func finalizeHex() -> String { Hex.encode(finalize()) }

    /// One-shot digest of `bytes`.
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        let h = SHA256()
        h.update(bytes)
        return h.finalize()
    }

    public static func hex(_ bytes: [UInt8]) -> String { Hex.encode(digest(bytes)) }
}

/// Lower-case hexadecimal.
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

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
