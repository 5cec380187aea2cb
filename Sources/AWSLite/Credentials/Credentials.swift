import Foundation

/// AWS credentials, with an optional session token and expiry.
public struct Credentials: Sendable, Equatable {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var sessionToken: String?
    public var expiration: Date?

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }
}

/// A source of credentials (environment, ECS container endpoint, shared files,
/// a chain of these, or a refreshing cache in front of one).
public protocol CredentialProvider: Sendable {
    func credentials() async throws -> Credentials
}

/// Fixed credentials (tests, or keys given explicitly).
public struct StaticCredentialProvider: CredentialProvider {
    public let value: Credentials
    public init(_ value: Credentials) { self.value = value }
    public func credentials() async throws -> Credentials { value }
}
