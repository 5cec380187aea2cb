import Foundation
import TestSupport
import XCTest

@testable import AWSLite

/// `AWS_RETRY_MODE`, `AWS_MAX_ATTEMPTS`, `EBV_HTTP_*_TIMEOUT`, the standard-mode
/// classification, redirects and clock-skew correction.
final class RetrySettingsTests: XCTestCase {
    func testRetryModeAndMaxAttempts() throws {
        XCTAssertEqual(try RetryPolicy.fromEnvironment([:]).maxAttempts, 3)
        XCTAssertEqual(try RetryPolicy.fromEnvironment(["AWS_RETRY_MODE": "standard"]).maxAttempts, 3)
        XCTAssertEqual(try RetryPolicy.fromEnvironment(["AWS_RETRY_MODE": "Adaptive"]).maxAttempts, 3)
        XCTAssertEqual(try RetryPolicy.fromEnvironment(["AWS_RETRY_MODE": "legacy"]).maxAttempts, 5)
        XCTAssertEqual(try RetryPolicy.fromEnvironment(["AWS_RETRY_MODE": "legacy", "AWS_MAX_ATTEMPTS": "7"]).maxAttempts, 7)
        XCTAssertEqual(try RetryPolicy.fromEnvironment(["AWS_MAX_ATTEMPTS": "1"]).maxAttempts, 1)
        let policy = try RetryPolicy.fromEnvironment([:])
        XCTAssertEqual(policy.baseDelay, 1)
        XCTAssertEqual(policy.maxDelay, 20)
        for bad in ["0", "-1", "abc", "1.5", "99999", " 3"] {
            XCTAssertThrowsError(try RetryPolicy.fromEnvironment(["AWS_MAX_ATTEMPTS": bad])) { error in
                XCTAssertEqual((error as? AWSError)?.message, "AWS_MAX_ATTEMPTS must be a whole number from 1 to 9999, not \"\(bad)\"")
            }
        }
        XCTAssertThrowsError(try RetryPolicy.fromEnvironment(["AWS_RETRY_MODE": "eager"])) { error in
            XCTAssertEqual((error as? AWSError)?.message, "AWS_RETRY_MODE must be standard, adaptive or legacy, not \"eager\"")
        }
    }

