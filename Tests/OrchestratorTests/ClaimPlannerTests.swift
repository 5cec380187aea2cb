import Foundation
import XCTest
@testable import OrchestratorKit

/// The planner's side of claims and of the bounded wait for a restore (pure).
final class ClaimPlannerTests: XCTestCase {
    let planner = StepPlanner(postManifest: false)
    let start = Date(timeIntervalSince1970: 0)

    func finishing(_ origin: RunOrigin = .backup) -> Run {
        var run = Run(runId: "r", origin: origin, fileSystemId: "fs-1", createdAt: start, deadline: start.addingTimeInterval(100),
                      expiresAt: start.addingTimeInterval(200))
        run.finish(.taskFailed, "post failed", at: start)
        run.cleanup.tasksStopped = true
        return run
    }

    func testALiveClaimWaitsAndAnExpiredOneIsRetried() {
        var run = finishing()
        XCTAssertEqual(planner.next(run, now: start), .notify)
        run.claims = [.notify: start.addingTimeInterval(60)]
        XCTAssertEqual(planner.next(run, now: start.addingTimeInterval(59)), .emitMetrics, "a live claim holds back only its own action")
        run.metricsEmitted = true
        XCTAssertNil(planner.next(run, now: start.addingTimeInterval(59)), "the run stays open for the claimed notification")
        XCTAssertEqual(planner.next(run, now: start.addingTimeInterval(60)), .notify)
        run.notified = true
        run.metricsEmitted = false
        XCTAssertEqual(planner.next(run, now: start), .emitMetrics)
        run.claims?[.metrics] = start.addingTimeInterval(60)
        XCTAssertNil(planner.next(run, now: start))
        run.metricsEmitted = true
        XCTAssertEqual(planner.next(run, now: start), .complete)
    }

    /// A failing side effect waits out its backoff while cleanup goes on, and the run
    /// completes once it is given up.
    func testAFailedSideEffectNeverHoldsBackCleanupAndIsGivenUpAfterItsAttempts() {
        var run = finishing()
        run.cleanup.tasksStopped = false
        run.recordSideEffectFailure(.summary, "SNS down", at: start, attempts: StepPlanner.sideEffectAttempts)
        XCTAssertEqual(run.sideEffectFailures?["summary"]?.retryAt, start.addingTimeInterval(60))
        XCTAssertEqual(planner.next(run, now: start), .emitMetrics)
        run.metricsEmitted = true
        XCTAssertEqual(planner.next(run, now: start), .stopTasks, "cleanup does not wait for the summary")
        run.cleanup.tasksStopped = true
        XCTAssertNil(planner.next(run, now: start.addingTimeInterval(59)), "owed: the run stays open for the retry")
        XCTAssertEqual(planner.next(run, now: start.addingTimeInterval(60)), .notify)
        for attempt in 2...StepPlanner.sideEffectAttempts {
            run.recordSideEffectFailure(.summary, "SNS down", at: start, attempts: StepPlanner.sideEffectAttempts)
            XCTAssertEqual(run.sideEffectFailures?["summary"]?.failures, attempt)
        }
        XCTAssertEqual(run.sideEffectFailures?["summary"]?.gaveUp, true)
        XCTAssertEqual(planner.next(run, now: start.addingTimeInterval(86_400)), .complete)
    }

    func testValidationClaim() {
        var run = finishing(.restoreTesting)
        run.restoreJobId = "j"
        run.notified = true
        run.metricsEmitted = true
        XCTAssertEqual(planner.next(run, now: start), .reportValidation)
        run.claims = [.validation: start.addingTimeInterval(1)]
        XCTAssertNil(planner.next(run, now: start))
        XCTAssertEqual(planner.next(run, now: start.addingTimeInterval(1)), .reportValidation)
    }

    func testRegisterTaskDefinitionClaim() {
        var run = Run(runId: "r", origin: .backup, fileSystemId: "fs-1", createdAt: start, deadline: start.addingTimeInterval(100),
                      expiresAt: start.addingTimeInterval(200))
        run.baselineSearched = true
        run.baseline = ManifestRef(key: "b", completedAt: start)
        run.restoreJobId = "j"
        run.restoreStatus = "COMPLETED"
        run.restoredFileSystemId = "fs-2"
        run.restoredFileSystemTagged = true
        run.mountTargetIds = ["m"]
        run.mountTargetsAvailable = true
        run.accessPointId = "a"
        run.accessPointAvailable = true
        XCTAssertEqual(planner.next(run, now: start), .registerTaskDefinition)
        run.claims = [.registerTaskDefinition: start.addingTimeInterval(10)]
        XCTAssertNil(planner.next(run, now: start.addingTimeInterval(9)))
        XCTAssertEqual(planner.next(run, now: start.addingTimeInterval(10)), .registerTaskDefinition)
    }

    func testTheWaitForAnUnknownRestoreIsBoundedByTheDeadline() {
        var run = finishing()
        run.notified = true
        run.metricsEmitted = true
        run.restoreJobId = "j"
        run.restoreStatus = "RUNNING"
        let late = start.addingTimeInterval(100)
        XCTAssertNil(planner.next(run, now: late), "a running restore is waited for")
        run.restoreLookupFailures = StepPlanner.restoreLookupAttempts - 1
        XCTAssertNil(planner.next(run, now: late))
        run.restoreLookupFailures = StepPlanner.restoreLookupAttempts
        XCTAssertNil(planner.next(run, now: start.addingTimeInterval(99)), "not before the deadline")
        XCTAssertEqual(planner.next(run, now: late), .abandonRestore)
        run.restoreAbandoned = true
        XCTAssertEqual(planner.next(run, now: late), .complete)
        run.restoredFileSystemId = "fs-2"
        run.restoredFileSystemTagged = true
        XCTAssertEqual(planner.next(run, now: late), .deleteMountTargets, "what is recorded is still cleaned up: any mount target first")
        run.cleanup.mountTargetsDeleted = true
        run.cleanup.mountTargetsGone = true
        XCTAssertEqual(planner.next(run, now: late), .deleteFileSystem)
    }
}
