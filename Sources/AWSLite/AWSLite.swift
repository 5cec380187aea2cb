/// AWSLite: a thin AWS layer (SigV4, credentials, transport, S3, SNS, ECS, EFS, Backup).
public enum AWSLite {
    public static let version = "0.1.0"
}
