import Foundation

/// AWS Backup (rest-json, signing name `backup`). URI labels such as ARNs are
/// percent-encoded whole (`:` and `/` included).
public struct BackupClient: Sendable {
    let executor: RequestExecutor

    public init(configuration: AWSClientConfiguration) throws {
        executor = try RequestExecutor(service: .backup, configuration: configuration)
    }

    /// DescribeBackupJob (`GET /backup-jobs/{backupJobId}`).
    public func describeBackupJob(_ backupJobId: String) async throws -> BackupJob {
        try await executor.callREST(operation: "DescribeBackupJob", method: "GET", path: "/backup-jobs/" + PercentEncoding.label(backupJobId), idempotent: true)
    }

    private struct StartRestoreJobOutput: Decodable { var RestoreJobId: String? }

    /// StartRestoreJob (`PUT /restore-jobs`); returns the restore job id. With an
    /// `idempotencyToken` it is retried like an idempotent call.
    public func startRestoreJob(_ request: BackupStartRestoreJobRequest) async throws -> String {
        let out = try await executor.callREST(
            operation: "StartRestoreJob", method: "PUT", path: "/restore-jobs", body: try JSONCoding.encode(request),
            idempotent: request.idempotencyToken != nil, as: StartRestoreJobOutput.self)
        guard let id = out.RestoreJobId, !id.isEmpty else {
            throw AWSError(kind: .invalidResponse, service: "backup", operation: "StartRestoreJob", message: "no RestoreJobId in response")
        }
        return id
    }

    /// DescribeRestoreJob (`GET /restore-jobs/{restoreJobId}`).
    public func describeRestoreJob(_ restoreJobId: String) async throws -> BackupRestoreJob {
        try await executor.callREST(operation: "DescribeRestoreJob", method: "GET", path: "/restore-jobs/" + PercentEncoding.label(restoreJobId), idempotent: true)
    }

    private struct RestoreJobsOutput: Decodable {
        var RestoreJobs: [BackupRestoreJob]?
        var NextToken: String?
    }

    /// Every restore job created after `createdAfter` (ListRestoreJobs
    /// `GET /restore-jobs/?createdAfter=…&resourceType=…`, following `nextToken`).
    public func listAllRestoreJobs(createdAfter: Date, resourceType: String? = nil) async throws -> [BackupRestoreJob] {
        var all: [BackupRestoreJob] = []
        var token: String?
        repeat {
            let query: [(String, String?)] = [("createdAfter", Timestamps.rfc3339(createdAfter)), ("nextToken", token),
                                              ("resourceType", resourceType)].filter { $0.1 != nil }
            let out = try await executor.callREST(
                operation: "ListRestoreJobs", method: "GET", path: "/restore-jobs/", query: query, idempotent: true, as: RestoreJobsOutput.self)
            all += out.RestoreJobs ?? []
            token = out.NextToken
        } while token != nil
        return all
    }

    private struct SelectionsOutput: Decodable {
        var RestoreTestingSelections: [BackupRestoreTestingSelection]?
        var NextToken: String?
    }

    /// Every selection of a restore testing plan (ListRestoreTestingSelections
    /// `GET /restore-testing/plans/{RestoreTestingPlanName}/selections`, following `NextToken`).
    public func listAllRestoreTestingSelections(planName: String) async throws -> [BackupRestoreTestingSelection] {
        var all: [BackupRestoreTestingSelection] = []
        var token: String?
        repeat {
            let query: [(String, String?)] = [("NextToken", token)].filter { $0.1 != nil }
            let out = try await executor.callREST(
                operation: "ListRestoreTestingSelections", method: "GET",
                path: "/restore-testing/plans/" + PercentEncoding.label(planName) + "/selections", query: query,
                idempotent: true, as: SelectionsOutput.self)
            all += out.RestoreTestingSelections ?? []
            token = out.NextToken
        } while token != nil
        return all
    }

    private struct RecoveryPointsOutput: Decodable {
        var RecoveryPoints: [BackupRecoveryPoint]?
        var NextToken: String?
    }

    /// One ListRecoveryPointsByResource page (`GET /resources/{resourceArn}/recovery-points/`).
    public func listRecoveryPointsByResource(resourceArn: String, nextToken: String? = nil, maxResults: Int? = nil) async throws -> BackupRecoveryPointsPage {
        let query: [(String, String?)] = [("maxResults", maxResults.map(String.init)), ("nextToken", nextToken)].filter { $0.1 != nil }
        let out = try await executor.callREST(
            operation: "ListRecoveryPointsByResource", method: "GET", path: "/resources/" + PercentEncoding.label(resourceArn) + "/recovery-points/",
            query: query, idempotent: true, as: RecoveryPointsOutput.self)
        return BackupRecoveryPointsPage(recoveryPoints: out.RecoveryPoints ?? [], nextToken: out.NextToken)
    }

    /// Every recovery point of `resourceArn`, following `NextToken`.
    public func listAllRecoveryPointsByResource(resourceArn: String) async throws -> [BackupRecoveryPoint] {
        var all: [BackupRecoveryPoint] = []
        var token: String?
        repeat {
            let page = try await listRecoveryPointsByResource(resourceArn: resourceArn, nextToken: token)
            all += page.recoveryPoints
            token = page.nextToken
        } while token != nil
        return all
    }

    /// GetRecoveryPointRestoreMetadata
    /// (`GET /backup-vaults/{backupVaultName}/recovery-points/{recoveryPointArn}/restore-metadata`).
    public func getRecoveryPointRestoreMetadata(backupVaultName: String, recoveryPointArn: String) async throws -> BackupRestoreMetadata {
        try await executor.callREST(
            operation: "GetRecoveryPointRestoreMetadata", method: "GET",
            path: "/backup-vaults/" + PercentEncoding.label(backupVaultName) + "/recovery-points/" + PercentEncoding.label(recoveryPointArn) + "/restore-metadata",
            idempotent: true)
    }

    /// DescribeRecoveryPoint (`GET /backup-vaults/{backupVaultName}/recovery-points/{recoveryPointArn}`):
    /// the one call that gives a recovery point's `CompletionDate`.
    public func describeRecoveryPoint(vaultName: String, recoveryPointArn: String) async throws -> BackupRecoveryPointDescription {
        try await executor.callREST(
            operation: "DescribeRecoveryPoint", method: "GET",
            path: "/backup-vaults/" + PercentEncoding.label(vaultName) + "/recovery-points/" + PercentEncoding.label(recoveryPointArn),
            idempotent: true)
    }

    private struct ValidationInput: Encodable {
        var ValidationStatus: BackupValidationStatus
        var ValidationStatusMessage: String?
    }

    /// PutRestoreValidationResult (`PUT /restore-jobs/{restoreJobId}/validations`, 204).
    /// Post one terminal status: a status cannot be changed once set.
    public func putRestoreValidationResult(restoreJobId: String, status: BackupValidationStatus, message: String?) async throws {
        _ = try await executor.callREST(
            operation: "PutRestoreValidationResult", method: "PUT", path: "/restore-jobs/" + PercentEncoding.label(restoreJobId) + "/validations",
            body: try JSONCoding.encode(ValidationInput(ValidationStatus: status, ValidationStatusMessage: message)), idempotent: true, as: EmptyJSON.self)
    }
}
