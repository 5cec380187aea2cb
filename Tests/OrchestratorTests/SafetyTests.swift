import Foundation
import XCTest
@testable import OrchestratorKit

/// DESIGN.md §6: a file system is deleted only if it carries this run's tag and is the
/// run's recorded restore; anything else is refused and alerted.
final class SafetyTests: XCTestCase {
    func runToRestoredTask(_ world: World) async throws {
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.restoreCompletes()
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
    }

    func testUntaggedFileSystemIsNeverDeleted() async throws {
        let world = try World()
        try await runToRestoredTask(world)
        await world.efs.setTags(restoredFS, [:])  // someone removed our tag
        _ = try await world.handle(world.taskStopped(role: .restored, exitCode: 0))
        _ = try await world.handle(world.taskStopped(role: .post, exitCode: 0))
        let run = try await world.run()
        XCTAssertEqual(run.cleanup.refusal, "\(restoredFS) carries no run tag, not \(backupJobId)")
        XCTAssertEqual(run.phase, .done)
        let deleted = await world.efs.deletedFileSystems
        XCTAssertEqual(deleted, [])
        let published = await world.notifier.published
        XCTAssertEqual(published.map(\.subject), [
            "[efs-backup-verifier] PASSED fs-0123456789abcdef0 run a827233a-d405-4a86-a440-759fa94f34dd",
            "[efs-backup-verifier] ALERT refused to delete fs-0fedcba9876543210",
        ])
        XCTAssertEqual(published[1].message, "Run \(backupJobId) of \(productionFS): \(restoredFS) carries no run tag, not \(backupJobId)\nNothing was deleted. Please check by hand.\n")
        XCTAssertTrue(world.logs.messages(level: "error").contains("safety refusal"))
    }

    func testFileSystemTaggedByAnotherRunIsNeverDeleted() async throws {
        let world = try World()
        try await runToRestoredTask(world)
        await world.efs.setTags(restoredFS, ["efs-backup-verifier:run": "other-run"])
        _ = try await world.handle(world.taskStopped(role: .restored, exitCode: 0))
        _ = try await world.handle(world.taskStopped(role: .post, exitCode: 0))
        let run = try await world.run()
        XCTAssertEqual(run.cleanup.refusal, "\(restoredFS) carries run tag other-run, not \(backupJobId)")
        let deleted = await world.efs.deletedFileSystems
        XCTAssertEqual(deleted, [])
    }

    func testRestoreReportingAProductionFileSystemIsNeverTouched() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        let productionArn = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/" + productionFS
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED", createdResource: productionArn))
        let run = try await world.run()
        XCTAssertEqual(run.result, .error)
        XCTAssertEqual(run.resultMessage, "refused: \(productionFS) is a file system under verification")
        let efsCalls = await world.efs.calls
        XCTAssertEqual(efsCalls, [], "no tag, no mount target, no delete on production")
        let subjects = await world.publishedSubjects()
        XCTAssertEqual(subjects, ["[efs-backup-verifier] ERROR fs-0123456789abcdef0 run a827233a-d405-4a86-a440-759fa94f34dd"])
    }

    func testForeignTaggedRestoreIsNotTaggedOrMounted() async throws {
        let world = try World()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.restoreCompletes()
        await world.efs.setTags(restoredFS, ["efs-backup-verifier:run": "other-run"])
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
        let run = try await world.run()
        XCTAssertEqual(run.result, .error)
        XCTAssertEqual(run.cleanup.refusal, "\(restoredFS) carries run tag other-run, not \(backupJobId)")
        let efsCalls = await world.efs.calls
        XCTAssertEqual(efsCalls, [])
    }

    /// A mount target a racing invocation created but never recorded (its own save lost)
    /// is on our tagged restore: cleanup deletes it too, and the file system goes.
    func testAnUnrecordedMountTargetOnOurRestoreIsDeletedToo() async throws {
        let world = try World()
        try await runToRestoredTask(world)
        _ = try await world.efs.createMountTarget(fileSystemId: restoredFS, subnetId: "subnet-zzz", securityGroups: [])
        _ = try await world.handle(world.taskStopped(role: .post, exitCode: 0))
        _ = try await world.handle(world.taskStopped(role: .restored, exitCode: 0))
        let run = try await world.run()
        XCTAssertEqual(run.phase, .done)
        XCTAssertEqual(run.mountTargetIds, ["fsmt-1", "fsmt-2"])
        let remaining = await world.efs.mountTargets.keys.sorted()
        XCTAssertEqual(remaining, [])
        let deleted = await world.efs.deletedFileSystems
        XCTAssertEqual(deleted, [restoredFS])
    }

    /// Someone removed our tag: only the mount targets the run recorded are deleted, and
    /// the file system is refused.
    func testUnrecordedMountTargetsAreLeftWhenTheFileSystemLostOurTag() async throws {
        let world = try World()
        try await runToRestoredTask(world)
        _ = try await world.efs.createMountTarget(fileSystemId: restoredFS, subnetId: "subnet-zzz", securityGroups: [])
        await world.efs.setTags(restoredFS, [:])
        _ = try await world.handle(world.taskStopped(role: .post, exitCode: 0))
        _ = try await world.handle(world.taskStopped(role: .restored, exitCode: 0))
        let run = try await world.run()
        XCTAssertNotNil(run.cleanup.refusal)
        let remaining = await world.efs.mountTargets.keys.sorted()
        XCTAssertEqual(remaining, ["fsmt-3"], "not ours by tag any more: only the recorded ones were deleted")
        let deleted = await world.efs.deletedFileSystems
        XCTAssertEqual(deleted, [])
    }

    /// A mount target appearing after cleanup deleted ours keeps the file system in use:
    /// the next tick deletes it; one that stays in use past the bound is alerted once.
    func testFileSystemInUseIsRetriedAndAlertedPastTheBound() async throws {
        let world = try World()
        try await runToRestoredTask(world)
        await world.efs.setMountTargetAppearsOnDelete(restoredFS, times: 1000)
        _ = try await world.handle(world.taskStopped(role: .post, exitCode: 0))
        _ = try await world.handle(world.taskStopped(role: .restored, exitCode: 0))
        var run = try await world.run()
        XCTAssertEqual(run.phase, .finishing)
        XCTAssertFalse(run.cleanup.fileSystemDeleted)
        let since = try XCTUnwrap(run.cleanup.fileSystemInUseSince)
        world.clock.advance(Orchestrator.fileSystemInUseAlertAfter - 1)
        _ = try await world.handle(.reconcile)
        var alerts = await world.publishedSubjects().filter { $0.contains("ALERT") }
        XCTAssertEqual(alerts, [], "not before the bound")
        world.clock.advance(1)
        _ = try await world.handle(.reconcile)
        _ = try await world.handle(.reconcile)
        alerts = await world.publishedSubjects().filter { $0.contains("ALERT") }
        XCTAssertEqual(alerts, ["[efs-backup-verifier] ALERT \(restoredFS) still in use"], "alerted once")
        run = try await world.run()
        XCTAssertEqual(run.cleanup.fileSystemInUseSince, since)
        await world.efs.setMountTargetAppearsOnDelete(restoredFS, times: 0)
        _ = try await world.handle(.reconcile)  // the last late target is still deleting
        _ = try await world.handle(.reconcile)
        run = try await world.run()
        XCTAssertEqual(run.phase, .done)
        let deleted = await world.efs.deletedFileSystems
        XCTAssertEqual(deleted, [restoredFS])
    }
}
