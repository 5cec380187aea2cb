import Foundation

/// Everything a service client needs: region, credentials, where to send
/// requests, how to send, sign and retry them, and the clock.
///
/// ```swift
/// let config = AWSClientConfiguration(region: "eu-west-1", credentials: chain,
///                                     environment: ProcessInfo.processInfo.environment)
/// let s3 = try S3Client(configuration: config)
/// ```
public struct AWSClientConfiguration: Sendable {
    /// The signing region (also the default endpoint's region).
    public var region: String
    public var credentials: any CredentialProvider
    /// Read for `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL` and
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`.
    public var environment: [String: String]
    /// An explicit endpoint for every client built from this configuration; wins
    /// over the environment (tests, moto).
    public var endpoint: URL?
    public var transport: any HTTPTransport
    public var retry: RetryPolicy
    public var signer: RequestSigner
    /// The longest wait for a connection (TCP and TLS), in seconds (`EBV_HTTP_CONNECT_TIMEOUT`).
    public var connectTimeout: TimeInterval
    /// The longest time without a byte moving in either direction, in seconds
    /// (`EBV_HTTP_IDLE_TIMEOUT`). A slow but steady transfer never times out.
    public var idleTimeout: TimeInterval
    /// The clock used for signing dates and `Retry-After` dates.
    public var now: @Sendable () -> Date

    public init(
        region: String, credentials: any CredentialProvider, environment: [String: String] = [:], endpoint: URL? = nil,
        transport: any HTTPTransport = SocketHTTPTransport(), retry: RetryPolicy = RetryPolicy(),
        signer: RequestSigner = .sigV4, connectTimeout: TimeInterval = 10, idleTimeout: TimeInterval = 60,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.region = region
        self.credentials = credentials
        self.environment = environment
        self.endpoint = endpoint
        self.transport = transport
        self.retry = retry
        self.signer = signer
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
        self.now = now
    }

    /// The endpoint for `service`: `endpoint` if set, else `EndpointResolver`.
    public func endpoint(for service: AWSService) throws -> URL {
        if let endpoint { return try EndpointResolver.parse(endpoint.absoluteString, source: "configured endpoint", service: service) }
        return try EndpointResolver.resolve(service: service, region: region, environment: environment)
    }
}
