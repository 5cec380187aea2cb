import Foundation
import XCTest
@testable import OrchestratorKit

/// Once-only actions are claimed in the run (conditional write) before they happen: of two
/// invocations racing at the step, only the one whose claim was written acts.
final class ClaimTests: XCTestCase {
    /// Brings the sample run to "both manifests in except the restored one's stop event".
    func prepared(_ world: World) async throws -> OrchestratorEvent {
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.restoreCompletes()
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
        await world.manifests.addExisting(world.naming.manifestKey(fileSystemId: productionFS, runId: backupJobId, role: .post))
        _ = try await world.handle(world.taskStopped(role: .post, exitCode: 0))
        return try await world.taskStopped(role: .restored, exitCode: 0)
    }

    /// Lets a second invocation handle `event` right before this one writes a run for which
    /// `when` holds — i.e. the two race at that step.
    func race(_ world: World, _ event: OrchestratorEvent, runId: String = backupJobId, when: @escaping @Sendable (Run) -> Bool) async {
        let other = world.orchestrator
        let deadline = world.deadline
        await world.store.setInterference(
            prefix: world.naming.runKey(fileSystemId: productionFS, runId: runId),
            when: { body in (try? Run.decoded(from: body)).map(when) ?? false }
        ) { _ in _ = try? await other.handle(event, deadline: deadline) }
    }

    /// Another invocation writes the run (a note, nothing else) right before this one writes
    /// a run for which `when` holds: a bare concurrent write, for steps that leave the other
    /// invocation nothing to do.
    func bareWrite(_ world: World, runId: String = backupJobId, when: @escaping @Sendable (Run) -> Bool) async {
        let key = world.naming.runKey(fileSystemId: productionFS, runId: runId)
        let at = world.clock.now()
        await world.store.setInterference(prefix: key, when: { (try? Run.decoded(from: $0)).map(when) ?? false }) { store in
            guard var other = try? await store.run(key) else { return }
            other.note("another invocation's write", at: at)
            await store.rawPut(key, (try? other.encoded()) ?? Data())
        }
    }

    func testRacingInvocationsPublishTheSummaryOnce() async throws {
        let world = try World()
        let event = try await prepared(world)
        await race(world, event) { $0.notified || $0.claims?[.notify] != nil }
        _ = try await world.handle(event)

        let subjects = await world.publishedSubjects()
        XCTAssertEqual(subjects, ["[efs-backup-verifier] PASSED fs-0123456789abcdef0 run a827233a-d405-4a86-a440-759fa94f34dd"])
        let run = try await world.run()
        XCTAssertEqual(run.phase, .done)
        XCTAssertEqual(run.history.filter { $0.hasSuffix(" claimed notify") }.count, 1)
        XCTAssertTrue(world.logs.messages(level: "warn").contains("conditional write lost; re-reading the run"))
    }

    func testRacingInvocationsEmitTheMetricsLineOnce() async throws {
        let world = try World()
        let event = try await prepared(world)
        await race(world, event) { $0.metricsEmitted || $0.claims?[.metrics] != nil }
        _ = try await world.handle(event)

        XCTAssertEqual(world.metrics.lines.current.count, 1)
        let subjects = await world.publishedSubjects()
        XCTAssertEqual(subjects.count, 1)
        let run = try await world.run()
        XCTAssertEqual(run.phase, .done)
    }

    /// The summary is published, then another invocation writes the run (a reconcile tick
    /// doing the next steps) before this one saves `notified`: the outcome is saved on the
    /// re-read run. Lost, the claim would stay live with nothing recorded — the run waits
    /// for it to expire, then publishes a second summary.
    func testAPublishedSummaryIsRecordedWhenItsWriteLosesARace() async throws {
        let world = try World()
        let event = try await prepared(world)
        await race(world, .reconcile) { $0.notified }
        _ = try await world.handle(event)

        var run = try await world.run()
        XCTAssertTrue(run.notified)
        XCTAssertEqual(run.phase, .done)
        XCTAssertTrue(world.logs.messages(level: "warn").contains("conditional write lost; re-reading the run"))
        world.clock.advance(3600)
        _ = try await world.handle(.reconcile)
        run = try await world.run()
        XCTAssertEqual(run.history.filter { $0.hasSuffix(" notified") }.count, 1)
        let subjects = await world.publishedSubjects()
        XCTAssertEqual(subjects, ["[efs-backup-verifier] PASSED fs-0123456789abcdef0 run a827233a-d405-4a86-a440-759fa94f34dd"])
    }

