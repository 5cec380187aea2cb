import AWSLite
import Foundation

/// `ReportPageStore` over S3. A page is bounded by the findings kept per class; one
/// larger than ``maxBytes`` is not read back (it is then written anew without the diff part).
public struct S3ReportPageStore: ReportPageStore {
    public static let contentType = "text/html; charset=utf-8"
    public static let maxBytes = 64 << 20
    public var s3: S3Client
    public var bucket: String

    public init(s3: S3Client, bucket: String) {
        self.s3 = s3
        self.bucket = bucket
    }

    public func page(at key: String) async throws -> [UInt8]? {
        let stream: S3ObjectStream
        do {
            stream = try await s3.getObject(bucket: bucket, key: key)
        } catch let error as AWSError where error.isNotFound {
            return nil
        }
        var body: [UInt8] = []
        while let chunk = try await stream.next() {
            body.append(contentsOf: chunk)
            if body.count > Self.maxBytes { return nil }
        }
        return body
    }

    public func putPage(_ body: [UInt8], at key: String) async throws {
        _ = try await s3.putObject(S3PutObjectRequest(bucket: bucket, key: key, body: body, contentType: Self.contentType))
    }
}
