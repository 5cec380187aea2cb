import Foundation
import XCTest
@testable import OrchestratorKit

/// Item 5: the restored (or post) task is started reliably: the access point is `available`
/// before the revision is registered, and a task ECS could not start is started again.
final class TaskStartTests: XCTestCase {
    /// A run whose restore completed and whose restored task was started.
    func restoredTaskStarted(_ world: World) async throws {
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.restoreCompletes()
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
    }

    func startFailure(_ world: World, role: TaskRole, reason: String, version: Int) async throws -> OrchestratorEvent {
        guard case .task(var task) = try await world.taskStopped(role: role, exitCode: nil, version: version) else { throw OrchestratorError(.invalidEvent, "fixture") }
        task.stopCode = "TaskFailedToStart"
        task.stoppedReason = reason
        task.containerReason = nil
        return .task(task)
    }

    func testARestoredTaskThatFailsItsFirstStartIsStartedAgainWithANewToken() async throws {
        let world = try World()
        try await restoredTaskStarted(world)
        let first = await world.ecs.taskArns(role: .restored)
        XCTAssertEqual(first.count, 1)
        _ = try await world.handle(startFailure(
            world, role: .restored,
            reason: "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: mount.nfs4: Failed to resolve server fs-0fedcba9876543210.efs.us-east-1.amazonaws.com",
            version: 3))
        let tasks = await world.ecs.taskArns(role: .restored)
        XCTAssertEqual(tasks.count, 2, "started again")
        let tokens = await world.ecs.runRequests.map(\.clientToken)
        XCTAssertEqual(tokens, ["ebv-post-\(backupJobId)", "ebv-restored-\(backupJobId)", "ebv-restored-2-\(backupJobId)"])
        XCTAssertEqual(world.clock.sleeps.current.filter { $0 == 30 }.count, 1, "the back-off waited through the injected clock")
        var run = try await world.run()
        XCTAssertNil(run.result)
        XCTAssertEqual(run.tasks[.restored]?.attempt, 2)
        XCTAssertEqual(run.tasks[.restored]?.taskArn, tasks[1])
        XCTAssertTrue(run.history.contains { $0.contains("restored task could not start (ResourceInitializationError") && $0.contains("start 2 of 3") })

        // A late duplicate of the first task's stop changes nothing.
        guard case .task(var stale) = try await startFailure(world, role: .restored, reason: "CannotPullContainerError", version: 4)
        else { return XCTFail() }
        stale.taskArn = tasks[0]
        _ = try await world.handle(.task(stale))
        let current = try await world.run().tasks[.restored]?.taskArn
        XCTAssertEqual(current, tasks[1])

        _ = try await world.handle(world.taskStopped(role: .post, exitCode: 0))
        _ = try await world.handle(world.taskStopped(role: .restored, exitCode: 0))
        run = try await world.run()
        XCTAssertEqual(run.result, .passed)
        XCTAssertEqual(run.phase, .done)
    }