    /// The same for an in-Lambda diff: its verdict is saved on the re-read run, so the run
    /// goes on at once and the diff is never run a second time after the claim expires.
    func testAnInLambdaVerdictIsRecordedWhenItsWriteLosesARace() async throws {
        let world = try World()
        let event = try await prepared(world)
        // Nothing is left for another invocation to do here (the verdict claim is live).
        await bareWrite(world) { $0.result != nil }
        _ = try await world.handle(event)

        var run = try await world.run()
        XCTAssertEqual(run.result, .passed)
        XCTAssertEqual(run.phase, .done)
        XCTAssertTrue(world.logs.messages(level: "warn").contains("conditional write lost; re-reading the run"))
        world.clock.advance(3600)
        _ = try await world.handle(.reconcile)
        run = try await world.run()
        let diffs = await world.differ.requests
        XCTAssertEqual(diffs.count, 1)
        XCTAssertEqual(run.history.filter { $0.contains("result passed") }.count, 1)
        let subjects = await world.publishedSubjects()
        XCTAssertEqual(subjects.count, 1)
    }

    /// The same for the EMF line: emitted once, recorded although its write lost a race.
    func testAnEmittedMetricsLineIsRecordedWhenItsWriteLosesARace() async throws {
        let world = try World()
        let event = try await prepared(world)
        await race(world, .reconcile) { $0.metricsEmitted }
        _ = try await world.handle(event)

        let run = try await world.run()
        XCTAssertTrue(run.metricsEmitted)
        XCTAssertEqual(run.phase, .done)
        world.clock.advance(3600)
        _ = try await world.handle(.reconcile)
        XCTAssertEqual(world.metrics.lines.current.filter { $0.contains("\"RunPassed\"") }.count, 1)
    }

    /// The same for the restore-testing validation result.
    func testAPostedValidationResultIsRecordedWhenItsWriteLosesARace() async throws {
        let world = try World()
        let jobId = "AB123456-78C9-0123-456D-789012E34567"
        await world.restoreTestingSetup(jobId: jobId)
        _ = try await world.handle(world.decode("restore-job-completed-testing.json"))
        let event = try await world.taskStopped(role: .restored, exitCode: 0, runId: "rt-" + jobId)
        // Nothing is left for another invocation to do here: a bare concurrent write.
        await bareWrite(world, runId: "rt-" + jobId) { $0.validationReported }
        _ = try await world.handle(event)

        let run = try await world.run("rt-" + jobId)
        XCTAssertTrue(run.validationReported)
        XCTAssertEqual(run.phase, .done)
        world.clock.advance(3600)
        _ = try await world.handle(.reconcile)
        let validations = await world.backup.validations
        XCTAssertEqual(validations.map(\.status), [.successful])
    }

    func testALiveClaimMakesOthersWaitAndAnExpiredOneIsTakenOver() async throws {
        let world = try World()
        let event = try await prepared(world)
        // An invocation claimed the notification and died before publishing.
        let key = world.naming.runKey(fileSystemId: productionFS, runId: backupJobId)
        _ = try await world.handle(event)
        var run = try await world.run()
        run.phase = .finishing
        run.notified = false
        run.metricsEmitted = false
        run.claims = [.notify: world.clock.now().addingTimeInterval(600)]
        await world.store.rawPut(key, try run.encoded())
        await world.store.rawPut(world.naming.openMarkerKey(fileSystemId: productionFS, runId: backupJobId), Data())
        let publishedBefore = await world.publishedSubjects().count

        _ = try await world.handle(.reconcile)
        let waiting = try await world.run()
        XCTAssertFalse(waiting.notified, "the claim is live: wait")
        let publishedWhileLive = await world.publishedSubjects().count
        XCTAssertEqual(publishedWhileLive, publishedBefore)

        world.clock.advance(601)
        _ = try await world.handle(.reconcile)
        run = try await world.run()
        XCTAssertTrue(run.notified)
        XCTAssertEqual(run.phase, .done)
        XCTAssertTrue(run.history.contains { $0.hasSuffix(" claimed notify again (earlier claim expired)") })
        let publishedAfter = await world.publishedSubjects().count
        XCTAssertEqual(publishedAfter, publishedBefore + 1)
    }

