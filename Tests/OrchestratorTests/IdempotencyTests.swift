import Foundation
import XCTest
@testable import OrchestratorKit

/// Duplicate and out-of-order events never start a second restore, task or resource.
final class IdempotencyTests: XCTestCase {
    func testDuplicateBackupEventStartsNothingNew() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        let first = try await world.run()
        _ = try await world.handle(world.backupCompleted())
        _ = try await world.handle(world.backupCompleted())
        let again = try await world.run()
        XCTAssertEqual(again, first, "a duplicate changes nothing in the run document")
        let restores = await world.backup.restoreRequests.count
        XCTAssertEqual(restores, 1)
        let runs = await world.ecs.runRequests.count
        XCTAssertEqual(runs, 1)
        XCTAssertTrue(world.logs.messages(level: "info").contains("duplicate backup event; run exists"))
    }

    func testDuplicateRestoreAndTaskEventsCreateNoSecondResource() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.restoreCompletes()
        let restoreEvent = try world.restoreEvent(jobId: "restore-1", status: "COMPLETED")
        _ = try await world.handle(restoreEvent)
        _ = try await world.handle(restoreEvent)
        _ = try await world.handle(.reconcile)
        let efsCalls = await world.efs.calls
        XCTAssertEqual(efsCalls, ["tag:\(restoredFS)", "createMountTarget:subnet-aaa", "createMountTarget:subnet-bbb", "createAccessPoint"])
        let registered = await world.ecs.registered.count
        XCTAssertEqual(registered, 1)
        let distinctTasks = await world.ecs.distinctTasks()
        XCTAssertEqual(distinctTasks, 2)
        let runRequests = await world.ecs.runRequests.count
        XCTAssertEqual(runRequests, 2)

        let postStopped = try await world.taskStopped(role: .post, exitCode: 0)
        _ = try await world.handle(postStopped)
        let restoredStopped = try await world.taskStopped(role: .restored, exitCode: 0)
        _ = try await world.handle(restoredStopped)
        _ = try await world.handle(restoredStopped)
        _ = try await world.handle(postStopped)
        let published = await world.notifier.published.count
        XCTAssertEqual(published, 1, "one summary")
        let diffs = await world.differ.requests.count
        XCTAssertEqual(diffs, 1)
        XCTAssertEqual(world.metrics.lines.current.count, 1)
        let deleted = await world.efs.deletedFileSystems
        XCTAssertEqual(deleted, [restoredFS])
    }

    func testOlderTaskEventVersionAfterStopIsIgnored() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        _ = try await world.handle(world.taskStopped(role: .post, exitCode: 0, version: 7))
        guard case .task(var stale) = try await world.taskStopped(role: .post, exitCode: 1, version: 3) else { return XCTFail() }
        stale.lastStatus = "STOPPED"
        _ = try await world.handle(.task(stale))
        let run = try await world.run()
        XCTAssertEqual(run.tasks[.post]?.exitCode, 0)
        XCTAssertEqual(run.tasks[.post]?.version, 7)
    }

    func testRestoredTaskStopsBeforePostTask() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.restoreCompletes()
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
        _ = try await world.handle(world.taskStopped(role: .restored, exitCode: 0))
        var run = try await world.run()
        XCTAssertEqual(run.phase, .active, "the post manifest is still being written")
        XCTAssertNil(run.result)
        await world.manifests.addExisting("manifests/\(productionFS)/runs/\(backupJobId)/post.ndjson.gz")
        _ = try await world.handle(world.taskStopped(role: .post, exitCode: 0))
        run = try await world.run()
        XCTAssertEqual(run.result, .passed)
        XCTAssertEqual(run.report?.mode, "three-way")
    }

    func testLateDuplicateBackupEventAfterRestoreCompletedStartsNothing() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.restoreCompletes()
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
        let before = try await world.run()
        _ = try await world.handle(world.backupCompleted())
        let after = try await world.run()
        XCTAssertEqual(after, before)
        let restores = await world.backup.restoreRequests.count
        XCTAssertEqual(restores, 1)
    }

    func testRestoreRunningEventThenCompletedOutOfOrderKeepsTerminalStatus() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.restoreCompletes()
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "RUNNING"))
        let run = try await world.run()
        XCTAssertEqual(run.restoreStatus, "COMPLETED", "a late RUNNING never moves a terminal status back")
    }

    func testTaskEventOfAnotherSystemIsIgnored() async throws {
        let world = try World()
        await world.standardSetup()
        guard case .task(var task) = try world.decode("ecs-task-stopped.json") else { return XCTFail() }
        task.startedBy = "someone-else"
        let response = try await world.handle(.task(task))
        XCTAssertEqual(response, #"{"reason":"task not started by this system","status":"ignored"}"#)
        let keys = await world.store.keys()
        XCTAssertEqual(keys, [])
    }

    func testTaskEventOfAnUnknownRunIsIgnored() async throws {
        let world = try World()
        let response = try await world.handle(world.decode("ecs-task-stopped.json"))
        XCTAssertEqual(response, #"{"reason":"run a827233a-d405-4a86-a440-759fa94f34dd not found","status":"ignored"}"#)
    }

    func testUnknownEventIsIgnoredWithALogLine() async throws {
        let world = try World()
        let response = try await world.handle(world.decode("unknown-detail-type.json"))
        XCTAssertEqual(response, #"{"detailType":"EC2 Instance State-change Notification","source":"aws.ec2","status":"ignored"}"#)
        let record = try XCTUnwrap(world.logs.records.last)
        XCTAssertEqual(record["message"] as? String, "event ignored")
        XCTAssertEqual(record["source"] as? String, "aws.ec2")
        XCTAssertEqual(record["detailType"] as? String, "EC2 Instance State-change Notification")
    }

    func testBackupOfAnotherFileSystemIsIgnored() async throws {
        var env = testEnvironment
        env["EBV_FILE_SYSTEMS"] = "fs-other"
        let world = try World(environment: env)
        let response = try await world.handle(world.backupCompleted())
        XCTAssertEqual(response, #"{"reason":"file system not under verification","status":"ignored"}"#)
        let restores = await world.backup.restoreRequests.count
        XCTAssertEqual(restores, 0)
    }
}
