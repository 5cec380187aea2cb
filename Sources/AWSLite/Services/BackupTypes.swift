import Foundation

// Typed values for the AWS Backup operations the verifier uses (rest-json,
// PascalCase wire names from botocore's `backup` model; timestamps are epoch seconds).

public struct BackupJob: Codable, Sendable, Equatable {
    public var backupJobId: String?
    public var accountId: String?
    public var backupVaultName: String?
    public var backupVaultArn: String?
    public var recoveryPointArn: String?
    public var resourceArn: String?
    public var resourceType: String?
    /// `CREATED|PENDING|RUNNING|ABORTING|ABORTED|COMPLETED|FAILED|EXPIRED|PARTIAL`.
    public var state: String?
    public var statusMessage: String?
    public var percentDone: String?
    public var backupSizeInBytes: Int64?
    public var iamRoleArn: String?
    public var creationDate: Date?
    public var completionDate: Date?

    enum CodingKeys: String, CodingKey {
        case backupJobId = "BackupJobId", accountId = "AccountId", backupVaultName = "BackupVaultName", backupVaultArn = "BackupVaultArn"
        case recoveryPointArn = "RecoveryPointArn", resourceArn = "ResourceArn", resourceType = "ResourceType", state = "State"
        case statusMessage = "StatusMessage", percentDone = "PercentDone", backupSizeInBytes = "BackupSizeInBytes", iamRoleArn = "IamRoleArn"
        case creationDate = "CreationDate", completionDate = "CompletionDate"
    }
}

public struct BackupStartRestoreJobRequest: Codable, Sendable, Equatable {
    public var recoveryPointArn: String
    /// EFS keys: `file-system-id`, `newFileSystem`, `Encrypted`, `KmsKeyId`, `PerformanceMode`, `CreationToken`, `ItemsToRestore`.
    public var metadata: [String: String]
    public var iamRoleArn: String?
    /// With a token StartRestoreJob is retried safely.
    public var idempotencyToken: String?
    /// `EFS`.
    public var resourceType: String?
    public var copySourceTagsToRestoredResource: Bool?

    public init(
        recoveryPointArn: String, metadata: [String: String], iamRoleArn: String? = nil, idempotencyToken: String? = nil, resourceType: String? = "EFS",
        copySourceTagsToRestoredResource: Bool? = nil
    ) {
        self.recoveryPointArn = recoveryPointArn; self.metadata = metadata; self.iamRoleArn = iamRoleArn; self.idempotencyToken = idempotencyToken
        self.resourceType = resourceType; self.copySourceTagsToRestoredResource = copySourceTagsToRestoredResource
    }

    enum CodingKeys: String, CodingKey {
        case recoveryPointArn = "RecoveryPointArn", metadata = "Metadata", iamRoleArn = "IamRoleArn", idempotencyToken = "IdempotencyToken"
        case resourceType = "ResourceType", copySourceTagsToRestoredResource = "CopySourceTagsToRestoredResource"
    }
}

public struct BackupRestoreJobCreator: Codable, Sendable, Equatable {
    public var restoreTestingPlanArn: String?
    enum CodingKeys: String, CodingKey { case restoreTestingPlanArn = "RestoreTestingPlanArn" }
}

public struct BackupRestoreJob: Codable, Sendable, Equatable {
    public var restoreJobId: String?
    public var accountId: String?
    public var recoveryPointArn: String?
    public var sourceResourceArn: String?
    public var backupVaultArn: String?
    public var creationDate: Date?
    public var completionDate: Date?
    /// `PENDING|RUNNING|COMPLETED|ABORTED|FAILED`.
    public var status: String?
    public var statusMessage: String?
    public var percentDone: String?
    public var backupSizeInBytes: Int64?
    public var iamRoleArn: String?
    public var expectedCompletionTimeMinutes: Int64?
    public var createdResourceArn: String?
    public var resourceType: String?
    public var recoveryPointCreationDate: Date?
    public var createdBy: BackupRestoreJobCreator?
    public var validationStatus: String?
    public var validationStatusMessage: String?
    public var deletionStatus: String?
    public var deletionStatusMessage: String?

