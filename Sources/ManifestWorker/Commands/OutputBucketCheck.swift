import AWSLite
import S3ByteStreams
import ManifestKit

/// Before the walk (or the diff): the bucket of an `s3://bucket/…` output exists and the
/// credentials may use it — one HeadBucket, which S3 authorises with `s3:ListBucket` on
/// the bucket — so that a wrong name or a missing permission fails at once, exit 2, and
/// not after hours of walking when the upload starts (docs/cli.md, "S3").
enum OutputBucketCheck {
    /// `s3://bucket/key` or `s3://bucket/prefix/` → `bucket`; nil when `spec` is not an
    /// `s3://` address or names no bucket (the stream's own parsing reports that).
    static func bucket(of spec: String) -> String? {
        guard Endpoints.isS3(spec) else { return nil }
        let bucket = spec.dropFirst("s3://".count).prefix { $0 != "/" }
        return bucket.isEmpty ? nil : String(bucket)
    }

    /// Checks the bucket of `spec` when it is an `s3://` address; anything else passes.
    /// - Parameter source: where `spec` came from (`--output`, `EBV_OUTPUT`, …): a variable
    ///   is named first, as for every bad value from the environment.
    static func require(_ spec: String, source: String, environment: [String: String]) throws {
        guard let bucket = bucket(of: spec) else { return }
        func failure(_ why: String) -> CLIError {
            source.hasPrefix("EBV_") ? CLIError(source, "\(spec): \(why)") : CLIError(spec, why)
        }
        let s3: S3Client
        do {
            s3 = try S3Client(configuration: AWSClientConfiguration.fromEnvironment(environment))
        } catch {
            throw failure(S3Streams.reason(error))
        }
        do {
            _ = try Blocking.run { try await s3.headBucket(bucket) }
        } catch let error as AWSError {
            throw failure(reason(error, bucket: bucket))
        } catch {
            throw failure(S3Streams.reason(error))
        }
    }

    /// What a failed HeadBucket means for the user (S3 answers HEAD without a body: the
    /// status is all there is). A redirect keeps the S3 client's message, which names the
    /// region to set.
    static func reason(_ error: AWSError, bucket: String) -> String {
        let name = bucket  // escaped with the rest of the message (CLIError)
        switch (error.kind, error.httpStatus) {
        case (.service, 404):
            return "the bucket \(name) does not exist (s3.HeadBucket: HTTP 404): create it, or correct the bucket name; "
                + "nothing was written"
        case (.service, 403):
            return "access to the bucket \(name) denied (s3.HeadBucket: HTTP 403): the credentials in use need "
                + "s3:ListBucket on the bucket (and s3:PutObject on the objects), or they are not valid; nothing was written"
        default:
            return error.description
        }
    }
}
