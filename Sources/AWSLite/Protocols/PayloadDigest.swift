import Foundation
import Primitives

/// SHA-256 of request bodies: hex for SigV4's payload hash, base64 for S3's
/// `x-amz-checksum-sha256`.
struct PayloadDigest: Sendable, Equatable {
    let bytes: [UInt8]

    init(of body: [UInt8]) {
        bytes = SHA256.digest(body)
    }

    var hex: String { Hex.encode(bytes) }

    var base64: String { Data(bytes).base64EncodedString() }
}
