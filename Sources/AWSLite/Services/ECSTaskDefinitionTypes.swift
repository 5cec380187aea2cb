import Foundation

// Typed values for the ECS task-definition operations the verifier uses (register,
// describe, list, deregister, delete). Property names are the json 1.1 wire names
// (botocore `ecs` model); nil members are left out of requests.

public struct ECSKeyValuePair: Codable, Sendable, Equatable {
    public var name: String?
    public var value: String?
    public init(name: String, value: String) { self.name = name; self.value = value }
}

public struct ECSTag: Codable, Sendable, Equatable {
    public var key: String?
    public var value: String?
    public init(key: String, value: String) { self.key = key; self.value = value }
}

public struct ECSMountPoint: Codable, Sendable, Equatable {
    public var sourceVolume: String?
    public var containerPath: String?
    public var readOnly: Bool?
    public init(sourceVolume: String, containerPath: String, readOnly: Bool) {
        self.sourceVolume = sourceVolume; self.containerPath = containerPath; self.readOnly = readOnly
    }
}

public struct ECSLogConfiguration: Codable, Sendable, Equatable {
    public var logDriver: String
    public var options: [String: String]?
    public init(logDriver: String, options: [String: String]? = nil) { self.logDriver = logDriver; self.options = options }
}

public struct ECSContainerDefinition: Codable, Sendable, Equatable {
    public var name: String?
    public var image: String?
    public var essential: Bool?
    public var command: [String]?
    public var entryPoint: [String]?
    public var environment: [ECSKeyValuePair]?
    public var mountPoints: [ECSMountPoint]?
    public var cpu: Int?
    public var memory: Int?
    public var user: String?
    public var readonlyRootFilesystem: Bool?
    public var logConfiguration: ECSLogConfiguration?

    public init(
        name: String, image: String, essential: Bool? = true, command: [String]? = nil, entryPoint: [String]? = nil,
        environment: [ECSKeyValuePair]? = nil, mountPoints: [ECSMountPoint]? = nil, cpu: Int? = nil, memory: Int? = nil,
        user: String? = nil, readonlyRootFilesystem: Bool? = nil, logConfiguration: ECSLogConfiguration? = nil
    ) {
        self.name = name; self.image = image; self.essential = essential; self.command = command; self.entryPoint = entryPoint
        self.environment = environment; self.mountPoints = mountPoints; self.cpu = cpu; self.memory = memory
        self.user = user; self.readonlyRootFilesystem = readonlyRootFilesystem; self.logConfiguration = logConfiguration
    }
}

/// `authorizationConfig`: an access point and/or IAM authorisation (both need transit encryption).
public struct ECSEFSAuthorizationConfig: Codable, Sendable, Equatable {
    public var accessPointId: String?
    /// `ENABLED` or `DISABLED`.
    public var iam: String?
    public init(accessPointId: String? = nil, iam: String? = nil) { self.accessPointId = accessPointId; self.iam = iam }
}

public struct ECSEFSVolumeConfiguration: Codable, Sendable, Equatable {
    public var fileSystemId: String
    /// Omit (or `/`) when an access point is used.
    public var rootDirectory: String?
    /// `ENABLED` or `DISABLED`; must be `ENABLED` with an access point or IAM.
    public var transitEncryption: String?
    public var transitEncryptionPort: Int?
    public var authorizationConfig: ECSEFSAuthorizationConfig?

    public init(fileSystemId: String, rootDirectory: String? = nil, transitEncryption: String? = "ENABLED", transitEncryptionPort: Int? = nil, authorizationConfig: ECSEFSAuthorizationConfig? = nil) {
        self.fileSystemId = fileSystemId; self.rootDirectory = rootDirectory; self.transitEncryption = transitEncryption
        self.transitEncryptionPort = transitEncryptionPort; self.authorizationConfig = authorizationConfig
    }
}

public struct ECSVolume: Codable, Sendable, Equatable {
    public var name: String?
    public var efsVolumeConfiguration: ECSEFSVolumeConfiguration?
    public init(name: String, efsVolumeConfiguration: ECSEFSVolumeConfiguration? = nil) { self.name = name; self.efsVolumeConfiguration = efsVolumeConfiguration }
}

public struct ECSRegisterTaskDefinitionRequest: Codable, Sendable, Equatable {
    public var family: String
    public var containerDefinitions: [ECSContainerDefinition]
    public var taskRoleArn: String?
    public var executionRoleArn: String?
    /// `awsvpc` for Fargate.
    public var networkMode: String?
    public var volumes: [ECSVolume]?
    /// `["FARGATE"]`.
    public var requiresCompatibilities: [String]?
    /// Task-level CPU units and MiB as strings (e.g. "1024", "2048").
    public var cpu: String?
    public var memory: String?
    public var tags: [ECSTag]?

    public init(
        family: String, containerDefinitions: [ECSContainerDefinition], taskRoleArn: String? = nil, executionRoleArn: String? = nil,
        networkMode: String? = "awsvpc", volumes: [ECSVolume]? = nil, requiresCompatibilities: [String]? = ["FARGATE"],
        cpu: String? = nil, memory: String? = nil, tags: [ECSTag]? = nil
    ) {
        self.family = family; self.containerDefinitions = containerDefinitions; self.taskRoleArn = taskRoleArn
        self.executionRoleArn = executionRoleArn; self.networkMode = networkMode; self.volumes = volumes
        self.requiresCompatibilities = requiresCompatibilities; self.cpu = cpu; self.memory = memory; self.tags = tags
    }
}

public struct ECSTaskDefinition: Codable, Sendable, Equatable {
    public var taskDefinitionArn: String?
    public var family: String?
    public var revision: Int?
    public var status: String?
    public var containerDefinitions: [ECSContainerDefinition]?
    public var volumes: [ECSVolume]?
    public var networkMode: String?
    public var requiresCompatibilities: [String]?
    public var cpu: String?
    public var memory: String?
    public var taskRoleArn: String?
    public var executionRoleArn: String?
    public var registeredAt: Date?
    public var deregisteredAt: Date?
}

/// DeleteTaskDefinitions: the revisions now DELETE_IN_PROGRESS, and the refusals.
public struct ECSDeleteTaskDefinitionsResult: Codable, Sendable, Equatable {
    public var taskDefinitions: [ECSTaskDefinition]
    public var failures: [ECSFailure]

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        taskDefinitions = try c.decodeIfPresent([ECSTaskDefinition].self, forKey: .taskDefinitions) ?? []
        failures = try c.decodeIfPresent([ECSFailure].self, forKey: .failures) ?? []
    }
}

/// One ListTaskDefinitions page.
public struct ECSListTaskDefinitionsPage: Codable, Sendable, Equatable {
    public var taskDefinitionArns: [String]
    public var nextToken: String?

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        taskDefinitionArns = try c.decodeIfPresent([String].self, forKey: .taskDefinitionArns) ?? []
        nextToken = try c.decodeIfPresent(String.self, forKey: .nextToken)
    }
}
