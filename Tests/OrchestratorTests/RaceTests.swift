import AWSLite
import Foundation
import TestSupport
import XCTest
@testable import OrchestratorKit

/// Races and crash windows found by running concurrent and killed deliveries.
final class RaceTests: XCTestCase {
    /// The open-run marker's PUT fails after the run document was written (a 500; a crash or
    /// a timeout leaves the same state): the re-delivery finds the run without its marker and
    /// writes it, so reconcile sees the run again.
    func testACrashBetweenTheRunAndItsMarkerIsRepairedByTheNextDelivery() async throws {
        let world = try World()
        await world.standardSetup()
        let marker = world.naming.openMarkerKey(fileSystemId: productionFS, runId: backupJobId)
        await world.store.failPuts(prefix: marker, times: 1)
        do {
            _ = try await world.handle(world.backupCompleted())
            XCTFail("the marker's PUT failed")
        } catch let error as OrchestratorError {
            XCTAssertEqual(error.message, "PutObject \(marker): InternalError (HTTP 500)")
        }
        var keys = await world.store.keys()
        XCTAssertTrue(keys.contains(world.naming.runKey(fileSystemId: productionFS, runId: backupJobId)))
        XCTAssertFalse(keys.contains(marker), "the crash window: a run without its marker")
        var open = try await world.orchestrator.repository.openRuns()
        XCTAssertTrue(open.isEmpty)

        _ = try await world.handle(world.backupCompleted())  // Lambda's retry of the failed invocation
        keys = await world.store.keys()
        XCTAssertTrue(keys.contains(marker))
        open = try await world.orchestrator.repository.openRuns()
        XCTAssertEqual(open.map(\.runId), [backupJobId])
        let restores = await world.backup.distinctRestoreJobs()
        XCTAssertEqual(restores, 1)
        // The restore event now finds the run among the open ones.
        await world.restoreCompletes()
        let response = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
        XCTAssertTrue(response.contains(#""runId":"\#(backupJobId)""#), response)
    }

    /// A run whose marker is gone is still found by its restore job (the index written when
    /// the restore started); that delivery writes the marker back, so reconcile sees it again.
    func testARestoreEventFoundByTheIndexRepairsALostMarker() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        let marker = world.naming.openMarkerKey(fileSystemId: productionFS, runId: backupJobId)
        try await world.store.delete(marker)
        var open = try await world.orchestrator.repository.openRuns()
        XCTAssertTrue(open.isEmpty)
        let response = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "RUNNING"))
        XCTAssertTrue(response.contains(#""runId":"\#(backupJobId)""#), response)
        open = try await world.orchestrator.repository.openRuns()
        XCTAssertEqual(open.map(\.runId), [backupJobId])
    }

    /// The same crash, repaired by a racing creator that loses the run's own write.
    func testALosingCreatorWritesTheMissingMarker() async throws {
        let world = try World()
        await world.standardSetup()
        let repository = world.orchestrator.repository
        let run = Run(runId: "r1", origin: .backup, fileSystemId: productionFS, createdAt: world.clock.now(),
                      deadline: world.deadline, expiresAt: world.deadline)
        let marker = world.naming.openMarkerKey(fileSystemId: productionFS, runId: "r1")
        await world.store.failPuts(prefix: marker, times: 1)
        _ = try? await repository.create(run)
        let created = try await repository.create(run)
        XCTAssertFalse(created)
        let keys = await world.store.keys()
        XCTAssertTrue(keys.contains(marker))
    }

    /// Duplicate restored-task STOPPED events: the diff is claimed, so it runs once.
    func testDuplicateStoppedEventsDiffOnce() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.restoreCompletes()
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
        _ = try await world.handle(world.taskStopped(role: .post, exitCode: 0))
        let other = world.orchestrator
        let deadline = world.deadline
        let event = try await world.taskStopped(role: .restored, exitCode: 0)
        // A duplicate delivery arrives while this invocation is diffing.
        await world.differ.setDuringDiff {
            _ = try? await other.handle(event, deadline: deadline)
        }
        _ = try await world.handle(event)
        _ = try await world.handle(event)
        let diffs = await world.differ.requests.count
        XCTAssertEqual(diffs, 1)
        let run = try await world.run()
        XCTAssertEqual(run.result, .passed)
        XCTAssertEqual(run.phase, .done)
    }

