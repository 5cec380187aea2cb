import Foundation

/// Sends operation requests for one service: resolves the URL, signs each
/// attempt (fresh date, current credentials), retries what may be retried within
/// the deadline (`AWSDeadline`), and turns error responses into `AWSError`.
struct RequestExecutor: Sendable {
    let service: AWSService
    let configuration: AWSClientConfiguration
    let endpoint: URL
    /// The server's clock minus ours, learnt from a `RequestTimeTooSkewed` answer.
    let clockSkew = ClockSkew()

    init(service: AWSService, configuration: AWSClientConfiguration) throws {
        self.service = service
        self.configuration = configuration
        self.endpoint = try configuration.endpoint(for: service)
    }

    /// The `Host` header value: host, plus the port when it is not the scheme's default.
    var hostHeader: String {
        let host = endpoint.host ?? ""
        let bracketed = host.contains(":") ? "[\(host)]" : host
        guard let port = endpoint.port else { return bracketed }
        let scheme = endpoint.scheme?.lowercased()
        if (scheme == "https" && port == 443) || (scheme == "http" && port == 80) { return bracketed }
        return "\(bracketed):\(port)"
    }

    /// The wire path: the endpoint's own path (if any) followed by `path`.
    func wirePath(_ path: String) -> String {
        var base = endpoint.path
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }

    /// The answer, and whether an earlier attempt failed after the request may
    /// have reached the service (so it may have acted on it).
    struct Outcome {
        var response: HTTPResponse
        var earlierAttemptMayHaveActed: Bool
    }

    /// Sends `request` and returns its 2xx response, or throws `AWSError`.
    func send(_ request: OperationRequest) async throws -> HTTPResponse {
        try await sendReporting(request).response
    }

    /// Like `send`, also telling whether an earlier attempt may have been acted on.
    ///
    /// When AWS refuses the credentials as expired (see
    /// `AWSError.asksForNewCredentials`), the provider is told
    /// (`CredentialProvider.invalidate(rejected:)`) and, if it may answer new
    /// credentials, the request is signed again and sent once more — whatever the
    /// operation, since a refused signature means AWS did not act on it. That extra
    /// attempt does not count against the retry policy; a second refusal is thrown.
    ///
    /// No attempt starts, and no retry wait is taken, past `AWSDeadline.current`.
    func sendReporting(_ request: OperationRequest) async throws -> Outcome {
        let retry = configuration.retry
        let deadline = AWSDeadline.current
        var attempt = 1
        var renewedCredentials = false
        var mayHaveActed = false
        while true {
            if attempt > 1 || renewedCredentials { try Task.checkCancellation() }
            let outcome: Result<(response: HTTPResponse, credentials: Credentials), Error>
            do {
                outcome = .success(try await attemptOnce(request, deadline: deadline))
            } catch {
                outcome = .failure(error)
            }
            let failure: AWSError
            var retryAfter: TimeInterval?
            switch outcome {
            case .success(let sent) where (200...299).contains(sent.response.status):
                guard let invalid = request.validate?(sent.response) else {
                    return Outcome(response: sent.response, earlierAttemptMayHaveActed: mayHaveActed)
                }
                mayHaveActed = true
                failure = invalid
            case .success(let sent):
                let response = sent.response
                let error = ErrorDecoder.decode(response, service: service, operation: request.operation)
                if !renewedCredentials, error.asksForNewCredentials(sentSessionToken: sent.credentials.sessionToken != nil) {
                    renewedCredentials = true
                    if await configuration.credentials.invalidate(rejected: sent.credentials) { continue }
                    throw error
                }
                if error.code == "RequestTimeTooSkewed", let serverDate = Timestamps.parseHTTPDate(response.header("Date")) {
                    clockSkew.set(serverDate.timeIntervalSince(configuration.now()))
                }
                if (500...599).contains(response.status) { mayHaveActed = true }
                retryAfter = RetryPolicy.parseRetryAfter(response.header("Retry-After"), now: configuration.now())
                failure = error
            case .failure(let transport as HTTPTransportError):
                let error = AWSError(
                    kind: .transport, service: service.name, operation: request.operation,
                    message: transport.message + " (attempt \(attempt) of \(retry.maxAttempts))")
                guard transport.retryable, RetryClassifier.isRetryable(transport, idempotent: request.idempotent) else { throw error }
                if transport.stage == .mayHaveBeenSent { mayHaveActed = true }
                failure = error
            case .failure(let error):
                throw error
            }
            if failure.kind != .transport, !RetryClassifier.isRetryable(failure, idempotent: request.idempotent) { throw failure }
            guard attempt < retry.maxAttempts else { throw failure }
            let wait = retry.delay(beforeRetry: attempt, retryAfter: retryAfter)
            if let deadline, configuration.now().addingTimeInterval(wait) >= deadline {
                var ended = failure
                ended.message += "; no time left for another attempt before the deadline \(Self.stamp(deadline))"
                throw ended
            }
            try await retry.sleep(wait)
            attempt += 1
        }
    }

    static func stamp(_ date: Date) -> String { Timestamps.rfc3339(date) }

    /// Signs and sends one attempt; returns the response and the credentials it was signed with.
    private func attemptOnce(_ request: OperationRequest, deadline: Date?) async throws -> (response: HTTPResponse, credentials: Credentials) {
        let credentials: Credentials
        do {
            credentials = try await configuration.credentials.credentials()
        } catch let error as AWSError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            throw AWSError(kind: .credentials, service: service.name, operation: request.operation, message: "no credentials: \(error)")
        }
        let path = wirePath(request.path)
        let query = PercentEncoding.query(request.query)
        var signable = SignableRequest(method: request.method, host: hostHeader, path: path, query: query, headers: request.headers)
        let isS3 = service == .s3
        let digest = request.bodyDigest ?? PayloadDigest(of: request.body)
        configuration.signer.sign(
            &signable,
            SigningContext(
                credentials: credentials, region: configuration.region, service: service.signingName,
                date: configuration.now().addingTimeInterval(clockSkew.value),
                payloadHash: digest.hex, options: isS3 ? .s3 : .standard))
        var text = (endpoint.scheme ?? "https") + "://" + hostHeader + path
        if !query.isEmpty { text += "?" + query }
        guard let url = URL(string: text) else {
            throw AWSError(kind: .configuration, service: service.name, operation: request.operation, message: "cannot form a URL from \(text)")
        }
        let headers = signable.headers.filter { $0.name.lowercased() != "host" }
        let limits = HTTPLimits(
            connectTimeout: configuration.connectTimeout, idleTimeout: configuration.idleTimeout, deadline: deadline,
            maxResponseBytes: request.maxResponseBytes)
        let response = try await configuration.transport.send(
            HTTPRequest(method: request.method, url: url, headers: headers, body: request.body), limits: limits)
        return (response, credentials)
    }
}

/// The offset to add to the local clock when signing (learnt from the service).
final class ClockSkew: @unchecked Sendable {
    // @unchecked Sendable: `offset` is only read and written under `lock`.
    private let lock = NSLock()
    private var offset: TimeInterval = 0

    var value: TimeInterval { lock.withLock { offset } }

    func set(_ seconds: TimeInterval) {
        guard seconds.isFinite, abs(seconds) < 7 * 86_400 else { return }
        lock.withLock { offset = seconds }
    }
}
