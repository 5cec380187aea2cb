import AWSLite
import Foundation
import TestSupport
import XCTest

/// The six AWS Backup calls through AWSLite against the harness's Backup stand-in, which
/// checks every request against botocore's model and its SigV4 signature.
final class BackupIntegrationTests: XCTestCase {
    private var aws: LocalAWS!
    private var backup: BackupClient!
    private let sourceArn = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0"
    private let planArn = "arn:aws:backup:us-east-1:123456789012:restore-testing-plan:nightly-abc123"

    override func setUp() async throws {
        aws = try await Integration.freshHarness()
        backup = try BackupClient(configuration: Integration.configuration(aws, endpoint: aws.backupEndpoint))
    }

    func testDescribeBackupJobAndRecoveryPointsOfAResource() async throws {
        let job = try await aws.seedBackupJob(["BackupJobId": "job-nightly-1", "ResourceArn": .string(sourceArn), "BackupVaultName": "prod-vault"])
        let older = try await aws.seedRecoveryPoint([
            "ResourceArn": .string(sourceArn), "BackupVaultName": "prod-vault", "CreationDate": 1_700_000_000,
            "RestoreMetadata": ["file-system-id": "fs-0123456789abcdef0", "Encrypted": "true", "PerformanceMode": "generalPurpose"],
        ])
        _ = try await aws.seedRecoveryPoint(["ResourceArn": "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-other"])

        let described = try await backup.describeBackupJob("job-nightly-1")
        XCTAssertEqual(described.backupJobId, "job-nightly-1")
        XCTAssertEqual(described.state, "COMPLETED")
        XCTAssertEqual(described.resourceArn, sourceArn)
        XCTAssertEqual(described.resourceType, "EFS")
        XCTAssertEqual(described.backupVaultName, "prod-vault")
        XCTAssertEqual(described.backupVaultArn, "arn:aws:backup:us-east-1:123456789012:backup-vault:prod-vault")
        XCTAssertEqual(described.recoveryPointArn, job["RecoveryPointArn"]?.stringValue)
        XCTAssertEqual(described.backupSizeInBytes, 52_428_800)
        XCTAssertNotNil(described.completionDate)

        let all = try await backup.listAllRecoveryPointsByResource(resourceArn: sourceArn)
        XCTAssertEqual(all.map(\.recoveryPointArn), [described.recoveryPointArn, older["RecoveryPointArn"]?.stringValue])
        XCTAssertEqual(all.last?.creationDate, Date(timeIntervalSince1970: 1_700_000_000))
        XCTAssertEqual(all.map(\.backupVaultName), ["prod-vault", "prod-vault"])
        XCTAssertEqual(all.map(\.status), ["COMPLETED", "COMPLETED"])
        let first = try await backup.listRecoveryPointsByResource(resourceArn: sourceArn, maxResults: 1)
        XCTAssertEqual(first.recoveryPoints.map(\.recoveryPointArn), [described.recoveryPointArn])
        let token = try XCTUnwrap(first.nextToken)
        let second = try await backup.listRecoveryPointsByResource(resourceArn: sourceArn, nextToken: token, maxResults: 1)
        XCTAssertEqual(second.recoveryPoints.map(\.recoveryPointArn), [older["RecoveryPointArn"]?.stringValue])
        XCTAssertNil(second.nextToken)

        let metadata = try await backup.getRecoveryPointRestoreMetadata(
            backupVaultName: "prod-vault", recoveryPointArn: older["RecoveryPointArn"]?.stringValue ?? "")
        XCTAssertEqual(metadata.restoreMetadata, ["file-system-id": "fs-0123456789abcdef0", "Encrypted": "true", "PerformanceMode": "generalPurpose"])
        XCTAssertEqual(metadata.backupVaultArn, "arn:aws:backup:us-east-1:123456789012:backup-vault:prod-vault")
        XCTAssertEqual(metadata.resourceType, "EFS")

        let wrongVault = await assertAWSError {
            _ = try await self.backup.getRecoveryPointRestoreMetadata(backupVaultName: "Default", recoveryPointArn: older["RecoveryPointArn"]?.stringValue ?? "")
        }
        XCTAssertEqual(wrongVault?.code, "ResourceNotFoundException")
        XCTAssertEqual(wrongVault?.isNotFound, true)
        let missing = await assertAWSError { _ = try await self.backup.describeBackupJob("job-none") }
        XCTAssertEqual(missing?.code, "ResourceNotFoundException")
        XCTAssertEqual(missing?.message, "Backup job job-none not found")
    }

