import AWSLite
import Foundation

/// `RunStore` over S3 with conditional writes: a lost `If-Match` / `If-None-Match`
/// (412 PreconditionFailed, or 409 ConditionalRequestConflict) becomes
/// `OrchestratorError(.conflict)`.
public struct S3RunStore: RunStore {
    public var s3: S3Client
    public var bucket: String

    public init(s3: S3Client, bucket: String) {
        self.s3 = s3
        self.bucket = bucket
    }

    public func get(_ key: String) async throws -> StoredObject? {
        let stream: S3ObjectStream
        do {
            stream = try await s3.getObject(bucket: bucket, key: key)
        } catch let error as AWSError where error.isNotFound {
            return nil
        } catch let error as AWSError where error.httpStatus == 403 {
            // S3 answers a missing key with 403, not 404, unless the caller holds
            // s3:ListBucket on the bucket (without a condition a GetObject cannot meet).
            throw OrchestratorError.service(
                "GetObject s3://\(bucket)/\(key) (denied: the role needs s3:GetObject here and s3:ListBucket "
                    + "on the bucket, without which S3 answers 403 for an object that does not exist)", error)
        }
        var body = Data()
        while let chunk = try await stream.next() { body.append(contentsOf: chunk) }
        return StoredObject(body: body, etag: stream.head.eTag ?? "")
    }

    /// Attempts of a conditional write that S3 answers with throttling, a 5xx or no answer.
    public static let writeAttempts = 3

    /// A conditional write, retried (at once, `writeAttempts` in all) when S3 throttles,
    /// answers 5xx or does not answer: the failed attempt may have been applied, so a
    /// precondition failure after such an attempt is checked — when the object now holds
    /// exactly these bytes, it was this write and its ETag is returned.
    public func put(_ key: String, body: Data, condition: WriteCondition) async throws -> String {
        let s3Condition: S3WriteCondition
        switch condition {
        case .mustNotExist: s3Condition = .ifNoneExists
        case .mustMatch(let etag): s3Condition = .ifMatch(eTag: etag)
        }
        var uncertain = false
        var attempt = 0
        while true {
            attempt += 1
            do {
                let result = try await s3.putObject(S3PutObjectRequest(
                    bucket: bucket, key: key, body: Array(body), contentType: "application/json", condition: s3Condition))
                return result.eTag ?? ""
            } catch let error as AWSError where error.isPreconditionFailed || error.httpStatus == 409 {
                if uncertain, let current = try await get(key), current.body == body { return current.etag }
                throw OrchestratorError.conflict("s3://\(bucket)/\(key): \(error)", error)
            } catch let error as AWSError where attempt < Self.writeAttempts && Self.mayRetry(error) {
                uncertain = true
            }
        }
    }

    /// Throttling, a 5xx, or no answer at all.
    static func mayRetry(_ error: AWSError) -> Bool {
        error.kind == .transport || error.isThrottling || (error.kind == .service && (error.httpStatus ?? 0) >= 500)
    }

    public func delete(_ key: String) async throws {
        try await s3.deleteObject(bucket: bucket, key: key)
    }

    public func list(prefix: String) async throws -> [String] {
        try await s3.listAllObjects(bucket: bucket, prefix: prefix).map(\.key).sorted {
            Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8))
        }
    }
}

/// `Notifier` over SNS Publish to one topic.
public struct SNSNotifier: Notifier {
    public var sns: SNSClient
    public var topicArn: String

    public init(sns: SNSClient, topicArn: String) {
        self.sns = sns
        self.topicArn = topicArn
    }

    public func publish(subject: String, message: String) async throws {
        _ = try await sns.publish(SNSPublishRequest(topicArn: topicArn, message: message, subject: subject))
    }
}