    enum CodingKeys: String, CodingKey {
        case restoreJobId = "RestoreJobId", accountId = "AccountId", recoveryPointArn = "RecoveryPointArn", sourceResourceArn = "SourceResourceArn"
        case backupVaultArn = "BackupVaultArn", creationDate = "CreationDate", completionDate = "CompletionDate", status = "Status"
        case statusMessage = "StatusMessage", percentDone = "PercentDone", backupSizeInBytes = "BackupSizeInBytes", iamRoleArn = "IamRoleArn"
        case expectedCompletionTimeMinutes = "ExpectedCompletionTimeMinutes", createdResourceArn = "CreatedResourceArn", resourceType = "ResourceType"
        case recoveryPointCreationDate = "RecoveryPointCreationDate", createdBy = "CreatedBy", validationStatus = "ValidationStatus"
        case validationStatusMessage = "ValidationStatusMessage", deletionStatus = "DeletionStatus", deletionStatusMessage = "DeletionStatusMessage"
    }
}

public struct BackupRecoveryPoint: Codable, Sendable, Equatable {
    public var recoveryPointArn: String?
    public var creationDate: Date?
    /// `COMPLETED|PARTIAL|DELETING|EXPIRED|AVAILABLE|STOPPED|CREATING`.
    public var status: String?
    public var statusMessage: String?
    public var backupSizeBytes: Int64?
    public var backupVaultName: String?
    public var encryptionKeyArn: String?

    enum CodingKeys: String, CodingKey {
        case recoveryPointArn = "RecoveryPointArn", creationDate = "CreationDate", status = "Status", statusMessage = "StatusMessage"
        case backupSizeBytes = "BackupSizeBytes", backupVaultName = "BackupVaultName", encryptionKeyArn = "EncryptionKeyArn"
    }
}

/// What DescribeRecoveryPoint tells us (the members the verifier reads).
public struct BackupRecoveryPointDescription: Codable, Sendable, Equatable {
    public var recoveryPointArn: String?
    public var backupVaultName: String?
    public var resourceArn: String?
    public var resourceType: String?
    /// `COMPLETED|PARTIAL|DELETING|EXPIRED|AVAILABLE|STOPPED|CREATING`.
    public var status: String?
    public var statusMessage: String?
    public var creationDate: Date?
    public var completionDate: Date?

    enum CodingKeys: String, CodingKey {
        case recoveryPointArn = "RecoveryPointArn", backupVaultName = "BackupVaultName", resourceArn = "ResourceArn"
        case resourceType = "ResourceType", status = "Status", statusMessage = "StatusMessage", creationDate = "CreationDate"
        case completionDate = "CompletionDate"
    }
}

/// One restore testing selection as ListRestoreTestingSelections lists it.
public struct BackupRestoreTestingSelection: Codable, Sendable, Equatable {
    public var restoreTestingSelectionName: String?
    public var protectedResourceType: String?
    /// Hours (0–168) AWS keeps the restored resource for validation.
    public var validationWindowHours: Int?

    enum CodingKeys: String, CodingKey {
        case restoreTestingSelectionName = "RestoreTestingSelectionName", protectedResourceType = "ProtectedResourceType"
        case validationWindowHours = "ValidationWindowHours"
    }
}

public struct BackupRecoveryPointsPage: Sendable, Equatable {
    public var recoveryPoints: [BackupRecoveryPoint]
    public var nextToken: String?
}

public struct BackupRestoreMetadata: Codable, Sendable, Equatable {
    public var backupVaultArn: String?
    public var recoveryPointArn: String?
    public var resourceType: String?
    public var restoreMetadata: [String: String]

    enum CodingKeys: String, CodingKey {
        case backupVaultArn = "BackupVaultArn", recoveryPointArn = "RecoveryPointArn", resourceType = "ResourceType", restoreMetadata = "RestoreMetadata"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        backupVaultArn = try c.decodeIfPresent(String.self, forKey: .backupVaultArn)
        recoveryPointArn = try c.decodeIfPresent(String.self, forKey: .recoveryPointArn)
        resourceType = try c.decodeIfPresent(String.self, forKey: .resourceType)
        restoreMetadata = try c.decodeIfPresent([String: String].self, forKey: .restoreMetadata) ?? [:]
    }
}

/// `PutRestoreValidationResult` statuses. Once set, a status cannot be changed.
public enum BackupValidationStatus: String, Codable, Sendable {
    case failed = "FAILED", successful = "SUCCESSFUL", timedOut = "TIMED_OUT", validating = "VALIDATING"
}
