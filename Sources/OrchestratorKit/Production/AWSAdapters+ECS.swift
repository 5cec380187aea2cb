import AWSLite
import Foundation

/// `TaskLauncher` over AWSLite's ECS client.
public struct ECSTaskLauncher: TaskLauncher {
    public var client: ECSClient
    /// The worker container (`EBV_WORKER_CONTAINER`): a task's exit code is this container's,
    /// never another's. Nil only for callers that do not read exit codes.
    public var workerContainer: String?

    public init(client: ECSClient, workerContainer: String? = nil) {
        self.client = client
        self.workerContainer = workerContainer
    }

    /// Copies the latest revision of `baseFamily` into `family` member for member
    /// (`TaskDefinitionCopy`), with the EFS volume `volumeName` replaced by the restored file
    /// system (access point, transit encryption on, the base volume's IAM setting) and
    /// mounted read-only.
    public func registerTaskDefinition(_ request: TaskDefinitionRequest) async throws -> String {
        let described = try await client.describeTaskDefinitionJSON(request.baseFamily)
        let body = try TaskDefinitionCopy.registerRequest(described: described, request: request)
        let registered = try await client.registerTaskDefinitionJSON(body)
        guard let arn = registered.taskDefinitionArn else {
            throw OrchestratorError(.service, "RegisterTaskDefinition returned no ARN")
        }
        return arn
    }

    /// Deregisters a revision; one already INACTIVE (or gone) counts as done.
    public func deregisterTaskDefinition(arn: String) async throws {
        do {
            _ = try await client.deregisterTaskDefinition(arn)
        } catch let error as AWSError where error.isNotFound || Self.isInactiveOrGone(error.message) {
            return
        }
    }

    /// DeleteTaskDefinitions in batches of 10; a revision that is already being deleted or
    /// no longer exists counts as done, any other refusal is an error.
    public func deleteTaskDefinitions(arns: [String]) async throws {
        var start = 0
        while start < arns.count {
            let batch = Array(arns[start..<min(start + 10, arns.count)])
            let result = try await client.deleteTaskDefinitions(batch)
            let refused = result.failures.filter { !Self.isInactiveOrGone($0.reason ?? "") }
            if !refused.isEmpty {
                throw OrchestratorError(.service, "DeleteTaskDefinitions refused: " + refused.map { "\($0.arn ?? "?"): \($0.reason ?? "?")" }.joined(separator: "; "))
            }
            start += 10
        }
    }

    /// ECS's wording for a revision that is INACTIVE, being deleted, or unknown (a racing
    /// invocation may have deleted it already).
    static func isInactiveOrGone(_ message: String) -> Bool {
        let text = message.lowercased()
        return text.contains("inactive") || text.contains("does not exist") || text.contains("delete_in_progress")
            || text.contains("unable to describe task definition")
    }

    public func runTask(_ request: RunTaskRequest) async throws -> String {
        let override = ECSContainerOverride(
            name: request.containerName, command: request.command,
            environment: request.environment.keys.sorted().map { ECSKeyValuePair(name: $0, value: request.environment[$0]!) })
        let result = try await client.runTask(ECSRunTaskRequest(
            taskDefinition: request.taskDefinition, cluster: request.cluster,
            networkConfiguration: ECSNetworkConfiguration(awsvpcConfiguration: ECSAwsVpcConfiguration(
                subnets: request.subnets, securityGroups: request.securityGroups, assignPublicIp: "DISABLED")),
            overrides: ECSTaskOverride(containerOverrides: [override]), startedBy: request.startedBy, group: request.group,
            clientToken: request.clientToken, tags: request.tags.keys.sorted().map { ECSTag(key: $0, value: request.tags[$0]!) }))
        guard let arn = result.tasks.first?.taskArn else {
            let reasons = result.failures.map { "\($0.arn ?? "?"): \($0.reason ?? "?") \($0.detail ?? "")" }
            throw OrchestratorError(.service, "RunTask started no task: \(reasons.joined(separator: "; "))")
        }
        return arn
    }

    public func describeTasks(cluster: String, arns: [String]) async throws -> [TaskInfo] {
        guard !arns.isEmpty else { return [] }
        let result = try await client.describeTasks(cluster: cluster, tasks: arns)
        return result.tasks.compactMap { task in
            guard let arn = task.taskArn else { return nil }
            let containers = task.containers ?? []
            let container = workerContainer.map { name in containers.first { $0.name == name } }
                ?? containers.first { $0.exitCode != nil } ?? containers.first
            var reason = container?.reason
            if container == nil, let name = workerContainer {
                reason = TaskInfo.missingContainerReason(name)
            }
            return TaskInfo(taskArn: arn, lastStatus: task.lastStatus ?? "UNKNOWN", group: task.group, startedBy: task.startedBy,
                            stopCode: task.stopCode, stoppedReason: task.stoppedReason, exitCode: container?.exitCode,
                            containerReason: reason, stoppedAt: task.stoppedAt, version: task.version,
                            startedAt: task.startedAt)
        }
    }

    public func stopTask(cluster: String, arn: String, reason: String) async throws {
        _ = try await client.stopTask(cluster: cluster, task: arn, reason: reason)
    }

    /// ListTaskDefinitions (`familyPrefix`, ACTIVE, DESC), keeping only ARNs of exactly `family`
    /// (so a prefix match can never reach another family, such as the worker's own).
    public func activeTaskDefinitions(family: String) async throws -> [String] {
        try await client.listAllTaskDefinitions(familyPrefix: family, status: "ACTIVE", sort: "DESC")
            .filter { Self.family(ofTaskDefinitionArn: $0) == family }
    }

    public func taskDefinitionTags(arn: String) async throws -> [String: String] {
        let described = try await client.describeTaskDefinitionWithTags(arn)
        var tags: [String: String] = [:]
        for tag in described.tags {
            if let key = tag.key { tags[key] = tag.value ?? "" }
        }
        return tags
    }

    /// ListTasks (`startedBy`, RUNNING and PENDING desired status) then DescribeTasks in batches of 100.
    public func runningTasks(cluster: String, startedBy: String) async throws -> [TaskInfo] {
        var arns: [String] = []
        for desired in ["RUNNING", "PENDING"] {
            for arn in try await client.listAllTasks(cluster: cluster, startedBy: startedBy, desiredStatus: desired) where !arns.contains(arn) {
                arns.append(arn)
            }
        }
        var tasks: [TaskInfo] = []
        var start = 0
        while start < arns.count {
            let batch = Array(arns[start..<min(start + 100, arns.count)])
            tasks += try await describeTasks(cluster: cluster, arns: batch).filter { $0.lastStatus != "STOPPED" }
            start += 100
        }
        return tasks
    }

    /// `family` of `arn:…:task-definition/family:revision`.
    static func family(ofTaskDefinitionArn arn: String) -> String? {
        guard let slash = arn.lastIndex(of: "/") else { return nil }
        let tail = arn[arn.index(after: slash)...]
        guard let colon = tail.lastIndex(of: ":") else { return nil }
        return String(tail[..<colon])
    }
}