    func testStartRestoreJobIsDeduplicatedByItsTokenAndReportsItsProgress() async throws {
        let job = try await aws.seedBackupJob(["ResourceArn": .string(sourceArn)])
        let recoveryPointArn = try XCTUnwrap(job["RecoveryPointArn"]?.stringValue)
        let request = BackupStartRestoreJobRequest(
            recoveryPointArn: recoveryPointArn,
            metadata: ["file-system-id": "fs-0123456789abcdef0", "newFileSystem": "true", "Encrypted": "true", "CreationToken": "ebv-r-1"],
            iamRoleArn: "arn:aws:iam::123456789012:role/ebv-restore", idempotencyToken: "ebv-r-1")
        let restoreJobId = try await backup.startRestoreJob(request)
        let repeated = try await backup.startRestoreJob(request)
        XCTAssertEqual(repeated, restoreJobId)
        var other = request
        other.idempotencyToken = "ebv-r-2"
        let second = try await backup.startRestoreJob(other)
        XCTAssertNotEqual(second, restoreJobId)

        let jobs = try await aws.restoreJobs()
        XCTAssertEqual(jobs.count, 2)
        let sent = try XCTUnwrap(jobs.first { $0["RestoreJobId"]?.stringValue == restoreJobId }?["request"])
        XCTAssertEqual(sent["Metadata"], ["file-system-id": "fs-0123456789abcdef0", "newFileSystem": "true", "Encrypted": "true", "CreationToken": "ebv-r-1"])
        XCTAssertEqual(sent["IdempotencyToken"], "ebv-r-1")
        XCTAssertEqual(sent["ResourceType"], "EFS")
        XCTAssertEqual(sent["IamRoleArn"], "arn:aws:iam::123456789012:role/ebv-restore")

        let pending = try await backup.describeRestoreJob(restoreJobId)
        XCTAssertEqual(pending.status, "PENDING")
        XCTAssertEqual(pending.recoveryPointArn, recoveryPointArn)
        XCTAssertEqual(pending.sourceResourceArn, sourceArn)
        XCTAssertEqual(pending.iamRoleArn, "arn:aws:iam::123456789012:role/ebv-restore")
        XCTAssertNil(pending.createdResourceArn)

        try await aws.setRestoreJobStatus(restoreJobId, status: "RUNNING")
        let running = try await backup.describeRestoreJob(restoreJobId)
        XCTAssertEqual(running.status, "RUNNING")
        XCTAssertEqual(running.percentDone, "50.00%")

        let missingPoint = await assertAWSError {
            _ = try await self.backup.startRestoreJob(BackupStartRestoreJobRequest(
                recoveryPointArn: "arn:aws:backup:us-east-1:123456789012:recovery-point:none", metadata: [:], idempotencyToken: "ebv-r-3"))
        }
        XCTAssertEqual(missingPoint?.httpStatus, 400)
        XCTAssertEqual(missingPoint?.code, "ResourceNotFoundException")
    }

