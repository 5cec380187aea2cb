/// How to reach and sign for one AWS service: the names from botocore's model
/// metadata (`serviceId`, `endpointPrefix`, `signingName`, `protocol`).
public struct AWSService: Sendable, Equatable {
    /// Wire protocols of the five services.
    public enum WireProtocol: String, Sendable {
        case restXML = "rest-xml"
        case query
        case json
        case restJSON = "rest-json"
    }

    /// Short name used in errors and logs (`s3`, `sns`, `ecs`, `efs`, `backup`).
    public let name: String
    /// The `<SERVICE>` in `AWS_ENDPOINT_URL_<SERVICE>`: `serviceId`, spaces → `_`, upper-cased.
    public let endpointEnvironmentName: String
    /// First label of the default host: `<prefix>.<region>.amazonaws.com`.
    public let endpointPrefix: String
    /// The SigV4 credential-scope service name.
    public let signingName: String
    public let wireProtocol: WireProtocol

    public init(name: String, endpointEnvironmentName: String, endpointPrefix: String, signingName: String, wireProtocol: WireProtocol) {
        self.name = name
        self.endpointEnvironmentName = endpointEnvironmentName
        self.endpointPrefix = endpointPrefix
        self.signingName = signingName
        self.wireProtocol = wireProtocol
    }

    public static let s3 = AWSService(name: "s3", endpointEnvironmentName: "S3", endpointPrefix: "s3", signingName: "s3", wireProtocol: .restXML)
    public static let sns = AWSService(name: "sns", endpointEnvironmentName: "SNS", endpointPrefix: "sns", signingName: "sns", wireProtocol: .query)
    public static let ecs = AWSService(name: "ecs", endpointEnvironmentName: "ECS", endpointPrefix: "ecs", signingName: "ecs", wireProtocol: .json)
    public static let efs = AWSService(
        name: "efs", endpointEnvironmentName: "EFS", endpointPrefix: "elasticfilesystem", signingName: "elasticfilesystem", wireProtocol: .restJSON)
    public static let backup = AWSService(name: "backup", endpointEnvironmentName: "BACKUP", endpointPrefix: "backup", signingName: "backup", wireProtocol: .restJSON)
}
