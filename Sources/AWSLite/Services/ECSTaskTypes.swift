import Foundation

// Typed values for the ECS task operations the verifier uses (run, describe, list,
// stop). Property names are the json 1.1 wire names (botocore `ecs` model); nil
// members are left out of requests.

public struct ECSAwsVpcConfiguration: Codable, Sendable, Equatable {
    public var subnets: [String]
    public var securityGroups: [String]?
    /// `ENABLED` or `DISABLED`.
    public var assignPublicIp: String?
    public init(subnets: [String], securityGroups: [String]? = nil, assignPublicIp: String? = "DISABLED") {
        self.subnets = subnets; self.securityGroups = securityGroups; self.assignPublicIp = assignPublicIp
    }
}

public struct ECSNetworkConfiguration: Codable, Sendable, Equatable {
    public var awsvpcConfiguration: ECSAwsVpcConfiguration?
    public init(awsvpcConfiguration: ECSAwsVpcConfiguration) { self.awsvpcConfiguration = awsvpcConfiguration }
}

public struct ECSContainerOverride: Codable, Sendable, Equatable {
    public var name: String?
    public var command: [String]?
    public var environment: [ECSKeyValuePair]?
    public var cpu: Int?
    public var memory: Int?
    public init(name: String, command: [String]? = nil, environment: [ECSKeyValuePair]? = nil, cpu: Int? = nil, memory: Int? = nil) {
        self.name = name; self.command = command; self.environment = environment; self.cpu = cpu; self.memory = memory
    }
}

public struct ECSTaskOverride: Codable, Sendable, Equatable {
    public var containerOverrides: [ECSContainerOverride]?
    public var cpu: String?
    public var memory: String?
    public var taskRoleArn: String?
    public var executionRoleArn: String?
    public init(containerOverrides: [ECSContainerOverride]? = nil, cpu: String? = nil, memory: String? = nil, taskRoleArn: String? = nil, executionRoleArn: String? = nil) {
        self.containerOverrides = containerOverrides; self.cpu = cpu; self.memory = memory; self.taskRoleArn = taskRoleArn; self.executionRoleArn = executionRoleArn
    }
}

public struct ECSRunTaskRequest: Codable, Sendable, Equatable {
    public var taskDefinition: String
    public var cluster: String?
    public var count: Int?
    /// `FARGATE`.
    public var launchType: String?
    public var platformVersion: String?
    public var networkConfiguration: ECSNetworkConfiguration?
    public var overrides: ECSTaskOverride?
    /// Up to 128 of `[A-Za-z0-9-/_]`; filterable in ListTasks.
    public var startedBy: String?
    public var group: String?
    /// Idempotency token: up to 64 ASCII characters 33–126. With it, RunTask is retried safely.
    public var clientToken: String?
    public var tags: [ECSTag]?
    /// `TASK_DEFINITION` or `SERVICE`.
    public var propagateTags: String?
    public var enableECSManagedTags: Bool?

    public init(
        taskDefinition: String, cluster: String? = nil, count: Int? = 1, launchType: String? = "FARGATE", platformVersion: String? = nil,
        networkConfiguration: ECSNetworkConfiguration? = nil, overrides: ECSTaskOverride? = nil, startedBy: String? = nil, group: String? = nil,
        clientToken: String? = nil, tags: [ECSTag]? = nil, propagateTags: String? = nil, enableECSManagedTags: Bool? = nil
    ) {
        self.taskDefinition = taskDefinition; self.cluster = cluster; self.count = count; self.launchType = launchType
        self.platformVersion = platformVersion; self.networkConfiguration = networkConfiguration; self.overrides = overrides
        self.startedBy = startedBy; self.group = group; self.clientToken = clientToken; self.tags = tags
        self.propagateTags = propagateTags; self.enableECSManagedTags = enableECSManagedTags
    }
}

public struct ECSContainer: Codable, Sendable, Equatable {
    public var containerArn: String?
    public var name: String?
    public var lastStatus: String?
    public var exitCode: Int?
    public var reason: String?
}

public struct ECSTask: Codable, Sendable, Equatable {
    public var taskArn: String?
    public var clusterArn: String?
    public var taskDefinitionArn: String?
    public var lastStatus: String?
    public var desiredStatus: String?
    public var group: String?
    public var startedBy: String?
    public var stopCode: String?
    public var stoppedReason: String?
    public var containers: [ECSContainer]?
    public var overrides: ECSTaskOverride?
    public var launchType: String?
    public var createdAt: Date?
    public var startedAt: Date?
    public var stoppingAt: Date?
    public var stoppedAt: Date?
    public var version: Int?
}

public struct ECSFailure: Codable, Sendable, Equatable {
    public var arn: String?
    public var reason: String?
    public var detail: String?
}

/// Tasks plus per-task failures (RunTask, DescribeTasks).
public struct ECSTasksResult: Codable, Sendable, Equatable {
    public var tasks: [ECSTask]
    public var failures: [ECSFailure]

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tasks = try c.decodeIfPresent([ECSTask].self, forKey: .tasks) ?? []
        failures = try c.decodeIfPresent([ECSFailure].self, forKey: .failures) ?? []
    }
}

/// One ListTasks page.
public struct ECSListTasksPage: Codable, Sendable, Equatable {
    public var taskArns: [String]
    public var nextToken: String?

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        taskArns = try c.decodeIfPresent([String].self, forKey: .taskArns) ?? []
        nextToken = try c.decodeIfPresent(String.self, forKey: .nextToken)
    }
}
