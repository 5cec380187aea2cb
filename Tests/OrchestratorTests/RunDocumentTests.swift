import Foundation
import XCTest
@testable import OrchestratorKit

/// Roles, statuses and claim keys are typed; their raw values are the strings stored
/// before, so a stored run document reads and writes back unchanged.
final class RunDocumentTests: XCTestCase {
    /// A run document as the orchestrator wrote it with string roles, statuses and claims.
    let stored = #"""
    {"backupJobId":"b-1","baseline":{"completedAt":"2025-03-04T04:40:00.000Z","key":"manifests/fs-1/baseline/x.ndjson.gz"},
     "baselineSearched":true,"claims":{"metrics":"2025-03-04T06:00:00.000Z","notify":"2025-03-04T06:00:00.000Z",
     "registerTaskDefinition":"2025-03-04T05:50:00.000Z","validation":"2025-03-04T06:00:00.000Z","verdict":"2025-03-04T06:00:00.000Z"},
     "cleanup":{"accessPointDeleted":false,"fileSystemDeleted":false,"mountTargetsDeleted":false,"mountTargetsGone":false,
     "taskDefinitionDeregistered":false,"tasksStopped":false},"createdAt":"2025-03-04T05:41:17.000Z","deadline":"2025-03-05T05:41:17.000Z",
     "expiresAt":"2025-03-05T11:41:17.000Z","fileSystemId":"fs-1","history":["2025-03-04T05:41:17Z created"],"metricsEmitted":false,
     "mountTargetIds":["fsmt-1"],"mountTargetsAvailable":true,"notified":false,"origin":"backup","phase":"active",
     "restoreJobId":"r-1","restoreStatus":"COMPLETED","restoredFileSystemTagged":true,"runId":"b-1",
     "tasks":{"diff":{"clientToken":"ebv-diff-b-1","lastStatus":"PROVISIONING","manifestKey":"runs/fs-1/b-1/report.json"},
              "post":{"clientToken":"ebv-post-b-1","exitCode":0,"lastStatus":"STOPPED","manifestKey":"m/post.ndjson.gz","version":5},
              "restored":{"clientToken":"ebv-restored-b-1","lastStatus":"RUNNING","manifestKey":"m/restored.ndjson.gz","taskArn":"arn:t"}},
     "updatedAt":"2025-03-04T05:41:17.000Z","validationReported":false}
    """#

    func canonical(_ data: Data) throws -> String {
        let object = try JSONSerialization.jsonObject(with: data)
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    func testAStoredDocumentReadsTypedAndWritesBackUnchanged() throws {
        let run = try Run.decoded(from: Data(stored.utf8))
        XCTAssertEqual(run.tasks.keys.sorted(), [.diff, .post, .restored])
        XCTAssertEqual(run.tasks[.post]?.lastStatus, .stopped)
        XCTAssertTrue(run.tasks[.post]?.succeeded ?? false)
        XCTAssertEqual(run.tasks[.restored]?.lastStatus, "RUNNING")
        XCTAssertEqual(run.tasks[.diff]?.lastStatus, .provisioning)
        XCTAssertEqual(run.restoreStatus, .completed)
        XCTAssertTrue(run.restoreSettled)
        XCTAssertEqual(Set(run.claims?.keys.map { $0 } ?? []), Set(ClaimKey.allCases))
        XCTAssertEqual(try canonical(try run.encoded()), try canonical(Data(stored.utf8)))
    }

    func testRawValuesAreTheStoredStrings() {
        XCTAssertEqual(TaskRole.allCases.map(\.rawValue), ["post", "restored", "diff", "plan", "baseline-manifest"])
        XCTAssertEqual(ClaimKey.allCases.map(\.rawValue), ["notify", "metrics", "validation", "registerTaskDefinition", "verdict"])
        XCTAssertEqual([RestoreStatus.pending, .running, .completed, .failed, .aborted].map(\.rawValue),
                       ["PENDING", "RUNNING", "COMPLETED", "FAILED", "ABORTED"])
        XCTAssertEqual([RestoreStatus.completed, .failed, .aborted, .running, "SOMETHING_NEW"].map(\.isTerminal), [true, true, true, false, false])
        XCTAssertEqual(SideEffect.allCases.map(\.claimKey), [nil, .notify, .metrics, .validation])
    }

    /// A status AWS adds later is kept as sent; a role or claim this code does not know
    /// makes the document unreadable (it was not written by this system).
    func testUnknownValues() throws {
        let newStatus = stored.replacingOccurrences(of: #""restoreStatus":"COMPLETED""#, with: #""restoreStatus":"CANCELLING""#)
        let run = try Run.decoded(from: Data(newStatus.utf8))
        XCTAssertEqual(run.restoreStatus?.rawValue, "CANCELLING")
        XCTAssertFalse(run.restoreSettled)
        XCTAssertEqual(try canonical(try run.encoded()), try canonical(Data(newStatus.utf8)))
        let badRole = stored.replacingOccurrences(of: #""diff":{"clientToken""#, with: #""other":{"clientToken""#)
        XCTAssertThrowsError(try Run.decoded(from: Data(badRole.utf8))) { error in
            XCTAssertEqual((error as? OrchestratorError)?.kind, .service)
        }
    }

    func testTaskGroupsParseToTypedRoles() throws {
        let naming = RunNaming(config: try OrchestratorConfig(environment: testEnvironment))
        for role in TaskRole.allCases {
            let group = naming.taskGroup(fileSystemId: "fs-1", runId: "r", role: role)
            XCTAssertEqual(group, "ebv:fs-1:r:" + role.rawValue)
            XCTAssertEqual(naming.parseTaskGroup(group)?.role, role)
        }
        XCTAssertNil(naming.parseTaskGroup("ebv:fs-1:r:baseline"))
    }
}
