import Foundation
import XCTest
@testable import OrchestratorKit

/// Two invocations cannot both advance a run: the loser of a conditional write re-reads
/// the run and re-evaluates.
final class ConflictTests: XCTestCase {
    func testLoserRereadsAndDoesNotRepeatTheWinnersStep() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.restoreCompletes()
        let key = world.naming.runKey(fileSystemId: productionFS, runId: backupJobId)

        // While this invocation records the restore facts, a concurrent one has already
        // advanced the run through the access point (same ids, through the same fakes).
        let other = world.orchestrator
        let deadline = world.deadline
        let event = try world.restoreEvent(jobId: "restore-1", status: "COMPLETED")
        await world.store.setInterference(prefix: key) { _ in
            _ = try? await other.handle(event, deadline: deadline)
        }
        _ = try await world.handle(event)

        let run = try await world.run()
        XCTAssertEqual(run.accessPointId, "fsap-1")
        let registered = await world.ecs.registered.count
        XCTAssertEqual(registered, 1, "the loser saw the winner's task definition")
        let distinct = await world.ecs.distinctTasks()
        XCTAssertEqual(distinct, 2)
        let accessPoints = await world.efs.accessPoints.count
        XCTAssertEqual(accessPoints, 1)
        let tagCalls = await world.efs.tagCalls.count
        XCTAssertEqual(tagCalls, 1)
        XCTAssertTrue(world.logs.messages(level: "warn").contains("conditional write lost; re-reading the run"))
    }

    func testConcurrentCreationOfTheSameRunStartsOneRestore() async throws {
        let world = try World()
        await world.standardSetup()
        let key = world.naming.runKey(fileSystemId: productionFS, runId: backupJobId)
        let other = world.orchestrator
        let deadline = world.deadline
        let event = try world.backupCompleted()
        await world.store.setInterference(prefix: key) { _ in
            _ = try? await other.handle(event, deadline: deadline)
        }
        _ = try await world.handle(event)
        let restores = await world.backup.distinctRestoreJobs()
        XCTAssertEqual(restores, 1)
        XCTAssertTrue(world.logs.messages(level: "info").contains("run already exists"))
    }

    func testPersistentConflictsGiveUpWithAConflictError() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        let key = world.naming.runKey(fileSystemId: productionFS, runId: backupJobId)
        let store = world.store
        // Every save loses: someone rewrites the object each time.
        @Sendable func sabotage(_ s: MemoryStore) async {
            if let body = try? await s.get(key)?.body { await s.rawPut(key, body) }
            await s.setInterference(prefix: key, sabotage)
        }
        await store.setInterference(prefix: key, sabotage)
        await world.restoreCompletes()
        do {
            _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
            XCTFail("expected a conflict")
        } catch let error as OrchestratorError {
            XCTAssertEqual(error.kind, .conflict)
        }
    }
}
