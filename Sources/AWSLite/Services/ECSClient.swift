/// Amazon ECS (json 1.1, `X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Op>`).
public struct ECSClient: Sendable {
    static let targetPrefix = "AmazonEC2ContainerServiceV20141113"
    let executor: RequestExecutor

    public init(configuration: AWSClientConfiguration) throws {
        executor = try RequestExecutor(service: .ecs, configuration: configuration)
    }

    private struct TaskDefinitionBox: Decodable { var taskDefinition: ECSTaskDefinition }

    /// RegisterTaskDefinition: returns the new revision (`taskDefinitionArn` is `…:family:revision`).
    /// Not idempotent (each call makes a revision), so only retried when throttled or never sent.
    public func registerTaskDefinition(_ request: ECSRegisterTaskDefinitionRequest) async throws -> ECSTaskDefinition {
        try await executor.callJSON(
            targetPrefix: Self.targetPrefix, operation: "RegisterTaskDefinition", input: request, idempotent: false, as: TaskDefinitionBox.self
        ).taskDefinition
    }

    /// DeregisterTaskDefinition (`family:revision` or ARN): the revision becomes INACTIVE.
    public func deregisterTaskDefinition(_ taskDefinition: String) async throws -> ECSTaskDefinition {
        try await executor.callJSON(
            targetPrefix: Self.targetPrefix, operation: "DeregisterTaskDefinition", input: ["taskDefinition": taskDefinition], idempotent: true,
            as: TaskDefinitionBox.self
        ).taskDefinition
    }

    /// DescribeTaskDefinition (`family`, `family:revision` or ARN).
    public func describeTaskDefinition(_ taskDefinition: String) async throws -> ECSTaskDefinition {
        try await executor.callJSON(
            targetPrefix: Self.targetPrefix, operation: "DescribeTaskDefinition", input: ["taskDefinition": taskDefinition], idempotent: true,
            as: TaskDefinitionBox.self
        ).taskDefinition
    }

    /// DescribeTaskDefinition's response body exactly as ECS sent it (`{"taskDefinition":{…}}`),
    /// for callers that must carry every member over, including ones this library does not model.
    public func describeTaskDefinitionJSON(_ taskDefinition: String) async throws -> [UInt8] {
        try await executor.callJSONRaw(
            targetPrefix: Self.targetPrefix, operation: "DescribeTaskDefinition",
            body: try JSONCoding.encode(["taskDefinition": taskDefinition]), idempotent: true)
    }

    /// RegisterTaskDefinition with a request body built by the caller (a JSON object of the
    /// operation's members). Not idempotent, like `registerTaskDefinition`.
    public func registerTaskDefinitionJSON(_ body: [UInt8]) async throws -> ECSTaskDefinition {
        let response = try await executor.callJSONRaw(
            targetPrefix: Self.targetPrefix, operation: "RegisterTaskDefinition", body: body, idempotent: false)
        return try JSONCoding.decode(TaskDefinitionBox.self, from: response, service: executor.service, operation: "RegisterTaskDefinition").taskDefinition
    }

    /// DeleteTaskDefinitions for up to 10 INACTIVE revisions (ARNs or `family:revision`);
    /// per-revision refusals come back in `failures`.
    public func deleteTaskDefinitions(_ taskDefinitions: [String]) async throws -> ECSDeleteTaskDefinitionsResult {
        try await executor.callJSON(
            targetPrefix: Self.targetPrefix, operation: "DeleteTaskDefinitions", input: ["taskDefinitions": taskDefinitions], idempotent: true)
    }

    private struct DescribeTaskDefinitionInput: Encodable { var taskDefinition: String; var include: [String]? }
    private struct TaggedTaskDefinitionBox: Decodable { var taskDefinition: ECSTaskDefinition; var tags: [ECSTag]? }

    /// DescribeTaskDefinition with `include: ["TAGS"]`: the revision and its tags (empty when it has none).
    public func describeTaskDefinitionWithTags(_ taskDefinition: String) async throws -> (taskDefinition: ECSTaskDefinition, tags: [ECSTag]) {
        let box = try await executor.callJSON(
            targetPrefix: Self.targetPrefix, operation: "DescribeTaskDefinition",
            input: DescribeTaskDefinitionInput(taskDefinition: taskDefinition, include: ["TAGS"]), idempotent: true,
            as: TaggedTaskDefinitionBox.self)
        return (box.taskDefinition, box.tags ?? [])
    }

