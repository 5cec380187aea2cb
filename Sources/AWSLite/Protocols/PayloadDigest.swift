import CCrypto
import Foundation

/// SHA-256 of request bodies: hex for SigV4's payload hash, base64 for S3's
/// `x-amz-checksum-sha256`.
struct PayloadDigest: Sendable, Equatable {
    let bytes: [UInt8]

    init(of body: [UInt8]) {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        defer { EVP_MD_CTX_free(ctx) }
        let ok = body.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer { p in
                EVP_DigestInit_ex(ctx, EVP_sha256(), nil) == 1
                    && EVP_DigestUpdate(ctx, raw.baseAddress, raw.count) == 1
                    && EVP_DigestFinal_ex(ctx, p.baseAddress, &length) == 1
            }
        }
        guard ok, length == 32 else { fatalError("SHA-256 through EVP failed") }
        bytes = out
    }

    var hex: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    var base64: String { Data(bytes).base64EncodedString() }
}
