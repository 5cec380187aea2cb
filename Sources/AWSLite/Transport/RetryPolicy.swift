import Foundation

/// Bounded retries with exponential backoff and full jitter, honouring
/// `Retry-After`. The random source and the sleep are injected so tests run
/// instantly and deterministically.
public struct RetryPolicy: Sendable {
    /// Total attempts including the first (1 = no retries).
    public var maxAttempts: Int
    /// The backoff cap before jitter for retry n (1-based) is `min(maxDelay, baseDelay · 2^(n-1))`.
    public var baseDelay: TimeInterval
    public var maxDelay: TimeInterval
    /// The longest `Retry-After` honoured; longer values are cut to this.
    public var maxRetryAfter: TimeInterval
    /// Uniform in [0, 1).
    public var random: @Sendable () -> Double
    /// Waits the given number of seconds.
    public var sleep: @Sendable (TimeInterval) async throws -> Void

    public init(
        maxAttempts: Int = RetryPolicy.standardMaxAttempts, baseDelay: TimeInterval = 0.25, maxDelay: TimeInterval = 20, maxRetryAfter: TimeInterval = 60,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        sleep: @escaping @Sendable (TimeInterval) async throws -> Void = RetryPolicy.taskSleep
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.random = random
        self.sleep = sleep
    }

    /// `Task.sleep` for the given seconds.
    public static let taskSleep: @Sendable (TimeInterval) async throws -> Void = { seconds in
        try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
    }

    /// No retries at all.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The attempts of the SDKs' "standard" (and "adaptive") retry mode.
    public static let standardMaxAttempts = 3
    /// The attempts of the SDKs' "legacy" retry mode.
    public static let legacyMaxAttempts = 5

    /// The policy the SDKs configure from `AWS_RETRY_MODE` (`standard`, the default:
    /// 3 attempts; `adaptive`, treated as standard; `legacy`: 5 attempts) and
    /// `AWS_MAX_ATTEMPTS` (total attempts including the first, 1 or more; wins over
    /// the mode's count). Backoff: full jitter, base 1 s, at most 20 s.
    /// - Throws: `AWSError(.configuration)` for an unknown mode or a count that is not a positive integer.
    public static func fromEnvironment(_ environment: [String: String]) throws -> RetryPolicy {
        var attempts = standardMaxAttempts
        if let mode = SharedConfig.nonEmpty(environment["AWS_RETRY_MODE"])?.lowercased() {
            switch mode {
            case "standard", "adaptive": attempts = standardMaxAttempts
            case "legacy": attempts = legacyMaxAttempts
            default:
                throw AWSError(kind: .configuration, message: "AWS_RETRY_MODE must be standard, adaptive or legacy, not \"\(mode)\"")
            }
        }
        if let text = SharedConfig.nonEmpty(environment["AWS_MAX_ATTEMPTS"]) {
            guard text.count <= 4, text.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Int(text), count >= 1 else {
                throw AWSError(kind: .configuration, message: "AWS_MAX_ATTEMPTS must be a whole number from 1 to 9999, not \"\(text)\"")
            }
            attempts = count
        }
        return RetryPolicy(maxAttempts: attempts, baseDelay: 1, maxDelay: 20)
    }

    /// The wait before retry number `retry` (1 = the first retry): the server's
    /// `Retry-After` when given (capped at `maxRetryAfter`), otherwise full jitter
    /// `random · min(maxDelay, baseDelay · 2^(retry-1))`.
    public func delay(beforeRetry retry: Int, retryAfter: TimeInterval?) -> TimeInterval {
        if let retryAfter { return min(max(0, retryAfter), maxRetryAfter) }
        let exponent = Double(max(0, min(retry - 1, 30)))
        let cap = min(maxDelay, baseDelay * pow(2, exponent))
        return random() * cap
    }

    /// Parses `Retry-After`: delta-seconds or an HTTP date (relative to `now`).
    public static func parseRetryAfter(_ value: String?, now: Date) -> TimeInterval? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value), seconds >= 0 { return seconds }
        guard let date = Timestamps.parseHTTPDate(value) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}

/// Whether a failed attempt may be retried — the AWS SDKs' "standard" retry mode.
///
/// - Throttling (a throttling code or 429), a signature refused as too far from the
///   service's clock (`RequestTimeTooSkewed`, retried with the corrected clock) and a
///   connection that could not be made are retried for every operation: the service
///   did not act on the request.
/// - Transient failures — 500, 502, 503, 504, `InternalError`, `RequestTimeout`, a 2xx
///   answer that did not parse, a connection dropped or timed out after sending — are
///   retried for operations whose retry cannot duplicate an effect (idempotent, with
///   an idempotency token, or cleaned up after, like CreateMultipartUpload).
public enum RetryClassifier {
    static let transientStatuses: Set<Int> = [500, 502, 503, 504]
    static let transientCodes: Set<String> = ["InternalError", "RequestTimeout", "RequestTimeoutException", "ServiceUnavailable"]

    public static func isRetryable(_ error: AWSError, idempotent: Bool) -> Bool {
        switch error.kind {
        case .service:
            if error.isThrottling || error.code == "RequestTimeTooSkewed" { return true }
            guard idempotent else { return false }
            if let status = error.httpStatus, transientStatuses.contains(status) { return true }
            return error.code.map(transientCodes.contains) ?? false
        case .invalidResponse:
            return idempotent
        default:
            return false
        }
    }

    public static func isRetryable(_ error: HTTPTransportError, idempotent: Bool) -> Bool {
        guard error.retryable else { return false }
        switch error.stage {
        case .notSent: return true
        case .mayHaveBeenSent: return idempotent
        }
    }
}