    private struct ListTaskDefinitionsInput: Encodable {
        var familyPrefix: String?; var status: String?; var sort: String?; var nextToken: String?; var maxResults: Int?
    }

    /// One ListTaskDefinitions page. `familyPrefix` is documented as the full family name
    /// (callers that need an exact family should still check each ARN's family); `status` is `ACTIVE` (the default), `INACTIVE` or `DELETE_IN_PROGRESS`; `sort` is
    /// `ASC` (the default) or `DESC` by family then revision.
    public func listTaskDefinitions(
        familyPrefix: String? = nil, status: String? = nil, sort: String? = nil, nextToken: String? = nil, maxResults: Int? = nil
    ) async throws -> ECSListTaskDefinitionsPage {
        try await executor.callJSON(
            targetPrefix: Self.targetPrefix, operation: "ListTaskDefinitions",
            input: ListTaskDefinitionsInput(familyPrefix: familyPrefix, status: status, sort: sort, nextToken: nextToken, maxResults: maxResults),
            idempotent: true)
    }

    /// Every task-definition ARN matching the filters, following `nextToken`.
    public func listAllTaskDefinitions(familyPrefix: String? = nil, status: String? = nil, sort: String? = nil) async throws -> [String] {
        var arns: [String] = []
        var token: String?
        repeat {
            let page = try await listTaskDefinitions(familyPrefix: familyPrefix, status: status, sort: sort, nextToken: token)
            arns += page.taskDefinitionArns
            token = page.nextToken
        } while token != nil
        return arns
    }

    /// RunTask. With a `clientToken` it is retried like an idempotent call;
    /// without one only when throttled or never sent. Check `failures`.
    public func runTask(_ request: ECSRunTaskRequest) async throws -> ECSTasksResult {
        try await executor.callJSON(
            targetPrefix: Self.targetPrefix, operation: "RunTask", input: request, idempotent: request.clientToken != nil)
    }

    private struct DescribeTasksInput: Encodable { var cluster: String?; var tasks: [String] }

    /// DescribeTasks for up to 100 task ARNs or ids.
    public func describeTasks(cluster: String?, tasks: [String]) async throws -> ECSTasksResult {
        try await executor.callJSON(
            targetPrefix: Self.targetPrefix, operation: "DescribeTasks", input: DescribeTasksInput(cluster: cluster, tasks: tasks), idempotent: true)
    }

    private struct StopTaskInput: Encodable { var cluster: String?; var task: String; var reason: String? }
    private struct TaskBox: Decodable { var task: ECSTask? }

    /// StopTask; `reason` (≤ 255 characters) shows up as `stoppedReason`.
    public func stopTask(cluster: String?, task: String, reason: String? = nil) async throws -> ECSTask? {
        try await executor.callJSON(
            targetPrefix: Self.targetPrefix, operation: "StopTask", input: StopTaskInput(cluster: cluster, task: task, reason: reason), idempotent: true,
            as: TaskBox.self
        ).task
    }

    private struct ListTasksInput: Encodable {
        var cluster: String?; var family: String?; var startedBy: String?; var desiredStatus: String?; var nextToken: String?; var maxResults: Int?
    }

    /// One ListTasks page. `desiredStatus` is `RUNNING` (the default), `PENDING` or `STOPPED`.
    public func listTasks(
        cluster: String?, family: String? = nil, startedBy: String? = nil, desiredStatus: String? = nil, nextToken: String? = nil, maxResults: Int? = nil
    ) async throws -> ECSListTasksPage {
        try await executor.callJSON(
            targetPrefix: Self.targetPrefix, operation: "ListTasks",
            input: ListTasksInput(cluster: cluster, family: family, startedBy: startedBy, desiredStatus: desiredStatus, nextToken: nextToken, maxResults: maxResults),
            idempotent: true)
    }

    /// Every task ARN matching the filters, following `nextToken`.
    public func listAllTasks(cluster: String?, family: String? = nil, startedBy: String? = nil, desiredStatus: String? = nil) async throws -> [String] {
        var arns: [String] = []
        var token: String?
        repeat {
            let page = try await listTasks(cluster: cluster, family: family, startedBy: startedBy, desiredStatus: desiredStatus, nextToken: token)
            arns += page.taskArns
            token = page.nextToken
        } while token != nil
        return arns
    }
}
