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

    /// One-shot digest (32 bytes) of `bytes` (no context of its own: `EVP_Digest`).
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { out, count in
            var length: UInt32 = 0
            let ok = bytes.withUnsafeBytes { EVP_Digest($0.baseAddress, $0.count, out.baseAddress, &length, SHA256Algorithm.md, nil) }
            guard ok == 1, length == 32 else { fatalError("EVP_Digest(sha256) failed") }
            count = 32
        }
    }

    /// The lower-case hex digest of `bytes`.
    public static func hex(_ bytes: [UInt8]) -> String { Hex.encode(digest(bytes)) }

    /// The lower-case hex digest of the UTF-8 bytes of `text`.
    public static func hex(_ text: String) -> String { hex(Array(text.utf8)) }
}

/// SHA-256 fetched from the default provider once (an immutable, thread-safe
/// `EVP_MD`, kept for the life of the process).
enum SHA256Algorithm {
    nonisolated(unsafe) static let md: OpaquePointer = {
        guard let md = EVP_MD_fetch(nil, "SHA256", nil) else { fatalError("EVP_MD_fetch(SHA256) failed") }
        return md
    }()
}
