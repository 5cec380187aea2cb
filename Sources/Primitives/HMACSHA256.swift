import CCrypto

/// HMAC-SHA256 (RFC 2104) through OpenSSL's one-shot `HMAC()`.
public enum HMACSHA256 {
    /// The 32-byte authentication code of `data` under `key`. A key longer than the
    /// 64-byte block is replaced by its digest first, as RFC 2104 defines.
    public static func code(key: [UInt8], data: [UInt8]) -> [UInt8] {
        let key = key.count > 64 ? SHA256.digest(key) : key
        return [UInt8](unsafeUninitializedCapacity: 32) { out, count in
            var length: UInt32 = 0
            let result = key.withUnsafeBytes { k in
                data.withUnsafeBytes { d in
                    HMAC(SHA256Algorithm.md, k.baseAddress, Int32(k.count),
                         d.baseAddress?.assumingMemoryBound(to: UInt8.self), d.count, out.baseAddress, &length)
                }
            }
            guard result != nil, length == 32 else { fatalError("HMAC(sha256) failed") }
            count = 32
        }
    }
}