    /// Lost conditional writes are retried after growing, jittered pauses, and a run that
    /// keeps losing ends with a clear conflict error, not S3's raw 412.
    func testConflictRetriesBackOffWithJitterAndGiveUpClearly() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        let key = world.naming.runKey(fileSystemId: productionFS, runId: backupJobId)
        let store = world.store
        @Sendable func sabotage(_ s: MemoryStore) async {
            if let body = try? await s.get(key)?.body { await s.rawPut(key, body) }
            await s.setInterference(prefix: key, sabotage)
        }
        await store.setInterference(prefix: key, sabotage)
        await world.restoreCompletes()
        var orchestrator = world.orchestrator
        orchestrator.jitter = { 1 }
        do {
            _ = try await orchestrator.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"), deadline: world.deadline)
            XCTFail("expected a conflict")
        } catch let error as OrchestratorError {
            XCTAssertEqual(error.kind, .conflict)
            XCTAssertEqual(error.message, "run \(backupJobId) of \(productionFS): 13 conditional writes lost to concurrent invocations; left for the next delivery or tick")
        }
        XCTAssertEqual(world.clock.sleeps.current, [0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 2, 2, 2, 2, 2, 2])
    }

    /// Eight lost writes in a row (more than the old limit of five) still end in success.
    func testAContendedRunStillAdvances() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        let key = world.naming.runKey(fileSystemId: productionFS, runId: backupJobId)
        let losses = Locked(8)
        @Sendable func sabotage(_ s: MemoryStore) async {
            guard losses.withLock({ n -> Bool in n -= 1; return n >= 0 }) else { return }
            if let body = try? await s.get(key)?.body { await s.rawPut(key, body) }
            await s.setInterference(prefix: key, sabotage)
        }
        await world.store.setInterference(prefix: key, sabotage)
        await world.restoreCompletes()
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
        let run = try await world.run()
        XCTAssertEqual(run.restoreStatus, "COMPLETED")
        XCTAssertNotNil(run.tasks[.restored])
        XCTAssertEqual(world.clock.sleeps.current.count, 8)
    }

    /// The deadline bounds the retries: none starts a pause that would cross it.
    func testConflictRetriesStopAtTheInvocationDeadline() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        let key = world.naming.runKey(fileSystemId: productionFS, runId: backupJobId)
        @Sendable func sabotage(_ s: MemoryStore) async {
            if let body = try? await s.get(key)?.body { await s.rawPut(key, body) }
            await s.setInterference(prefix: key, sabotage)
        }
        await world.store.setInterference(prefix: key, sabotage)
        var orchestrator = world.orchestrator
        orchestrator.jitter = { 1 }
        let deadline = world.clock.now().addingTimeInterval(world.config.invocationMargin + 0.5)
        do {
            _ = try await orchestrator.handle(world.restoreEvent(jobId: "restore-1", status: "RUNNING"), deadline: deadline)
            XCTFail("expected a conflict")
        } catch let error as OrchestratorError {
            XCTAssertEqual(error.kind, .conflict)
        }
        XCTAssertEqual(world.clock.sleeps.current, [0.05, 0.1, 0.2], "0.05 + 0.1 + 0.2 + 0.4 would cross the deadline")
    }

    /// `AccessPointAlreadyExists` for our client token: the existing access point is used.
    func testAccessPointAlreadyExistsFindsTheExistingOne() async throws {
        let server = try TestHTTPServer { request in
            switch (request.method, request.path) {
            case ("POST", "/2015-02-01/access-points"):
                return .text(409, #"{"ErrorCode":"AccessPointAlreadyExists","Message":"exists","AccessPointId":"fsap-0abc"}"#,
                             headers: [("x-amzn-ErrorType", "AccessPointAlreadyExists")])
            case ("GET", "/2015-02-01/access-points"):
                return .text(200, #"{"AccessPoints":[{"AccessPointId":"fsap-other","ClientToken":"someone-else","FileSystemId":"fs-1","Tags":[]},{"AccessPointId":"fsap-0abc","ClientToken":"ebv-ap-r1","FileSystemId":"fs-1","Tags":[{"Key":"efs-backup-verifier:run","Value":"r1"}]}]}"#)
            default:
                return .text(400, "unexpected \(request.method) \(request.target)")
            }
        }
        defer { server.stop() }
        let efs = EFSFileSystemService(client: try EFSClient(configuration: AWSClientConfiguration(
            region: "us-east-1", credentials: StaticCredentialProvider(Credentials(accessKeyId: "AKID", secretAccessKey: "secret")),
            endpoint: URL(string: server.baseURL), retry: .none)))
        let id = try await efs.createAccessPoint(AccessPointRequest(fileSystemId: "fs-1", clientToken: "ebv-ap-r1",
                                                                    tags: ["efs-backup-verifier:run": "r1"]))
        XCTAssertEqual(id, "fsap-0abc")
        do {
            _ = try await efs.createAccessPoint(AccessPointRequest(fileSystemId: "fs-1", clientToken: "ebv-ap-r2",
                                                                   tags: ["efs-backup-verifier:run": "r2"]))
            XCTFail("none of ours: an error")
        } catch let error as OrchestratorError {
            XCTAssertTrue(error.message.hasSuffix("and no access point of fs-1 carries our token or run tag"), error.message)
        }
    }
}
