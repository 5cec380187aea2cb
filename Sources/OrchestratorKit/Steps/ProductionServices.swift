/// The production services: AWSLite clients (S3, SNS, ECS, EFS, Backup) and ManifestKit's
/// diff behind the OrchestratorKit protocols.
public enum ProductionServices {
    /// Builds the services for `config`.
    /// - Throws: `OrchestratorError(.configuration)` until the AWSLite adapters are wired.
    public static func make(config: OrchestratorConfig, environment: [String: String]) async throws -> Services {
        throw OrchestratorError(.configuration, "AWS adapters not wired yet: the AWSLite clients have not landed")
    }
}