    func testAPostTaskThatCannotPullItsImageIsStartedAgainThenFails() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        for start in 1...3 {
            _ = try await world.handle(startFailure(world, role: .post, reason: "CannotPullContainerError: pull image manifest has been retried 5 time(s)", version: start))
        }
        let tokens = await world.ecs.runRequests.map(\.clientToken)
        XCTAssertEqual(tokens, ["ebv-post-\(backupJobId)", "ebv-post-2-\(backupJobId)", "ebv-post-3-\(backupJobId)"])
        XCTAssertEqual(world.clock.sleeps.current, [30, 60], "back-off doubles")
        let run = try await world.run()
        XCTAssertEqual(run.result, .taskFailed)
        XCTAssertEqual(run.resultMessage, "post manifest task no exit code: CannotPullContainerError: pull image manifest has been retried 5 time(s) (start 3 of 3)")
    }

    func testAWorkerThatRanAndFailedIsNotStartedAgain() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        _ = try await world.handle(world.taskStopped(role: .post, exitCode: 2))
        let tokens = await world.ecs.runRequests.map(\.clientToken)
        XCTAssertEqual(tokens, ["ebv-post-\(backupJobId)"])
        let result = try await world.run().result
        XCTAssertEqual(result, .taskFailed)
    }

    func testARestartNotYetDueWaitsForTheNextTick() async throws {
        var world = try World()
        world.config = try OrchestratorConfig(environment: testEnvironment.merging(["EBV_TASK_START_BACKOFF_SECONDS": "1200"]) { _, new in new })
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        _ = try await world.handle(startFailure(world, role: .post, reason: "CannotPullContainerError", version: 2))
        var tokens = await world.ecs.runRequests.map(\.clientToken)
        XCTAssertEqual(tokens.count, 1, "1200 s do not fit in this 900 s invocation")
        let retryAt = try await world.run().tasks[.post]?.retryAt
        XCTAssertEqual(retryAt, world.clock.now().addingTimeInterval(1200))
        world.clock.advance(1201)
        _ = try await world.handle(.reconcile)
        tokens = await world.ecs.runRequests.map(\.clientToken)
        XCTAssertEqual(tokens, ["ebv-post-\(backupJobId)", "ebv-post-2-\(backupJobId)"])
    }

    func testABackOffPastTheRunDeadlineFailsAtOnce() async throws {
        var world = try World()
        world.config = try OrchestratorConfig(environment: testEnvironment.merging(["EBV_TASK_START_BACKOFF_SECONDS": "90000"]) { _, new in new })
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        _ = try await world.handle(startFailure(world, role: .post, reason: "CannotPullContainerError", version: 2))
        let run = try await world.run()
        XCTAssertEqual(run.result, .taskFailed)
        XCTAssertEqual(run.resultMessage, "post manifest task could not start: CannotPullContainerError (start 1; no time for another before the run's deadline)")
    }

    func testTheRevisionWaitsForTheAccessPointToBeAvailable() async throws {
        let world = try World()
        await world.efs.setAccessPointPollsUntilAvailable(1000)
        try await restoredTaskStarted(world)
        var run = try await world.run()
        XCTAssertNotNil(run.accessPointId)
        XCTAssertNil(run.taskDefinitionArn, "not registered while the access point is creating")
        let registered = await world.ecs.registered
        XCTAssertEqual(registered.count, 0)
        XCTAssertTrue(world.logs.messages().contains("access point not yet available; leaving the run for the next event or tick"))
        await world.efs.setAccessPointPollsUntilAvailable(2)
        _ = try await world.handle(.reconcile)
        run = try await world.run()
        XCTAssertEqual(run.accessPointAvailable, true)
        XCTAssertNotNil(run.taskDefinitionArn)
        let restoredTasks = await world.ecs.taskArns(role: .restored)
        XCTAssertEqual(restoredTasks.count, 1)
        XCTAssertTrue(run.history.contains { $0.hasSuffix("access point fsap-1 available") })
    }

    func testAnAccessPointInErrorEndsTheRun() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.restoreCompletes()
        await world.efs.setAccessPointState("error")
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
        let run = try await world.run()
        XCTAssertEqual(run.result, .error)
        XCTAssertEqual(run.resultMessage, "access point fsap-1 is error instead of available")
    }

    func testConfigurationOfStarts() throws {
        let config = try OrchestratorConfig(environment: testEnvironment)
        XCTAssertEqual(config.taskStartAttempts, 3)
        XCTAssertEqual(config.taskStartBackoff, 30)
        XCTAssertThrowsError(try OrchestratorConfig(environment: testEnvironment.merging(["EBV_TASK_START_ATTEMPTS": "0"]) { _, new in new })) {
            XCTAssertEqual(($0 as? OrchestratorError)?.message, #"EBV_TASK_START_ATTEMPTS: not a whole number in 1...10: "0""#)
        }
        XCTAssertThrowsError(try OrchestratorConfig(environment: testEnvironment.merging(["EBV_TASK_START_BACKOFF_SECONDS": "-1"]) { _, new in new })) {
            XCTAssertEqual(($0 as? OrchestratorError)?.message, #"EBV_TASK_START_BACKOFF_SECONDS: not a positive number: "-1""#)
        }
    }
}