    func testRacingInvocationsPostOneValidationResult() async throws {
        let world = try World()
        let jobId = "AB123456-78C9-0123-456D-789012E34567"
        await world.restoreTestingSetup(jobId: jobId)
        _ = try await world.handle(world.decode("restore-job-completed-testing.json"))
        let event = try await world.taskStopped(role: .restored, exitCode: 0, runId: "rt-" + jobId)
        await race(world, event, runId: "rt-" + jobId) { $0.validationReported || $0.claims?[.validation] != nil }
        _ = try await world.handle(event)

        let validations = await world.backup.validations
        XCTAssertEqual(validations.map(\.status), [.successful])
        let run = try await world.run("rt-" + jobId)
        XCTAssertEqual(run.phase, .done)
    }

    /// The revision was made but the invocation died before saving its ARN: the next attempt
    /// finds it by its run tag instead of registering another.
    func testLostRegisterAnswerReusesTheTaggedRevision() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.restoreCompletes()
        // Revisions of the same family that are not this run's.
        let foreign = await world.ecs.addRevision(family: "manifest-worker-restored",
                                                  tags: ["efs-backup-verifier:run": "another-run", "efs-backup-verifier:expires": "2025-03-05T11:41:17Z"])
        await world.ecs.setFailAfterRegistering(OrchestratorError(.service, "connection reset"))
        let event = try world.restoreEvent(jobId: "restore-1", status: "COMPLETED")
        do {
            _ = try await world.handle(event)
            XCTFail("expected the lost answer to fail the invocation")
        } catch let error as OrchestratorError {
            XCTAssertEqual(error, OrchestratorError(.service, "connection reset"))
        }
        var run = try await world.run()
        XCTAssertNil(run.taskDefinitionArn)
        XCTAssertNotNil(run.claims?[.registerTaskDefinition], "the intent was saved before the call")

        // A redelivery while the claim is live registers nothing.
        _ = try await world.handle(event)
        var registered = await world.ecs.registered.count
        XCTAssertEqual(registered, 1)

        world.clock.advance(901)
        _ = try await world.handle(event)
        run = try await world.run()
        XCTAssertEqual(run.taskDefinitionArn, "arn:aws:ecs:us-east-1:123456789012:task-definition/manifest-worker-restored:2")
        XCTAssertNotEqual(run.taskDefinitionArn, foreign)
        registered = await world.ecs.registered.count
        XCTAssertEqual(registered, 1, "no second revision")
        let restoredRun = await world.ecs.runRequests.last
        XCTAssertEqual(restoredRun?.taskDefinition, "arn:aws:ecs:us-east-1:123456789012:task-definition/manifest-worker-restored:2")
        XCTAssertTrue(run.history.contains { $0.hasSuffix("(registered by an earlier attempt)") })
    }

    /// An earlier attempt claimed but never got as far as registering: one fresh revision.
    func testExpiredClaimWithoutARevisionRegistersOne() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.restoreCompletes()
        let key = world.naming.runKey(fileSystemId: productionFS, runId: backupJobId)
        var run = try await world.run()
        run.claims = [.registerTaskDefinition: world.clock.now().addingTimeInterval(-1)]
        await world.store.rawPut(key, try run.encoded())
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
        let registered = await world.ecs.registered.count
        XCTAssertEqual(registered, 1)
        run = try await world.run()
        XCTAssertEqual(run.taskDefinitionArn, "arn:aws:ecs:us-east-1:123456789012:task-definition/manifest-worker-restored:1")
        let calls = await world.ecs.calls
        XCTAssertEqual(calls.filter { $0 == "listTaskDefinitions" || $0 == "register" }, ["listTaskDefinitions", "register"])
    }

    func testFirstClaimRegistersWithoutALookup() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.restoreCompletes()
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
        let calls = await world.ecs.calls
        XCTAssertEqual(calls.filter { $0 == "listTaskDefinitions" || $0 == "register" }, ["register"])
    }
}