    func testTimeoutsFromTheEnvironment() throws {
        let base = ["AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "S"]
        let defaults = try AWSClientConfiguration.fromEnvironment(base, fileReader: { _ in nil })
        XCTAssertEqual(defaults.connectTimeout, 10)
        XCTAssertEqual(defaults.idleTimeout, 60)
        XCTAssertEqual(defaults.retry.maxAttempts, 3)
        var env = base
        env["EBV_HTTP_CONNECT_TIMEOUT"] = "2.5"
        env["EBV_HTTP_IDLE_TIMEOUT"] = "120"
        env["AWS_MAX_ATTEMPTS"] = "6"
        let set = try AWSClientConfiguration.fromEnvironment(env, fileReader: { _ in nil })
        XCTAssertEqual(set.connectTimeout, 2.5)
        XCTAssertEqual(set.idleTimeout, 120)
        XCTAssertEqual(set.retry.maxAttempts, 6)
        for bad in ["0", "-3", "abc", "inf", "nan", "86401"] {
            var wrong = base
            wrong["EBV_HTTP_IDLE_TIMEOUT"] = bad
            XCTAssertThrowsError(try AWSClientConfiguration.fromEnvironment(wrong, fileReader: { _ in nil })) { error in
                XCTAssertEqual(
                    (error as? AWSError)?.message, "EBV_HTTP_IDLE_TIMEOUT must be a number of seconds above 0 and at most 86400, not \"\(bad)\"")
            }
        }
    }

    func testStandardModeClassification() {
        func service(_ code: String?, _ status: Int) -> AWSError {
            AWSError(kind: .service, code: code, message: "m", httpStatus: status)
        }
        for status in [500, 502, 503, 504] {
            XCTAssertTrue(RetryClassifier.isRetryable(service(nil, status), idempotent: true), "\(status)")
            XCTAssertFalse(RetryClassifier.isRetryable(service(nil, status), idempotent: false), "\(status)")
        }
        XCTAssertFalse(RetryClassifier.isRetryable(service(nil, 501), idempotent: true))
        XCTAssertFalse(RetryClassifier.isRetryable(service("PermanentRedirect", 301), idempotent: true))
        XCTAssertTrue(RetryClassifier.isRetryable(service("RequestTimeout", 400), idempotent: true))
        XCTAssertTrue(RetryClassifier.isRetryable(service("RequestTimeTooSkewed", 403), idempotent: false))
        XCTAssertTrue(RetryClassifier.isRetryable(AWSError(kind: .invalidResponse, message: "m"), idempotent: true))
        XCTAssertFalse(RetryClassifier.isRetryable(AWSError(kind: .invalidResponse, message: "m"), idempotent: false))
        XCTAssertFalse(RetryClassifier.isRetryable(HTTPTransportError(stage: .notSent, message: "", retryable: false), idempotent: true))
    }

    func testARedirectWithoutARegionSaysWhatToCheck() {
        let response = HTTPResponse(status: 307, headers: ["Location": "https://elsewhere.example/b/k"])
        let error = ErrorDecoder.decode(response, service: .s3, operation: "PutObject")
        XCTAssertEqual(error.code, "TemporaryRedirect")
        XCTAssertEqual(
            error.message,
            "redirected (HTTP 307), not followed; Location: https://elsewhere.example/b/k. Check AWS_REGION and AWS_ENDPOINT_URL_S3")
    }

    func testRequestTimeTooSkewedIsRetriedWithTheServersClock() async throws {
        let answers = Locked(0)
        let server = try TestHTTPServer { _ in
            let n = answers.withLock { value -> Int in
                value += 1
                return value
            }
            if n == 1 {
                return .text(
                    403, "<Error><Code>RequestTimeTooSkewed</Code><Message>skewed</Message></Error>",
                    headers: [("Date", "Tue, 14 Nov 2023 23:13:20 GMT")])
            }
            return .text(200, "<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>")
        }
        defer { server.stop() }
        let dates = Locked<[Date]>([])
        var config = ClientHarness.configuration(server)
        config.signer = RequestSigner { _, context in dates.withLock { $0.append(context.date) } }
        _ = try await S3Client(configuration: config).listObjectsV2(bucket: "b")
        // The harness clock says 2023-11-14 22:13:20; the server one hour later.
        XCTAssertEqual(dates.current, [Date(timeIntervalSince1970: 1_700_000_000), Date(timeIntervalSince1970: 1_700_003_600)])
    }
}

final class CredentialBackoffTests: XCTestCase {
    func testStaleCredentialsAreAskedForAgainOnlyAfterABackoffAndWarnedAboutOnce() async throws {
        let start = Date(timeIntervalSince1970: 1_795_300_000)
        let clock = CredTestClock(start)
        let base = CredCountingProvider(clock: clock, lifetime: -60)  // already expired when fetched
        let warnings = Locked<[String]>([])
        let provider = RefreshingCredentialProvider(
            wrapping: base, minBackoff: 5, maxBackoff: 20, now: clock.closure, warn: { text in warnings.withLock { $0.append(text) } })
        for _ in 1...3 { _ = try await provider.credentials() }
        XCTAssertEqual(base.fetches, 1)
        clock.advance(5)
        let second = try await provider.credentials().accessKeyId
        XCTAssertEqual(second, "KEY2")
        clock.advance(9)
        _ = try await provider.credentials()
        XCTAssertEqual(base.fetches, 2, "the back-off doubled to 10 s")
        clock.advance(1)
        _ = try await provider.credentials()
        XCTAssertEqual(base.fetches, 3)
        XCTAssertEqual(warnings.current, ["warning: the AWS credentials just fetched expired at 2026-11-21T22:25:40Z; using them anyway, asking again in 5 s"])
    }
}
