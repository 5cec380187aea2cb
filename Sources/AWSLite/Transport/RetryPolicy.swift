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
        maxAttempts: Int = 5, baseDelay: TimeInterval = 0.25, maxDelay: TimeInterval = 20, maxRetryAfter: TimeInterval = 60,
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
        guard let date = HTTPDate.parse(value) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}

/// Whether a failed attempt may be retried.
///
/// - Throttling (a throttling code or 429) is retried for every operation: the
///   service refused the request without acting on it.
/// - A connection that could not be made is retried for every operation.
/// - 5xx, S3's `RequestTimeout` and connections dropped after sending are retried
///   only for operations that are safe to repeat (idempotent, or carrying an
///   idempotency token).
public enum RetryClassifier {
    public static func isRetryable(_ error: AWSError, idempotent: Bool) -> Bool {
        switch error.kind {
        case .service:
            if error.isThrottling { return true }
            guard idempotent else { return false }
            if let status = error.httpStatus, (500...599).contains(status), status != 501 { return true }
            return error.code == "RequestTimeout" || error.code == "InternalError"
        default:
            return false
        }
    }

    public static func isRetryable(_ error: HTTPTransportError, idempotent: Bool) -> Bool {
        switch error.stage {
        case .notSent: return true
        case .mayHaveBeenSent: return idempotent
        }
    }
}
