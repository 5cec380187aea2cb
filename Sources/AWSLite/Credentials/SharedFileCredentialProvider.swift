/// Static keys of the selected profile (see ``SharedConfig``): `aws_access_key_id`,
/// `aws_secret_access_key`, optional `aws_session_token`, from the credentials file,
/// else from the config file.
///
/// Not configured when the profile has no keys. Errors: a malformed file, an
/// `AWS_PROFILE` that does not exist, a key id without a secret (or the reverse),
/// and a profile that relies on a method this layer does not implement
/// (`role_arn`, `credential_process`, SSO, web identity).
public struct SharedFileCredentialProvider: CredentialSource, CredentialProvider {
    public let environment: [String: String]
    public let fileReader: FileReader
    public var sourceName: String {
        "shared files (profile \(SharedConfig.nonEmpty(environment["AWS_PROFILE"]) ?? "default"))"
    }

    /// Profile keys naming credential methods this layer does not implement.
    public static let unsupportedKeys = ["role_arn", "credential_process", "sso_session", "sso_start_url", "web_identity_token_file"]

    public init(environment: [String: String], fileReader: @escaping FileReader) {
        self.environment = environment
        self.fileReader = fileReader
    }

    public func loadCredentials() async throws -> Credentials? {
        let config = try SharedConfig.load(environment: environment, fileReader: fileReader)
        for (profile, path) in [(config.credentialsProfile, config.credentialsFilePath), (config.configProfile, config.configFilePath)] {
            guard let profile else { continue }
            let keyId = SharedConfig.nonEmpty(profile["aws_access_key_id"])
            let secret = SharedConfig.nonEmpty(profile["aws_secret_access_key"])
            let place = "profile '\(config.profileName)' in \(path ?? "?")"
            switch (keyId, secret) {
            case let (keyId?, secret?):
                return Credentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: SharedConfig.nonEmpty(profile["aws_session_token"]))
            case (_?, nil):
                throw AWSError(kind: .credentials, message: "\(place) has aws_access_key_id but no aws_secret_access_key")
            case (nil, _?):
                throw AWSError(kind: .credentials, message: "\(place) has aws_secret_access_key but no aws_access_key_id")
            case (nil, nil):
                continue
            }
        }
        for key in Self.unsupportedKeys where config.value(key) != nil {
            throw AWSError(
                kind: .credentials,
                message: "profile '\(config.profileName)' uses \(key), which is not supported; export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN instead")
        }
        return nil
    }

    public func credentials() async throws -> Credentials {
        guard let credentials = try await loadCredentials() else {
            throw AWSError(kind: .credentials, code: "CredentialsNotFound", message: "no keys in \(sourceName)")
        }
        return credentials
    }
}
