import AWSLite
import Foundation
import XCTest
@testable import OrchestratorKit

final class EventDecoderTests: XCTestCase {
    let decoder = EventDecoder(workerContainer: "manifest-worker")

    func decode(_ fixture: String) throws -> OrchestratorEvent { try decoder.decode(Fixture.data(fixture)) }

    func decodeText(_ text: String) throws -> OrchestratorEvent { try decoder.decode(Data(text.utf8)) }

    func assertInvalid(_ text: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try decodeText(text), file: file, line: line) { error in
            XCTAssertEqual(error as? OrchestratorError, OrchestratorError(.invalidEvent, message), file: file, line: line)
        }
    }

    func testBackupJobCompletedSample() throws {
        guard case .backupJob(let event) = try decode("backup-job-completed.json") else { return XCTFail("kind") }
        XCTAssertEqual(event.backupJobId, "a827233a-d405-4a86-a440-759fa94f34dd")
        XCTAssertEqual(event.state, "COMPLETED")
        XCTAssertEqual(event.resourceType, "EFS")
        XCTAssertEqual(event.resourceArn, "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0")
        XCTAssertEqual(event.recoveryPointArn, recoveryPointArn)
        XCTAssertEqual(event.backupVaultName, "prod-vault")
        XCTAssertEqual(event.creationDate.map(Timestamps.rfc3339Millis), "2025-03-04T05:00:31.207Z")
        XCTAssertEqual(event.completionDate.map(Timestamps.rfc3339Millis), "2025-03-04T05:41:05.921Z")
        XCTAssertNil(event.statusMessage)
    }

    func testBackupJobFailedSample() throws {
        guard case .backupJob(let event) = try decode("backup-job-failed.json") else { return XCTFail("kind") }
        XCTAssertEqual(event.state, "FAILED")
        XCTAssertNil(event.recoveryPointArn)
        XCTAssertNil(event.completionDate)
        XCTAssertEqual(event.statusMessage, "Insufficient privileges to perform this action.")
    }

    func testRestoreJobCompletedSampleFromRestoreTesting() throws {
        guard case .restoreJob(let event) = try decode("restore-job-completed-testing.json") else { return XCTFail("kind") }
        XCTAssertEqual(event.restoreJobId, "AB123456-78C9-0123-456D-789012E34567")
        XCTAssertEqual(event.status, "COMPLETED")
        XCTAssertEqual(event.createdResourceArn, restoredArn)
        XCTAssertEqual(event.sourceResourceArn, "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0")
        XCTAssertEqual(event.restoreTestingPlanArn, "arn:aws:backup:us-east-1:123456789012:restore-testing-plan:efs_weekly-EXAMPLE")
        XCTAssertEqual(event.completionDate.map(Timestamps.rfc3339Millis), "2025-03-04T07:14:53.128Z")
    }

    func testRestoreCreatedExampleUsesStateInsteadOfStatus() throws {
        let event = try decodeText(#"{"source":"aws.backup","detail-type":"Restore Job State Change","detail":{"restoreJobId":"R1","state":"CREATED"}}"#)
        guard case .restoreJob(let restore) = event else { return XCTFail("kind") }
        XCTAssertEqual(restore.status, "CREATED")
    }

    func testECSTaskStoppedSample() throws {
        guard case .task(let task) = try decode("ecs-task-stopped.json") else { return XCTFail("kind") }
        XCTAssertEqual(task.taskArn, "arn:aws:ecs:us-east-1:123456789012:task/verifier/0b69d5c0d655438b8e8a4e5e0b2c5f4b")
        XCTAssertEqual(task.lastStatus, "STOPPED")
        XCTAssertEqual(task.exitCode, 0)
        XCTAssertEqual(task.startedBy, "efs-backup-verifier")
        XCTAssertEqual(task.group, "ebv:fs-0123456789abcdef0:a827233a-d405-4a86-a440-759fa94f34dd:restored")
        XCTAssertEqual(task.stopCode, "EssentialContainerExited")
        XCTAssertEqual(task.version, 5)
        XCTAssertEqual(task.stoppedAt.map(Timestamps.rfc3339Millis), "2025-03-04T07:40:10.510Z")
    }

    func testTaskExitCodeComesFromTheWorkerContainer() throws {
        let text = #"{"source":"aws.ecs","detail-type":"ECS Task State Change","detail":{"taskArn":"t","lastStatus":"STOPPED","containers":[{"name":"sidecar","exitCode":0},{"name":"manifest-worker","exitCode":2}]}}"#
        guard case .task(let task) = try decodeText(text) else { return XCTFail("kind") }
        XCTAssertEqual(task.exitCode, 2)
    }

    func testScheduledEventIsReconcile() throws {
        XCTAssertEqual(try decode("scheduled-event.json"), .reconcile)
    }

    func testActions() throws {
        XCTAssertEqual(try decodeText(#"{"action":"reconcile"}"#), .reconcile)
        XCTAssertEqual(try decodeText(#"{"action":"verify","recoveryPointArn":"arn:rp"}"#), .verify(recoveryPointArn: "arn:rp", fileSystemId: nil))
        XCTAssertEqual(try decodeText(#"{"action":"status","runId":"r1","fileSystemId":"fs-1"}"#), .status(runId: "r1", fileSystemId: "fs-1"))
    }

    func testUnknownDetailTypeIsIgnoredNotAnError() throws {
        XCTAssertEqual(try decode("unknown-detail-type.json"),
                       .ignored(source: "aws.ec2", detailType: "EC2 Instance State-change Notification"))
        XCTAssertEqual(try decodeText(#"{"source":"aws.backup","detail-type":"Copy Job State Change","detail":{}}"#),
                       .ignored(source: "aws.backup", detailType: "Copy Job State Change"))
    }

    func testNotJSON() throws {
        XCTAssertThrowsError(try decode("not-json.txt")) { error in
            XCTAssertEqual(error as? OrchestratorError, OrchestratorError(.invalidEvent, "event: not JSON"))
        }
        assertInvalid("", "event: not JSON")
        assertInvalid("[1,2]", "event: not a JSON object")
        assertInvalid("\"text\"", "event: not a JSON object")
    }

    func testMissingFields() throws {
        XCTAssertThrowsError(try decode("malformed-missing-job-id.json")) { error in
            XCTAssertEqual(error as? OrchestratorError, OrchestratorError(.invalidEvent, "detail.backupJobId: missing"))
        }
        assertInvalid(#"{"source":"aws.backup","detail-type":"Backup Job State Change"}"#, "detail: missing")
        assertInvalid(#"{"source":"aws.backup"}"#, "detail-type: missing")
        assertInvalid(#"{"version":"0"}"#, #"event: neither "action" nor "source" and "detail-type""#)
        assertInvalid(#"{"action":"verify"}"#, "recoveryPointArn: missing")
        assertInvalid(#"{"action":"status","runId":null}"#, "runId: missing")
        assertInvalid(#"{"source":"aws.backup","detail-type":"Restore Job State Change","detail":{"restoreJobId":"R"}}"#, "detail.status: missing")
        assertInvalid(#"{"source":"aws.ecs","detail-type":"ECS Task State Change","detail":{"lastStatus":"STOPPED"}}"#, "detail.taskArn: missing")
    }

    func testWrongTypes() throws {
        XCTAssertThrowsError(try decode("malformed-wrong-types.json")) { error in
            XCTAssertEqual(error as? OrchestratorError, OrchestratorError(.invalidEvent, "detail.percentDone: expected a number or a numeric string"))
        }
        assertInvalid(#"{"source":7,"detail-type":"x"}"#, "source: expected a string")
        assertInvalid(#"{"source":"aws.backup","detail-type":"Backup Job State Change","detail":[]}"#, "detail: expected an object")
        assertInvalid(#"{"source":"aws.backup","detail-type":"Backup Job State Change","detail":{"backupJobId":12,"state":"COMPLETED","resourceArn":"a"}}"#,
                      "detail.backupJobId: expected a string")
        assertInvalid(#"{"source":"aws.backup","detail-type":"Backup Job State Change","resources":"x","detail":{"backupJobId":"j","state":"COMPLETED","resourceArn":"a"}}"#,
                      "resources: expected an array")
        assertInvalid(#"{"source":"aws.backup","detail-type":"Backup Job State Change","detail":{"backupJobId":"j","state":"COMPLETED","resourceArn":"a","creationDate":"yesterday"}}"#,
                      #"detail.creationDate: not an RFC 3339 time: "yesterday""#)
        assertInvalid(#"{"source":"aws.ecs","detail-type":"ECS Task State Change","detail":{"taskArn":"t","lastStatus":"STOPPED","containers":[{"name":"manifest-worker","exitCode":true}]}}"#,
                      "detail.containers[0].exitCode: expected a number")
        assertInvalid(#"{"action":"launch"}"#, #"action: unknown "launch""#)
        assertInvalid(#"{"action":5}"#, "action: expected a string")
    }
}
