import AWSLite
import Foundation

/// `BackupService` over AWSLite's AWS Backup client.
public struct AWSBackupService: BackupService {
    public var client: BackupClient

    public init(client: BackupClient) {
        self.client = client
    }

    public func describeBackupJob(id: String) async throws -> BackupJobInfo {
        let job = try await client.describeBackupJob(id)
        return BackupJobInfo(
            backupJobId: job.backupJobId ?? id, state: job.state ?? "UNKNOWN", recoveryPointArn: job.recoveryPointArn,
            backupVaultName: job.backupVaultName, resourceArn: job.resourceArn, creationDate: job.creationDate,
            completionDate: job.completionDate)
    }

    /// Nil when AWS Backup answered without a `RestoreJobId` (it may do so for a repeat of
    /// an idempotency token).
    public func startRestoreJob(_ request: RestoreRequest) async throws -> String? {
        do {
            return try await client.startRestoreJob(BackupStartRestoreJobRequest(
                recoveryPointArn: request.recoveryPointArn, metadata: request.metadata, iamRoleArn: request.iamRoleArn,
                idempotencyToken: request.idempotencyToken, resourceType: "EFS", copySourceTagsToRestoredResource: false))
        } catch let error as AWSError where error.kind == .invalidResponse && error.message == "no RestoreJobId in response" {
            return nil
        }
    }

    /// The plan's name is the ARN's last part without the `-<id>` suffix AWS appends
    /// (plan names are letters, digits and underscores).
    public func validationWindowHours(restoreTestingPlanArn: String) async throws -> Int? {
        guard let last = restoreTestingPlanArn.split(separator: ":").last, let dash = last.lastIndex(of: "-") else { return nil }
        let name = String(last[..<dash])
        guard !name.isEmpty else { return nil }
        return try await client.listAllRestoreTestingSelections(planName: name)
            .filter { $0.protectedResourceType == "EFS" }
            .compactMap(\.validationWindowHours).filter { $0 > 0 }.min()
    }

    public func listRestoreJobs(createdAfter: Date) async throws -> [RestoreJobInfo] {
        try await client.listAllRestoreJobs(createdAfter: createdAfter, resourceType: "EFS").compactMap { job in
            guard let id = job.restoreJobId else { return nil }
            return RestoreJobInfo(
                restoreJobId: id, status: job.status ?? "UNKNOWN", statusMessage: job.statusMessage,
                createdResourceArn: job.createdResourceArn, creationDate: job.creationDate, completionDate: job.completionDate,
                restoreTestingPlanArn: job.createdBy?.restoreTestingPlanArn, recoveryPointArn: job.recoveryPointArn,
                recoveryPointCreationDate: job.recoveryPointCreationDate, backupVaultName: Self.vaultName(fromArn: job.backupVaultArn))
        }
    }

    public func describeRestoreJob(id: String) async throws -> RestoreJobInfo {
        let job = try await client.describeRestoreJob(id)
        return RestoreJobInfo(
            restoreJobId: job.restoreJobId ?? id, status: job.status ?? "UNKNOWN", statusMessage: job.statusMessage,
            createdResourceArn: job.createdResourceArn, creationDate: job.creationDate, completionDate: job.completionDate,
            restoreTestingPlanArn: job.createdBy?.restoreTestingPlanArn, recoveryPointArn: job.recoveryPointArn,
            recoveryPointCreationDate: job.recoveryPointCreationDate, backupVaultName: Self.vaultName(fromArn: job.backupVaultArn))
    }

    public func putRestoreValidationResult(restoreJobId: String, status: ValidationStatus, message: String) async throws {
        let mapped: BackupValidationStatus
        switch status {
        case .successful: mapped = .successful
        case .failed: mapped = .failed
        case .timedOut: mapped = .timedOut
        }
        try await client.putRestoreValidationResult(restoreJobId: restoreJobId, status: mapped, message: message)
    }

    public func listRecoveryPoints(resourceArn: String) async throws -> [RecoveryPointInfo] {
        try await client.listAllRecoveryPointsByResource(resourceArn: resourceArn).compactMap { point in
            guard let arn = point.recoveryPointArn else { return nil }
            return RecoveryPointInfo(recoveryPointArn: arn, backupVaultName: point.backupVaultName ?? "",
                                     creationDate: point.creationDate, completionDate: nil, status: point.status ?? "UNKNOWN")
        }
    }

    public func describeRecoveryPoint(vaultName: String, recoveryPointArn: String) async throws -> RecoveryPointInfo {
        let point = try await client.describeRecoveryPoint(vaultName: vaultName, recoveryPointArn: recoveryPointArn)
        return RecoveryPointInfo(recoveryPointArn: point.recoveryPointArn ?? recoveryPointArn, backupVaultName: point.backupVaultName ?? vaultName,
                                 creationDate: point.creationDate, completionDate: point.completionDate, status: point.status ?? "UNKNOWN")
    }

    /// `arn:aws:backup:<region>:<account>:backup-vault:<name>` → `<name>`; nil for anything else.
    static func vaultName(fromArn arn: String?) -> String? {
        guard let arn else { return nil }
        let parts = arn.split(separator: ":", maxSplits: 6, omittingEmptySubsequences: false)
        guard parts.count == 7, parts[0] == "arn", parts[2] == "backup", parts[5] == "backup-vault", !parts[6].isEmpty else { return nil }
        return String(parts[6])
    }
}
