import Foundation

/// Sends operation requests for one service: resolves the URL, signs each
/// attempt (fresh date, current credentials), retries what may be retried, and
/// turns error responses into `AWSError`.
struct RequestExecutor: Sendable {
    let service: AWSService
    let configuration: AWSClientConfiguration
    let endpoint: URL

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

    /// Sends `request` and returns its 2xx response, or throws `AWSError`.
    ///
    /// When AWS refuses the credentials as expired (see
    /// `AWSError.asksForNewCredentials`), the provider is told
    /// (`CredentialProvider.invalidate(rejected:)`) and, if it may answer new
    /// credentials, the request is signed again and sent once more — whatever the
    /// operation, since a refused signature means AWS did not act on it. That extra
    /// attempt does not count against the retry policy; a second refusal is thrown.
    func send(_ request: OperationRequest) async throws -> HTTPResponse {
        let retry = configuration.retry
        var attempt = 1
        var renewedCredentials = false
        while true {
            if attempt > 1 || renewedCredentials { try Task.checkCancellation() }
            let outcome: Result<(response: HTTPResponse, credentials: Credentials), Error>
            do {
                outcome = .success(try await attemptOnce(request))
            } catch {
                outcome = .failure(error)
            }
            switch outcome {
            case .success(let sent) where (200...299).contains(sent.response.status):
                return sent.response
            case .success(let sent):
                let response = sent.response
                let error = ErrorDecoder.decode(response, service: service, operation: request.operation)
                if !renewedCredentials, error.asksForNewCredentials(sentSessionToken: sent.credentials.sessionToken != nil) {
                    renewedCredentials = true
                    if await configuration.credentials.invalidate(rejected: sent.credentials) { continue }
                    throw error
                }
                guard attempt < retry.maxAttempts, RetryClassifier.isRetryable(error, idempotent: request.idempotent) else { throw error }
                let after = RetryPolicy.parseRetryAfter(response.header("Retry-After"), now: configuration.now())
                try await retry.sleep(retry.delay(beforeRetry: attempt, retryAfter: after))
            case .failure(let failure as HTTPTransportError):
                guard attempt < retry.maxAttempts, RetryClassifier.isRetryable(failure, idempotent: request.idempotent) else {
                    throw AWSError(kind: .transport, service: service.name, operation: request.operation, message: failure.message + " (after \(attempt) attempt\(attempt == 1 ? "" : "s"))")
                }
                try await retry.sleep(retry.delay(beforeRetry: attempt, retryAfter: nil))
            case .failure(let error):
                throw error
            }
            attempt += 1
        }
    }

    /// Signs and sends one attempt; returns the response and the credentials it was signed with.
    private func attemptOnce(_ request: OperationRequest) async throws -> (response: HTTPResponse, credentials: Credentials) {
        let credentials: Credentials
        do {
            credentials = try await configuration.credentials.credentials()
        } catch let error as AWSError {
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
                credentials: credentials, region: configuration.region, service: service.signingName, date: configuration.now(),
                payloadHash: digest.hex, options: isS3 ? .s3 : .standard))
        var text = (endpoint.scheme ?? "https") + "://" + hostHeader + path
        if !query.isEmpty { text += "?" + query }
        guard let url = URL(string: text) else {
            throw AWSError(kind: .configuration, service: service.name, operation: request.operation, message: "cannot form a URL from \(text)")
        }
        let headers = signable.headers.filter { $0.name.lowercased() != "host" }
        let response = try await configuration.transport.send(
            HTTPRequest(method: request.method, url: url, headers: headers, body: request.body), timeout: configuration.requestTimeout)
        return (response, credentials)
    }
}
