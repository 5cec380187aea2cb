/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and the optional
/// `AWS_SESSION_TOKEN` (empty values count as unset). Not configured when neither
/// key variable is set; an error when only one is.
public struct EnvironmentCredentialProvider: CredentialSource, CredentialProvider {
    public let environment: [String: String]
    public var sourceName: String { "environment (AWS_ACCESS_KEY_ID)" }

    public init(environment: [String: String]) { self.environment = environment }

    public func loadCredentials() async throws -> Credentials? {
        let keyId = SharedConfig.nonEmpty(environment["AWS_ACCESS_KEY_ID"])
        let secret = SharedConfig.nonEmpty(environment["AWS_SECRET_ACCESS_KEY"])
        switch (keyId, secret) {
        case (nil, nil):
            return nil
        case let (keyId?, secret?):
            return Credentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: SharedConfig.nonEmpty(environment["AWS_SESSION_TOKEN"]))
        case (_?, nil):
            throw AWSError(kind: .credentials, message: "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
        case (nil, _?):
            throw AWSError(kind: .credentials, message: "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not")
        }
    }

    public func credentials() async throws -> Credentials {
        guard let credentials = try await loadCredentials() else {
            throw AWSError(kind: .credentials, code: "CredentialsNotFound", message: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
        }
        return credentials
    }
}
