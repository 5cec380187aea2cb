import AWSLite
import Foundation

/// The production services: AWSLite clients (S3, SNS, ECS, EFS, Backup) and ManifestKit's
/// diff behind the OrchestratorKit protocols.
public enum ProductionServices {
    /// Builds the services for `config`: region from `AWS_REGION` / `AWS_DEFAULT_REGION` (or
    /// the profile), credentials from the standard chain, endpoints from
    /// `AWS_ENDPOINT_URL[_<SERVICE>]`.
    /// - Throws: `AWSError` `.configuration` when there is no region or an endpoint is invalid.
    public static func make(config: OrchestratorConfig, environment: [String: String]) async throws -> Services {
        let aws = try AWSClientConfiguration.fromEnvironment(environment)
        let s3 = try S3Client(configuration: aws)
        return Services(
            store: S3RunStore(s3: s3, bucket: config.bucket),
            notifier: SNSNotifier(sns: try SNSClient(configuration: aws), topicArn: config.topicArn),
            backup: AWSBackupService(client: try BackupClient(configuration: aws)),
            tasks: ECSTaskLauncher(client: try ECSClient(configuration: aws)),
            fileSystems: EFSFileSystemService(client: try EFSClient(configuration: aws)),
            manifests: PendingManifests(),
            differ: PendingManifests(),
            metrics: SinkMetricsEmitter(sink: StandardOutputSink()),
            clock: SystemClock())
    }
}

/// Stand-in until ManifestKit's reader lands: every call fails with a clear error.
struct PendingManifests: ManifestCatalog, ManifestDiffer {
    func newestValidManifest(prefix: String, before: Date) async throws -> ManifestRef? {
        throw OrchestratorError(.service, "manifest reading not wired yet (ManifestKit reader pending)")
    }
    func exists(key: String) async throws -> Bool {
        throw OrchestratorError(.service, "manifest reading not wired yet (ManifestKit reader pending)")
    }
    func diffAndReport(_ request: DiffRequest) async throws -> ReportSummary {
        throw OrchestratorError(.service, "manifest reading not wired yet (ManifestKit reader pending)")
    }
}
