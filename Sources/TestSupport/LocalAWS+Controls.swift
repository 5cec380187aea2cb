import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The harness controls (`/_harness/...` on ``LocalAWS/endpoint``, unsigned, loopback only).
/// Each throws ``LocalAWSError/controlFailed(path:status:body:)`` on a non-200 answer.
extension LocalAWS {
    /// Wipes every moto service and the Backup stand-in; the access key stays the same.
    public func reset() async throws {
        _ = try await control("POST", "/_harness/reset")
    }

    /// Sets the exit code moto reports for a task's containers (only in-process code can),
    /// optionally marking the task STOPPED.
    /// - Returns: `{"taskArn", "lastStatus", "containers": [{"name", "exitCode"}]}`.
    @discardableResult
    public func setTaskExitCode(
        taskArn: String, exitCode: Int, container: String? = nil, stop: Bool = false,
        stoppedReason: String? = nil
    ) async throws -> LocalAWSJSON {
        var body: [String: LocalAWSJSON] = ["taskArn": .string(taskArn), "exitCode": .number(Double(exitCode)), "stop": .bool(stop)]
        if let container { body["container"] = .string(container) }
        if let stoppedReason { body["stoppedReason"] = .string(stoppedReason) }
        return try await control("POST", "/_harness/ecs/task-exit-code", body: .object(body))
    }

    /// Seeds a completed backup job (and its recovery point). `spec` holds DescribeBackupJob
    /// output members, e.g. `["ResourceArn": "...", "BackupVaultName": "prod-vault"]`.
    /// - Returns: the job as DescribeBackupJob will answer it.
    @discardableResult
    public func seedBackupJob(_ spec: [String: LocalAWSJSON]) async throws -> LocalAWSJSON {
        try await control("POST", "/_harness/backup/backup-jobs", body: .object(spec))
    }

    /// Seeds a recovery point (`ResourceArn` required; `RestoreMetadata` optional).
    @discardableResult
    public func seedRecoveryPoint(_ spec: [String: LocalAWSJSON]) async throws -> LocalAWSJSON {
        try await control("POST", "/_harness/backup/recovery-points", body: .object(spec))
    }

    /// Moves a restore job to `status` (`RUNNING`, `COMPLETED`, `FAILED`, `ABORTED`).
    /// `COMPLETED` creates a real EFS file system in moto and sets `CreatedResourceArn` to
    /// it; `restoreTestingPlanArn` sets `CreatedBy.RestoreTestingPlanArn`.
    /// - Returns: the job as DescribeRestoreJob will answer it.
    @discardableResult
    public func setRestoreJobStatus(
        _ restoreJobId: String, status: String, restoreTestingPlanArn: String? = nil,
        fields: [String: LocalAWSJSON] = [:]
    ) async throws -> LocalAWSJSON {
        var body: [String: LocalAWSJSON] = ["status": .string(status), "fields": .object(fields)]
        if let restoreTestingPlanArn { body["restoreTestingPlanArn"] = .string(restoreTestingPlanArn) }
        let id = restoreJobId.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? restoreJobId
        return try await control("POST", "/_harness/backup/restore-jobs/\(id)/status", body: .object(body))
    }

    /// Every restore job, each with `request`: the StartRestoreJob input that created it.
    public func restoreJobs() async throws -> [LocalAWSJSON] {
        try await control("GET", "/_harness/backup/restore-jobs")["restoreJobs"]?.arrayValue ?? []
    }

    /// Every call the Backup stand-in answered: `{"operation", "status", "error", "input"}`.
    public func backupCalls() async throws -> [LocalAWSJSON] {
        try await control("GET", "/_harness/backup/calls")["calls"]?.arrayValue ?? []
    }

    /// Creates an S3 bucket (the project's S3 client has no CreateBucket).
    public func createBucket(_ name: String) async throws {
        _ = try await control("POST", "/_harness/s3/buckets", body: ["name": .string(name)])
    }

    /// Creates an SNS topic; returns its ARN.
    public func createTopic(_ name: String) async throws -> String {
        try await control("POST", "/_harness/sns/topics", body: ["name": .string(name)])["topicArn"]?.stringValue ?? ""
    }

    /// Creates an ECS cluster; returns its ARN.
    public func createCluster(_ name: String) async throws -> String {
        try await control("POST", "/_harness/ecs/clusters", body: ["name": .string(name)])["clusterArn"]?.stringValue ?? ""
    }

    /// Creates an (encrypted) EFS file system; returns its id and ARN.
    public func createFileSystem(
        creationToken: String, tags: [String: String] = [:]
    ) async throws -> (id: String, arn: String) {
        let answer = try await control("POST", "/_harness/efs/file-systems", body: [
            "creationToken": .string(creationToken), "tags": .object(tags.mapValues { .string($0) }),
        ])
        return (answer["fileSystemId"]?.stringValue ?? "", answer["fileSystemArn"]?.stringValue ?? "")
    }

    /// The default VPC's subnets (sorted) and default security group, for mount targets and awsvpc tasks.
    public func defaultNetwork() async throws -> (subnetIds: [String], securityGroupId: String) {
        let answer = try await control("GET", "/_harness/ec2/default-network")
        let subnets = answer["subnetIds"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return (subnets, answer["securityGroupId"]?.stringValue ?? "")
    }

    /// Every SNS message moto accepted: `{"topicArn", "messageId", "message", "subject", "messageAttributes"}`.
    public func publishedMessages() async throws -> [LocalAWSJSON] {
        try await control("GET", "/_harness/sns/published")["messages"]?.arrayValue ?? []
    }

    /// Any control call; returns the JSON answer of a 200.
    public func control(_ method: String, _ path: String, body: LocalAWSJSON? = nil) async throws -> LocalAWSJSON {
        var request = URLRequest(url: URL(string: path, relativeTo: endpoint)!.absoluteURL)
        request.httpMethod = method
        request.timeoutInterval = 30
        if let body {
            request.httpBody = try JSONEncoder().encode(body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let text = String(decoding: data, as: UTF8.self)
        guard status == 200 else {
            throw LocalAWSError.controlFailed(path: path, status: status, body: text)
        }
        do {
            return try JSONDecoder().decode(LocalAWSJSON.self, from: data)
        } catch {
            throw LocalAWSError.badControlAnswer(path: path, body: text)
        }
    }
}
