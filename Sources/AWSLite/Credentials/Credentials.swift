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

    /// AWS refused `rejected` as expired (e.g. `ExpiredToken`): forget them if they are
    /// cached, so that the next ``credentials()`` call fetches new ones.
    ///
    /// - Returns: whether the next ``credentials()`` call may answer something other
    ///   than `rejected`, i.e. whether retrying the refused request is worth it. The
    ///   default (for providers that cache nothing, such as fixed keys) is `false`.
    func invalidate(rejected: Credentials) async -> Bool
}

extension CredentialProvider {
    /// Nothing cached, nothing to refresh: a retry would send the same credentials.
    public func invalidate(rejected: Credentials) async -> Bool { false }
}

/// Fixed credentials (tests, or keys given explicitly).
public struct StaticCredentialProvider: CredentialProvider {
    public let value: Credentials
    public init(_ value: Credentials) { self.value = value }
    public func credentials() async throws -> Credentials { value }
}
