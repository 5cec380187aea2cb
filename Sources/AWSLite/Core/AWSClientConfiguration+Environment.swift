import Foundation

extension AWSClientConfiguration {
    /// The configuration the executables use: region from `RegionResolver`
    /// (`AWS_REGION`, `AWS_DEFAULT_REGION`, the profile), credentials from the
    /// standard refreshing chain, endpoints from `AWS_ENDPOINT_URL[_<SERVICE>]`,
    /// retries from `AWS_RETRY_MODE` and `AWS_MAX_ATTEMPTS`, timeouts from
    /// `EBV_HTTP_CONNECT_TIMEOUT` (default 10 s) and `EBV_HTTP_IDLE_TIMEOUT` (default
    /// 60 s), trusted CAs for https from `AWS_CA_BUNDLE` (default: the system's).
    ///
    /// ```swift
    /// let config = try AWSClientConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
    /// let s3 = try S3Client(configuration: config)
    /// ```
    ///
    /// - Throws: `AWSError(.configuration)` when no region can be found or a setting is invalid.
    public static func fromEnvironment(
        _ environment: [String: String], fileReader: @escaping FileReader = LocalFiles.reader, transport: (any HTTPTransport)? = nil
    ) throws -> AWSClientConfiguration {
        let region = try RegionResolver.resolve(environment: environment, fileReader: fileReader)
        return AWSClientConfiguration(
            region: region, credentials: DefaultCredentialProvider.make(environment: environment, fileReader: fileReader),
            environment: environment, transport: transport ?? SocketHTTPTransport(caBundle: environment["AWS_CA_BUNDLE"]),
            retry: try RetryPolicy.fromEnvironment(environment),
            connectTimeout: try seconds(environment, "EBV_HTTP_CONNECT_TIMEOUT", default: 10),
            idleTimeout: try seconds(environment, "EBV_HTTP_IDLE_TIMEOUT", default: 60))
    }

    /// A positive number of seconds (at most a day) from `name`, or `default` when unset.
    static func seconds(_ environment: [String: String], _ name: String, default fallback: TimeInterval) throws -> TimeInterval {
        guard let text = SharedConfig.nonEmpty(environment[name]) else { return fallback }
        guard let value = Double(text), value.isFinite, value > 0, value <= 86_400 else {
            throw AWSError(kind: .configuration, message: "\(name) must be a number of seconds above 0 and at most 86400, not \"\(text)\"")
        }
        return value
    }
}
