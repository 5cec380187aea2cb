import AWSLite
import Foundation
import ManifestKit
import Primitives
import TestSupport
import XCTest

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Shared pieces of the per-service integration tests: the one harness of this test
/// process, client configurations with the right or a wrong secret, and error checks.
enum Integration {
    /// The process-wide harness, reset (every service wiped, same keys).
    static func freshHarness() async throws -> LocalAWS {
        let aws = try LocalAWS.shared()
        try await aws.reset()
        return aws
    }

    /// A configuration signed with the harness key, pointed at `endpoint`, no retries.
    static func configuration(_ aws: LocalAWS, endpoint: URL? = nil) -> AWSClientConfiguration {
        AWSClientConfiguration(
            region: aws.region,
            credentials: StaticCredentialProvider(Credentials(accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey)),
            endpoint: endpoint ?? aws.endpoint, retry: .none)
    }

    /// The harness's access key with a 40-character secret that is not its secret.
    static func wrongSecretConfiguration(_ aws: LocalAWS, endpoint: URL? = nil) -> AWSClientConfiguration {
        AWSClientConfiguration(
            region: aws.region,
            credentials: StaticCredentialProvider(Credentials(accessKeyId: aws.accessKeyId, secretAccessKey: String(repeating: "w", count: 40))),
            endpoint: endpoint ?? aws.endpoint, retry: .none)
    }

    /// Base64 of the SHA-256 of `bytes`, computed with ManifestKit's hasher (not AWSLite's).
    static func sha256Base64(_ bytes: [UInt8]) -> String {
        Data(SHA256.digest(bytes)).base64EncodedString()
    }

    /// `count` deterministic pseudo-random bytes (xorshift), so multipart parts differ.
    static func bytes(count: Int, seed: UInt64) -> [UInt8] {
        var state = seed | 1
        var out = [UInt8](repeating: 0, count: count)
        for index in 0..<count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            out[index] = UInt8(truncatingIfNeeded: state)
        }
        return out
    }
}

/// Asserts that `body` throws an `AWSError` and returns it (nil, after a failure, otherwise).
@discardableResult
func assertAWSError(
    _ body: () async throws -> Void, _ message: String = "", file: StaticString = #filePath, line: UInt = #line
) async -> AWSError? {
    do {
        try await body()
        XCTFail("expected an AWSError, got success \(message)", file: file, line: line)
    } catch let error as AWSError {
        return error
    } catch {
        XCTFail("expected an AWSError, got \(error) \(message)", file: file, line: line)
    }
    return nil
}

/// A signed `GET /<bucket>?uploads` (ListMultipartUploads, which AWSLite has no call for):
/// the keys of the multipart uploads still open in `bucket`.
func openMultipartUploadKeys(_ aws: LocalAWS, bucket: String) async throws -> [String] {
    let host = "\(aws.endpoint.host ?? "127.0.0.1"):\(aws.endpoint.port ?? 80)"
    var request = SignableRequest(method: "GET", host: host, path: "/\(bucket)", query: "uploads=")
    SigV4.sign(
        &request, credentials: Credentials(accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey),
        region: aws.region, service: "s3", date: Date(), payloadHash: SigV4.emptyPayloadHash, options: .s3)
    let url = URL(string: "http://\(host)/\(bucket)?uploads=")!
    let response = try await SocketHTTPTransport().send(
        HTTPRequest(method: "GET", url: url, headers: request.headers), limits: HTTPLimits(idleTimeout: 30))
    let text = String(decoding: response.body, as: UTF8.self)
    guard response.status == 200, text.contains("ListMultipartUploadsResult") else {
        throw LocalAWSError.controlFailed(path: "/\(bucket)?uploads", status: response.status, body: text)
    }
    return elements(named: "Key", in: text)
}

/// The texts of every `<name>…</name>` element in `xml`, in order (flat documents only).
func elements(named name: String, in xml: String) -> [String] {
    var found: [String] = []
    var rest = Substring(xml)
    while let open = rest.range(of: "<\(name)>"), let close = rest.range(of: "</\(name)>", range: open.upperBound..<rest.endIndex) {
        found.append(String(rest[open.upperBound..<close.lowerBound]))
        rest = rest[close.upperBound...]
    }
    return found
}
