import Foundation

/// What DescribeBackupJob tells us.
public struct BackupJobInfo: Sendable, Equatable {
    public var backupJobId: String
    /// `COMPLETED`, `FAILED`, … (AWS Backup's `State`).
    public var state: String
    public var recoveryPointArn: String?
    public var backupVaultName: String?
    public var resourceArn: String?
    public var creationDate: Date?
    public var completionDate: Date?

    public init(
        backupJobId: String, state: String, recoveryPointArn: String?, backupVaultName: String?,
        resourceArn: String?, creationDate: Date?, completionDate: Date?
    ) {
        self.backupJobId = backupJobId
        self.state = state
        self.recoveryPointArn = recoveryPointArn
        self.backupVaultName = backupVaultName
        self.resourceArn = resourceArn
        self.creationDate = creationDate
        self.completionDate = completionDate
    }
}

/// StartRestoreJob for an EFS recovery point into a new encrypted file system.
public struct RestoreRequest: Sendable, Equatable {
    public var recoveryPointArn: String
    public var iamRoleArn: String
    /// StartRestoreJob `IdempotencyToken`.
    public var idempotencyToken: String
    /// The `Metadata` map: `newFileSystem`, `Encrypted`, `KmsKeyId`, `CreationToken`,
    /// `PerformanceMode`, `file-system-id` (all string values).
    public var metadata: [String: String]

    public init(recoveryPointArn: String, iamRoleArn: String, idempotencyToken: String, metadata: [String: String]) {
        self.recoveryPointArn = recoveryPointArn
        self.iamRoleArn = iamRoleArn
        self.idempotencyToken = idempotencyToken
        self.metadata = metadata
    }
}

/// What DescribeRestoreJob tells us.
public struct RestoreJobInfo: Sendable, Equatable {
    public var restoreJobId: String
    /// `PENDING|RUNNING|COMPLETED|ABORTED|FAILED`.
    public var status: String
    public var statusMessage: String?
    public var createdResourceArn: String?
    public var creationDate: Date?
    public var completionDate: Date?
    /// `CreatedBy.RestoreTestingPlanArn`, when a restore-testing plan started it.
    public var restoreTestingPlanArn: String?
    public var recoveryPointArn: String?
    public var recoveryPointCreationDate: Date?
    /// The recovery point's vault (the last part of `BackupVaultArn`).
    public var backupVaultName: String?

    public init(
        restoreJobId: String, status: String, statusMessage: String? = nil, createdResourceArn: String? = nil,
        creationDate: Date? = nil, completionDate: Date? = nil, restoreTestingPlanArn: String? = nil,
        recoveryPointArn: String? = nil, recoveryPointCreationDate: Date? = nil, backupVaultName: String? = nil
    ) {
        self.backupVaultName = backupVaultName
        self.recoveryPointArn = recoveryPointArn
        self.recoveryPointCreationDate = recoveryPointCreationDate
        self.restoreJobId = restoreJobId
        self.status = status
        self.statusMessage = statusMessage
        self.createdResourceArn = createdResourceArn
        self.creationDate = creationDate
        self.completionDate = completionDate
        self.restoreTestingPlanArn = restoreTestingPlanArn
    }
}

/// One recovery point of a resource (ListRecoveryPointsByResource).
public struct RecoveryPointInfo: Sendable, Equatable {
    public var recoveryPointArn: String
    public var backupVaultName: String
    public var creationDate: Date?
    public var completionDate: Date?
    /// `COMPLETED`, `PARTIAL`, … (AWS Backup's recovery point `Status`).
    public var status: String

    public init(recoveryPointArn: String, backupVaultName: String, creationDate: Date?, completionDate: Date?, status: String) {
        self.recoveryPointArn = recoveryPointArn
        self.backupVaultName = backupVaultName
        self.creationDate = creationDate
        self.completionDate = completionDate
        self.status = status
    }
}

/// The terminal validation statuses we post (one per restore-testing job).
public enum ValidationStatus: String, Sendable, Codable {
    case successful = "SUCCESSFUL"
    case failed = "FAILED"
    case timedOut = "TIMED_OUT"
}

/// AWS Backup (production: AWSLite's Backup client).
public protocol BackupService: Sendable {
    func describeBackupJob(id: String) async throws -> BackupJobInfo
    /// Returns the `RestoreJobId`, or nil when AWS Backup answered without one. Repeating a
    /// request with the same idempotency token starts no second job.
    func startRestoreJob(_ request: RestoreRequest) async throws -> String?
    func describeRestoreJob(id: String) async throws -> RestoreJobInfo
    /// The validation window of a restore testing plan's EFS selections (the shortest, in
    /// hours), or nil when none sets one.
    func validationWindowHours(restoreTestingPlanArn: String) async throws -> Int?
    /// EFS restore jobs created after `createdAfter` (ListRestoreJobs).
    func listRestoreJobs(createdAfter: Date) async throws -> [RestoreJobInfo]
    /// PutRestoreValidationResult (`PUT /restore-jobs/{id}/validations`).
    func putRestoreValidationResult(restoreJobId: String, status: ValidationStatus, message: String) async throws
    /// ListRecoveryPointsByResource for an EFS file system ARN (all pages; no completion dates).
    func listRecoveryPoints(resourceArn: String) async throws -> [RecoveryPointInfo]
    /// DescribeRecoveryPoint: the one call that gives a recovery point's completion date.
    func describeRecoveryPoint(vaultName: String, recoveryPointArn: String) async throws -> RecoveryPointInfo
}
