import Foundation
import TestSupport
import XCTest

@testable import AWSLite

final class BackupTests: XCTestCase {
    let recoveryPoint = "arn:aws:backup:eu-west-1:123456789012:recovery-point:8f3c1a2e-5b7d"

    func testStartRestoreJobWireRequest() async throws {
        let server = try TestHTTPServer { _ in ClientHarness.json(200, #"{"RestoreJobId":"AB12-CD"}"#) }
        defer { server.stop() }
        let backup = try BackupClient(configuration: ClientHarness.configuration(server))
        let id = try await backup.startRestoreJob(
            BackupStartRestoreJobRequest(
                recoveryPointArn: recoveryPoint, metadata: ["newFileSystem": "true", "file-system-id": "fs-1", "Encrypted": "true", "PerformanceMode": "generalPurpose"],
                iamRoleArn: "arn:aws:iam::123456789012:role/restore", idempotencyToken: "run-r1", copySourceTagsToRestoredResource: false))
        XCTAssertEqual(id, "AB12-CD")
        let r = try XCTUnwrap(server.requests.first)
        XCTAssertEqual("\(r.method) \(r.target)", "PUT /restore-jobs")
        XCTAssertEqual(r.bodyText, #"{"CopySourceTagsToRestoredResource":false,"IamRoleArn":"arn:aws:iam::123456789012:role/restore","IdempotencyToken":"run-r1","#
            + #""Metadata":{"Encrypted":"true","PerformanceMode":"generalPurpose","file-system-id":"fs-1","newFileSystem":"true"},"#
            + #""RecoveryPointArn":"arn:aws:backup:eu-west-1:123456789012:recovery-point:8f3c1a2e-5b7d","ResourceType":"EFS"}"#)
        XCTAssertEqual(r.header("Authorization"), "TEST backup eu-west-1 \(PayloadDigest(of: r.body).hex) standard")
    }

    func testDescribeJobsDecodeEpochTimestamps() async throws {
        let server = try TestHTTPServer { r in
            r.path.hasPrefix("/backup-jobs/")
                ? ClientHarness.json(200, #"{"BackupJobId":"bj-1","State":"COMPLETED","RecoveryPointArn":"arn:rp","BackupVaultName":"prod-vault","ResourceArn":"arn:fs","ResourceType":"EFS","BackupSizeInBytes":52428800,"CreationDate":1741064431.207,"CompletionDate":1741066865.921,"PercentDone":"100.0"}"#)
                : ClientHarness.json(200, #"{"RestoreJobId":"AB12-CD","Status":"COMPLETED","CreatedResourceArn":"arn:aws:elasticfilesystem:eu-west-1:1:file-system/fs-9","CompletionDate":1741072493.128,"ExpectedCompletionTimeMinutes":12,"CreatedBy":{"RestoreTestingPlanArn":"arn:plan"},"ValidationStatus":"VALIDATING"}"#)
        }
        defer { server.stop() }
        let backup = try BackupClient(configuration: ClientHarness.configuration(server))
        let job = try await backup.describeBackupJob("bj-1")
        XCTAssertEqual(job.state, "COMPLETED")
        XCTAssertEqual(job.backupSizeInBytes, 52_428_800)
        XCTAssertEqual(job.creationDate, Date(timeIntervalSince1970: 1_741_064_431.207))
        XCTAssertEqual(job.backupVaultName, "prod-vault")
        let restore = try await backup.describeRestoreJob("AB12-CD")
        XCTAssertEqual(restore.completionDate, Date(timeIntervalSince1970: 1_741_072_493.128))
        XCTAssertEqual(restore.createdResourceArn, "arn:aws:elasticfilesystem:eu-west-1:1:file-system/fs-9")
        XCTAssertEqual(restore.createdBy?.restoreTestingPlanArn, "arn:plan")
        XCTAssertEqual(restore.expectedCompletionTimeMinutes, 12)
        XCTAssertEqual(server.requests.map(\.target), ["/backup-jobs/bj-1", "/restore-jobs/AB12-CD"])
    }

    func testRestoreMetadataEncodesARNLabel() async throws {
        let server = try TestHTTPServer { _ in
            ClientHarness.json(200, #"{"BackupVaultArn":"arn:vault","RecoveryPointArn":"arn:rp","ResourceType":"EFS","RestoreMetadata":{"file-system-id":"fs-1"}}"#)
        }
        defer { server.stop() }
        let backup = try BackupClient(configuration: ClientHarness.configuration(server))
        let meta = try await backup.getRecoveryPointRestoreMetadata(backupVaultName: "prod vault", recoveryPointArn: recoveryPoint)
        XCTAssertEqual(meta.restoreMetadata, ["file-system-id": "fs-1"])
        XCTAssertEqual(server.requests.map(\.target), [
            "/backup-vaults/prod%20vault/recovery-points/arn%3Aaws%3Abackup%3Aeu-west-1%3A123456789012%3Arecovery-point%3A8f3c1a2e-5b7d/restore-metadata"
        ])
    }

    func testDescribeRecoveryPointWireRequestAndCompletion() async throws {
        let server = try TestHTTPServer { _ in
            ClientHarness.json(200, #"{"RecoveryPointArn":"arn:rp","BackupVaultName":"prod vault","ResourceArn":"arn:fs","ResourceType":"EFS","Status":"COMPLETED","CreationDate":1741064431.207,"CompletionDate":1741066865.921,"BackupSizeInBytes":5,"IsEncrypted":true}"#)
        }
        defer { server.stop() }
        let backup = try BackupClient(configuration: ClientHarness.configuration(server))
        let point = try await backup.describeRecoveryPoint(vaultName: "prod vault", recoveryPointArn: recoveryPoint)
        XCTAssertEqual(point, BackupRecoveryPointDescription(
            recoveryPointArn: "arn:rp", backupVaultName: "prod vault", resourceArn: "arn:fs", resourceType: "EFS", status: "COMPLETED",
            statusMessage: nil, creationDate: Date(timeIntervalSince1970: 1_741_064_431.207), completionDate: Date(timeIntervalSince1970: 1_741_066_865.921)))
        let r = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(server.requests.count, 1)
        XCTAssertEqual("\(r.method) \(r.target)",
                       "GET /backup-vaults/prod%20vault/recovery-points/arn%3Aaws%3Abackup%3Aeu-west-1%3A123456789012%3Arecovery-point%3A8f3c1a2e-5b7d")
        XCTAssertEqual(r.bodyText, "")
        XCTAssertEqual(r.header("Authorization"), "TEST backup eu-west-1 \(PayloadDigest(of: r.body).hex) standard")
    }

    func testListRecoveryPointsPaginates() async throws {
        let server = try TestHTTPServer { r in
            r.query.contains("nextToken=")
                ? ClientHarness.json(200, #"{"RecoveryPoints":[{"RecoveryPointArn":"arn:rp2","Status":"COMPLETED","CreationDate":1741066877}]}"#)
                : ClientHarness.json(200, #"{"RecoveryPoints":[{"RecoveryPointArn":"arn:rp1","Status":"COMPLETED","BackupVaultName":"v"}],"NextToken":"a/b=="}"#)
        }
        defer { server.stop() }
        let backup = try BackupClient(configuration: ClientHarness.configuration(server))
        let all = try await backup.listAllRecoveryPointsByResource(resourceArn: "arn:aws:elasticfilesystem:eu-west-1:1:file-system/fs-1")
        XCTAssertEqual(all.map(\.recoveryPointArn), ["arn:rp1", "arn:rp2"])
        XCTAssertEqual(all[1].creationDate, Date(timeIntervalSince1970: 1_741_066_877))
        XCTAssertEqual(server.requests.map(\.target), [
            "/resources/arn%3Aaws%3Aelasticfilesystem%3Aeu-west-1%3A1%3Afile-system%2Ffs-1/recovery-points/",
            "/resources/arn%3Aaws%3Aelasticfilesystem%3Aeu-west-1%3A1%3Afile-system%2Ffs-1/recovery-points/?nextToken=a%2Fb%3D%3D",
        ])
    }

    func testPutRestoreValidationResult() async throws {
        let server = try TestHTTPServer { _ in .text(204, "") }
        defer { server.stop() }
        let backup = try BackupClient(configuration: ClientHarness.configuration(server))
        try await backup.putRestoreValidationResult(restoreJobId: "AB12-CD", status: .successful, message: "3 files, 0 differences")
        let r = try XCTUnwrap(server.requests.first)
        XCTAssertEqual("\(r.method) \(r.target) \(r.bodyText)", #"PUT /restore-jobs/AB12-CD/validations {"ValidationStatus":"SUCCESSFUL","ValidationStatusMessage":"3 files, 0 differences"}"#)
    }

    func testStartRestoreJobWithoutTokenIsNotRetriedOn5xx() async throws {
        let server = try TestHTTPServer { _ in ClientHarness.json(503, #"{"Code":"ServiceUnavailableException","Message":"try later"}"#) }
        defer { server.stop() }
        let backup = try BackupClient(configuration: ClientHarness.configuration(server))
        do {
            _ = try await backup.startRestoreJob(BackupStartRestoreJobRequest(recoveryPointArn: recoveryPoint, metadata: [:]))
            XCTFail("expected an error")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "ServiceUnavailableException")
        }
        XCTAssertEqual(server.requests.count, 1)
    }
}
