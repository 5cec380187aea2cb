import Foundation

extension AWSClientConfiguration {
    /// The configuration the executables use: region from `RegionResolver`
    /// (`AWS_REGION`, `AWS_DEFAULT_REGION`, the profile), credentials from the
    /// standard refreshing chain, endpoints from `AWS_ENDPOINT_URL[_<SERVICE>]`.
    ///
    /// ```swift
    /// let config = try AWSClientConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
    /// let s3 = try S3Client(configuration: config)
    /// ```
    ///
    /// - Throws: `AWSError(.configuration)` when no region can be found.
    public static func fromEnvironment(
        _ environment: [String: String], fileReader: @escaping FileReader = LocalFiles.reader, transport: any HTTPTransport = URLSessionTransport()
    ) throws -> AWSClientConfiguration {
        let region = try RegionResolver.resolve(environment: environment, fileReader: fileReader)
        return AWSClientConfiguration(
            region: region, credentials: DefaultCredentialProvider.make(environment: environment, fileReader: fileReader),
            environment: environment, transport: transport)
    }
}
