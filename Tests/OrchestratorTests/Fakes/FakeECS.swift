import Foundation
@testable import AWSLite
@testable import OrchestratorKit

actor FakeECS: TaskLauncher {
    var registered: [TaskDefinitionRequest] = []
    var deregistered: [String] = []
    var runRequests: [RunTaskRequest] = []
    var tasksByToken: [String: String] = [:]
    var described: [String: TaskInfo] = [:]
    var stopped: [String] = []
    var calls: [String] = []
    /// Every revision ever registered (by ARN, in order), with its tags; deregistered ones are INACTIVE.
    var revisions: [(arn: String, family: String, tags: [String: String])] = []
    /// Thrown by the next RegisterTaskDefinition *after* the revision is made (a lost answer).
    var failAfterRegistering: OrchestratorError?

    func registerTaskDefinition(_ request: TaskDefinitionRequest) async throws -> String {
        registered.append(request)
        calls.append("register")
        let revision = revisions.filter { $0.family == request.family }.count + 1
        let arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/\(request.family):\(revision)"
        revisions.append((arn, request.family, request.tags))
        if let failure = failAfterRegistering {
            failAfterRegistering = nil
            throw failure
        }
        return arn
    }

    func deregisterTaskDefinition(arn: String) async throws {
        deregistered.append(arn)
        calls.append("deregister")
    }

    var deleted: [String] = []
    func deleteTaskDefinitions(arns: [String]) async throws {
        deleted += arns
        calls.append("delete")
    }

    func activeTaskDefinitions(family: String) async throws -> [String] {
        calls.append("listTaskDefinitions")
        return revisions.filter { $0.family == family && !deregistered.contains($0.arn) }.map(\.arn).reversed()
    }

    func taskDefinitionTags(arn: String) async throws -> [String: String] {
        revisions.first { $0.arn == arn }?.tags ?? [:]
    }

    func runningTasks(cluster: String, startedBy: String) async throws -> [TaskInfo] {
        described.values.filter { $0.startedBy == startedBy && $0.lastStatus != "STOPPED" && !stopped.contains($0.taskArn) }
            .sorted { $0.taskArn < $1.taskArn }
    }

    /// A revision made outside the run (e.g. by hand, or by an old crash).
    func addRevision(family: String, tags: [String: String]) -> String {
        let arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/\(family):\(revisions.filter { $0.family == family }.count + 1)"
        revisions.append((arn, family, tags))
        return arn
    }
    func setFailAfterRegistering(_ error: OrchestratorError?) { failAfterRegistering = error }

    func runTask(_ request: RunTaskRequest) async throws -> String {
        runRequests.append(request)
        if let arn = tasksByToken[request.clientToken] { return arn }
        let role = request.group.split(separator: ":").last.map(String.init) ?? "x"
        let arn = "arn:aws:ecs:us-east-1:123456789012:task/cluster/\(role)-\(tasksByToken.count + 1)"
        tasksByToken[request.clientToken] = arn
        described[arn] = TaskInfo(taskArn: arn, lastStatus: "RUNNING", group: request.group, startedBy: request.startedBy)
        calls.append("run:\(role)")
        return arn
    }

    func describeTasks(cluster: String, arns: [String]) async throws -> [TaskInfo] {
        arns.compactMap { described[$0] }
    }

    func stopTask(cluster: String, arn: String, reason: String) async throws {
        stopped.append(arn)
        calls.append("stop")
    }

    func distinctTasks() -> Int { tasksByToken.count }
    /// Every task started for `role`, in order (one per client token).
    func taskArns(role: TaskRole) -> [String] {
        var seen: [String] = []
        for request in runRequests where request.group.hasSuffix(":" + role.rawValue) {
            if let arn = tasksByToken[request.clientToken], !seen.contains(arn) { seen.append(arn) }
        }
        return seen
    }
    func taskArn(role: TaskRole) -> String? { runRequests.first { $0.group.hasSuffix(":" + role.rawValue) }.flatMap { tasksByToken[$0.clientToken] } }
    func setDescribed(_ info: TaskInfo) { described[info.taskArn] = info }
    func forget(_ arn: String) { described[arn] = nil }
}
