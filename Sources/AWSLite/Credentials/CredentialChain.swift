import Foundation

/// One link of a ``CredentialProviderChain``: a source that may not be
/// configured at all (then the chain moves on) or may fail (then the chain stops
/// with that error, as the SDKs do).
public protocol CredentialSource: Sendable {
    /// What this source is, for messages: "environment", "shared files", "container endpoint".
    var sourceName: String { get }
    /// The credentials, nil when this source is not configured.
    /// - Throws: ``AWSError`` when the source is configured but unusable.
    func loadCredentials() async throws -> Credentials?
}

/// Tries sources in order; the first configured one answers.
public struct CredentialProviderChain: CredentialProvider {
    public let sources: [any CredentialSource]

    public init(_ sources: [any CredentialSource]) { self.sources = sources }

    /// The SDKs' order: environment, shared files (`AWS_PROFILE`), then the ECS
    /// container endpoint.
    public static func standard(
        environment: [String: String], fileReader: @escaping FileReader, httpClient: any CredentialHTTPClient
    ) -> CredentialProviderChain {
        CredentialProviderChain([
            EnvironmentCredentialProvider(environment: environment),
            SharedFileCredentialProvider(environment: environment, fileReader: fileReader),
            ContainerCredentialProvider(environment: environment, fileReader: fileReader, httpClient: httpClient),
        ])
    }

    /// - Throws: the first source's error, or ``AWSError`` `.credentials` with code
    ///   `CredentialsNotFound` naming every source tried.
    public func credentials() async throws -> Credentials {
        for source in sources {
            if let credentials = try await source.loadCredentials() { return credentials }
        }
        throw AWSError(
            kind: .credentials, code: "CredentialsNotFound",
            message: "no AWS credentials found (tried: \(sources.map(\.sourceName).joined(separator: ", ")))")
    }
}

/// The provider the executables use.
public enum DefaultCredentialProvider {
    /// The standard chain behind a refreshing cache.
    ///
    /// ```swift
    /// let credentials = DefaultCredentialProvider.make(environment: ProcessInfo.processInfo.environment)
    /// let creds = try await credentials.credentials()
    /// ```
    public static func make(
        environment: [String: String], fileReader: @escaping FileReader = LocalFiles.reader,
        httpClient: (any CredentialHTTPClient)? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> RefreshingCredentialProvider {
        let client = httpClient ?? TransportCredentialHTTPClient(transport: SocketHTTPTransport(caBundle: environment["AWS_CA_BUNDLE"]))
        return RefreshingCredentialProvider(
            wrapping: CredentialProviderChain.standard(environment: environment, fileReader: fileReader, httpClient: client),
            now: now)
    }
}
