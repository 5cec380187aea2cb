import Foundation

/// SHA-256 of request bodies: hex for SigV4's payload hash, base64 for S3's
/// `x-amz-checksum-sha256`.
struct PayloadDigest: Sendable, Equatable {
    let bytes: [UInt8]

    init(of body: [UInt8]) {
        bytes = SigV4.sha256(body)
    }

    var hex: String { SigV4.hex(bytes) }

    var base64: String { Data(bytes).base64EncodedString() }
}
