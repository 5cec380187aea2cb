import Foundation
import XCTest
@testable import OrchestratorKit

final class PlannerTests: XCTestCase {
    func makeRun(_ origin: RunOrigin = .backup) -> Run {
        let start = Date(timeIntervalSince1970: 0)
        var run = Run(runId: "r", origin: origin, fileSystemId: "fs-1", createdAt: start, deadline: start.addingTimeInterval(100),
                      expiresAt: start.addingTimeInterval(200))
        run.baselineSearched = true
        run.baseline = ManifestRef(key: "b", completedAt: start)
        return run
    }

    func testOrderOfActiveSteps() {
        let planner = StepPlanner(postManifest: true)
        let now = Date(timeIntervalSince1970: 10)
        var r = makeRun()
        r.baselineSearched = false
        XCTAssertEqual(planner.next(r, now: now), .findBaseline)
        r = makeRun()
        XCTAssertEqual(planner.next(r, now: now), .startRestore)
        r.restoreJobId = "j"
        XCTAssertEqual(planner.next(r, now: now), .runPostTask)
        r.tasks[.post] = TaskRecord(clientToken: "t", manifestKey: "k")
        XCTAssertNil(planner.next(r, now: now), "waiting for the restore")
        r.restoreStatus = "COMPLETED"
        r.restoredFileSystemId = "fs-2"
        XCTAssertEqual(planner.next(r, now: now), .tagRestoredFileSystem)
        r.restoredFileSystemTagged = true
        XCTAssertEqual(planner.next(r, now: now), .createMountTargets)
        r.mountTargetIds = ["m"]
        XCTAssertEqual(planner.next(r, now: now), .awaitMountTargets)
        r.mountTargetsAvailable = true
        XCTAssertEqual(planner.next(r, now: now), .createAccessPoint)
        r.accessPointId = "a"
        XCTAssertEqual(planner.next(r, now: now), .awaitAccessPoint)
        r.accessPointAvailable = true
        XCTAssertEqual(planner.next(r, now: now), .registerTaskDefinition)
        r.taskDefinitionArn = "td"
        XCTAssertEqual(planner.next(r, now: now), .runRestoredTask)
        r.tasks[.restored] = TaskRecord(clientToken: "t2", manifestKey: "k2")
        XCTAssertNil(planner.next(r, now: now))
        r.tasks[.restored]?.lastStatus = "STOPPED"
        r.tasks[.restored]?.exitCode = 0
        XCTAssertNil(planner.next(r, now: now), "post still running")
        r.tasks[.post]?.lastStatus = "STOPPED"
        r.tasks[.post]?.exitCode = 0
        XCTAssertEqual(planner.next(r, now: now), .verdict)
        XCTAssertEqual(planner.next(r, now: Date(timeIntervalSince1970: 100)), .timeout)
    }

    func testOrderOfFinishingSteps() {
        let planner = StepPlanner(postManifest: true)
        let now = Date(timeIntervalSince1970: 10)
        var r = makeRun()
        r.restoreJobId = "j"
        r.restoreStatus = "COMPLETED"
        r.restoredFileSystemId = "fs-2"
        r.restoredFileSystemTagged = true
        r.mountTargetIds = ["m"]
        r.accessPointId = "a"
        r.taskDefinitionArn = "td"
        r.finish(.passed, "ok", at: now)
        var steps: [Step] = []
        while let step = planner.next(r, now: now), step != .complete {
            steps.append(step)
            switch step {
            case .notify: r.notified = true
            case .emitMetrics: r.metricsEmitted = true
            case .stopTasks: r.cleanup.tasksStopped = true
            case .deregisterTaskDefinition: r.cleanup.taskDefinitionDeregistered = true
            case .deleteAccessPoint: r.cleanup.accessPointDeleted = true
            case .deleteMountTargets: r.cleanup.mountTargetsDeleted = true
            case .awaitMountTargetsGone: r.cleanup.mountTargetsGone = true
            case .deleteFileSystem: r.cleanup.fileSystemDeleted = true
            default: return XCTFail("unexpected \(step)")
            }
        }
        XCTAssertEqual(steps, [.notify, .emitMetrics, .stopTasks, .deregisterTaskDefinition, .deleteAccessPoint,
                               .deleteMountTargets, .awaitMountTargetsGone, .deleteFileSystem])
    }
}
