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
        let clock = SystemClock()
        return Services(
            store: S3RunStore(s3: s3, bucket: config.bucket),
            notifier: SNSNotifier(sns: try SNSClient(configuration: aws), topicArn: config.topicArn),
            backup: AWSBackupService(client: try BackupClient(configuration: aws)),
            tasks: ECSTaskLauncher(client: try ECSClient(configuration: aws), workerContainer: config.workerContainer),
            fileSystems: EFSFileSystemService(client: try EFSClient(configuration: aws)),
            manifests: S3ManifestCatalog(s3: s3, bucket: config.bucket),
            differ: S3ManifestDiffer(s3: s3, bucket: config.bucket, clock: clock),
            metrics: SinkMetricsEmitter(sink: StandardOutputSink()),
            clock: clock,
            pages: S3ReportPageStore(s3: s3, bucket: config.bucket))
    }
}
