import Foundation

/// Credentials from the ECS (Fargate) / EKS Pod Identity container endpoint.
///
/// - `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`: GET `http://169.254.170.2` + value.
/// - Otherwise `AWS_CONTAINER_CREDENTIALS_FULL_URI`, allowed only when https, or
///   http to a loopback address, `localhost`, `169.254.170.2`, `169.254.170.23` or
///   `fd00:ec2::23` (botocore's rule).
/// - `Authorization` from the file named by `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`
///   (read on every fetch), else `AWS_CONTAINER_AUTHORIZATION_TOKEN`; a value with
///   CR or LF is refused.
/// - `Accept: application/json`; 2 s timeout; 3 attempts with a pause between
///   them (any failure: no answer, non-200, unreadable JSON).
/// - Answer: `{"AccessKeyId","SecretAccessKey","Token","Expiration"}` (ISO-8601).
///
/// Not configured when neither URI variable is set.
public struct ContainerCredentialProvider: CredentialSource, CredentialProvider {
    public static let relativeURIBase = "http://169.254.170.2"
    /// Hosts allowed over plain http besides loopback addresses.
    public static let allowedHTTPHosts: Set<String> = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23", "localhost"]

    public let environment: [String: String]
    public let fileReader: FileReader
    public let httpClient: any CredentialHTTPClient
    public let timeout: TimeInterval
    public let attempts: Int
    public let retryDelay: Duration
    public var sourceName: String { "container endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/FULL_URI)" }

    public init(
        environment: [String: String], fileReader: @escaping FileReader, httpClient: any CredentialHTTPClient,
        timeout: TimeInterval = 2, attempts: Int = 3, retryDelay: Duration = .seconds(1)
    ) {
        self.environment = environment
        self.fileReader = fileReader
        self.httpClient = httpClient
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.retryDelay = retryDelay
    }

    /// The endpoint named by the environment; nil when neither variable is set.
    /// - Throws: ``AWSError`` `.configuration` for a full URI that is malformed or not allowed.
    public static func endpoint(environment: [String: String]) throws -> URL? {
        if let relative = SharedConfig.nonEmpty(environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]) {
            let path = relative.hasPrefix("/") ? relative : "/" + relative
            guard let url = URL(string: relativeURIBase + path) else {
                throw AWSError(kind: .configuration, message: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is not a valid path: \(relative)")
            }
            return url
        }
        guard let full = SharedConfig.nonEmpty(environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"]) else { return nil }
        guard let url = URL(string: full), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else {
            throw AWSError(kind: .configuration, message: "AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http(s) URL: \(full)")
        }
        guard isAllowedFullURI(url) else {
            throw AWSError(
                kind: .configuration,
                message: "AWS_CONTAINER_CREDENTIALS_FULL_URI host '\(host)' is not allowed over http (use https, a loopback address, localhost, 169.254.170.2, 169.254.170.23 or fd00:ec2::23)")
        }
        return url
    }

    /// True for https, or http to a loopback address or one of ``allowedHTTPHosts``.
    public static func isAllowedFullURI(_ url: URL) -> Bool {
        if url.scheme?.lowercased() == "https" { return true }
        guard var host = url.host?.lowercased() else { return false }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return allowedHTTPHosts.contains(host) || isLoopback(host)
    }

    /// `127.0.0.0/8` in dotted-quad form, or IPv6 `::1` in any spelling.
    static func isLoopback(_ host: String) -> Bool {
        let quads = host.split(separator: ".", omittingEmptySubsequences: false)
        if quads.count == 4, quads.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) && Int($0)! <= 255 }) {
            return quads[0] == "127"
        }
        guard host.contains(":") else { return false }
        var in6 = in6_addr()
        guard inet_pton(AF_INET6, host, &in6) == 1 else { return false }
        return withUnsafeBytes(of: &in6) { bytes in bytes.dropLast().allSatisfy { $0 == 0 } && bytes.last == 1 }
    }

    /// The `Authorization` value: the token file's contents (preferred) or
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN`; nil when neither is set.
    /// - Throws: ``AWSError`` `.credentials` for an unreadable file or a value with CR/LF.
    public func authorizationToken() throws -> String? {
        var token: String?
        var origin = "AWS_CONTAINER_AUTHORIZATION_TOKEN"
        if let path = SharedConfig.nonEmpty(environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]) {
            origin = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (\(path))"
            do {
                guard let text = try fileReader(path) else {
                    throw AWSError(kind: .credentials, message: "\(origin): file not found")
                }
                token = text
            } catch let error as AWSError {
                throw AWSError(kind: .credentials, message: error.kind == .credentials ? error.message : "\(origin): \(error.message)")
            }
        } else if let value = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] {
            token = value
        }
        if let token, token.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) {
            throw AWSError(kind: .credentials, message: "\(origin): the token contains CR or LF, which is not a legal header value")
        }
        return token
    }

    public func loadCredentials() async throws -> Credentials? {
        guard let url = try Self.endpoint(environment: environment) else { return nil }
        var headers: [(name: String, value: String)] = [(name: "Accept", value: "application/json")]
        if let token = try authorizationToken() { headers.append((name: "Authorization", value: token)) }
        var lastProblem = ""
        for attempt in 1...attempts {
            if attempt > 1 { try await Task.sleep(for: retryDelay) }
            do {
                let (status, body) = try await httpClient.get(url, headers: headers, timeout: timeout)
                guard status == 200 else {
                    lastProblem = "HTTP \(status): \(String(decoding: body.prefix(200), as: UTF8.self))"
                    continue
                }
                return try Self.parse(body)
            } catch let error as AWSError where error.kind == .invalidResponse {
                lastProblem = error.message
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                lastProblem = "\(error)"
            }
        }
        throw AWSError(
            kind: .credentials,
            message: "container credentials from \(url.absoluteString) failed after \(attempts) attempts: \(lastProblem)")
    }

    public func credentials() async throws -> Credentials {
        guard let credentials = try await loadCredentials() else {
            throw AWSError(kind: .credentials, code: "CredentialsNotFound", message: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/FULL_URI not set")
        }
        return credentials
    }

    /// Decodes the endpoint's JSON answer.
    /// - Throws: ``AWSError`` `.invalidResponse` naming what is missing or malformed.
    public static func parse(_ body: Data) throws -> Credentials {
        guard let object = try? JSONSerialization.jsonObject(with: body), let json = object as? [String: Any] else {
            throw AWSError(kind: .invalidResponse, message: "container credentials: the answer is not a JSON object")
        }
        func string(_ key: String) -> String? { (json[key] as? String).flatMap { $0.isEmpty ? nil : $0 } }
        guard let keyId = string("AccessKeyId"), let secret = string("SecretAccessKey") else {
            throw AWSError(kind: .invalidResponse, message: "container credentials: AccessKeyId or SecretAccessKey missing")
        }
        var expiration: Date?
        if let text = string("Expiration") {
            guard let date = Timestamps.parse(text) else {
                throw AWSError(kind: .invalidResponse, message: "container credentials: Expiration is not ISO-8601: \(text)")
            }
            expiration = date
        }
        return Credentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: string("Token"), expiration: expiration)
    }
}