    /// ListRestoreJobs (`createdAfter` as ISO 8601 in the query, `resourceType`): how the
    /// orchestrator finds a restore job whose StartRestoreJob answer carried no id.
    func testListRestoreJobsFindsJobsCreatedAfterATime() async throws {
        let job = try await aws.seedBackupJob(["ResourceArn": .string(sourceArn)])
        let recoveryPointArn = try XCTUnwrap(job["RecoveryPointArn"]?.stringValue)
        let before = Date().addingTimeInterval(-5)
        let restoreJobId = try await backup.startRestoreJob(BackupStartRestoreJobRequest(
            recoveryPointArn: recoveryPointArn, metadata: ["file-system-id": "fs-0123456789abcdef0", "newFileSystem": "true"],
            iamRoleArn: "arn:aws:iam::123456789012:role/ebv-restore", idempotencyToken: "ebv-list-1"))
        let listed = try await backup.listAllRestoreJobs(createdAfter: before, resourceType: "EFS")
        XCTAssertEqual(listed.map(\.restoreJobId), [restoreJobId])
        XCTAssertEqual(listed.first?.recoveryPointArn, recoveryPointArn)
        let none = try await backup.listAllRestoreJobs(createdAfter: Date().addingTimeInterval(5), resourceType: "EFS")
        XCTAssertEqual(none, [])
    }

    func testValidationResultIsPostedOnceOnACompletedTestingPlanRestore() async throws {
        let job = try await aws.seedBackupJob(["ResourceArn": .string(sourceArn)])
        let restoreJobId = try await backup.startRestoreJob(BackupStartRestoreJobRequest(
            recoveryPointArn: job["RecoveryPointArn"]?.stringValue ?? "", metadata: ["file-system-id": "fs-0123456789abcdef0", "newFileSystem": "true"],
            idempotencyToken: "ebv-r-9"))

        let early = await assertAWSError {
            try await self.backup.putRestoreValidationResult(restoreJobId: restoreJobId, status: .validating, message: "walking")
        }
        XCTAssertEqual(early?.code, "InvalidRequestException")
        XCTAssertEqual(early?.message, "Restore job \(restoreJobId) is PENDING, not COMPLETED")

        try await aws.setRestoreJobStatus(restoreJobId, status: "COMPLETED", restoreTestingPlanArn: planArn)
        let completed = try await backup.describeRestoreJob(restoreJobId)
        XCTAssertEqual(completed.status, "COMPLETED")
        XCTAssertEqual(completed.createdBy?.restoreTestingPlanArn, planArn)
        XCTAssertTrue(completed.createdResourceArn?.hasPrefix("arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-") ?? false)

        try await backup.putRestoreValidationResult(restoreJobId: restoreJobId, status: .successful, message: "PASS: 1234 entries match")
        try await backup.putRestoreValidationResult(restoreJobId: restoreJobId, status: .successful, message: "PASS: 1234 entries match")
        let validated = try await backup.describeRestoreJob(restoreJobId)
        XCTAssertEqual(validated.validationStatus, "SUCCESSFUL")
        XCTAssertEqual(validated.validationStatusMessage, "PASS: 1234 entries match")

        let changed = await assertAWSError {
            try await self.backup.putRestoreValidationResult(restoreJobId: restoreJobId, status: .failed, message: "FAIL")
        }
        XCTAssertEqual(changed?.code, "InvalidRequestException")
        XCTAssertEqual(changed?.message, "Validation status has already been set and cannot be changed")
        let calls = try await aws.backupCalls()
        XCTAssertEqual(calls.filter { $0["operation"] == "PutRestoreValidationResult" }.map { $0["status"]?.intValue }, [400, 204, 204, 400])
    }

    func testWrongSecretIsRefusedWith403() async throws {
        let job = try await aws.seedBackupJob(["BackupJobId": "job-1", "ResourceArn": .string(sourceArn)])
        let bad = try BackupClient(configuration: Integration.wrongSecretConfiguration(aws, endpoint: aws.backupEndpoint))
        let error = await assertAWSError {
            _ = try await bad.startRestoreJob(BackupStartRestoreJobRequest(
                recoveryPointArn: job["RecoveryPointArn"]?.stringValue ?? "", metadata: ["newFileSystem": "true"], idempotencyToken: "t"))
        }
        XCTAssertEqual(error?.kind, .service)
        XCTAssertEqual(error?.httpStatus, 403)
        XCTAssertEqual(error?.code, "InvalidSignatureException")
        XCTAssertEqual(error?.operation, "StartRestoreJob")
        let jobs = try await aws.restoreJobs()
        XCTAssertEqual(jobs, [])
    }
}
