import AWSLite
import Foundation
import XCTest
@testable import OrchestratorKit

/// Item 6: mount-target security groups, and subnets in Availability Zones EFS does not support.
final class NetworkingTests: XCTestCase {
    func world(_ extra: [String: String] = [:]) throws -> World {
        try World(environment: testEnvironment.merging(extra) { _, new in new })
    }

    func restoreCompleted(_ world: World) async throws {
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.restoreCompletes()
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
    }

    func testMountTargetsGetTheirOwnSecurityGroupsWhenConfigured() async throws {
        let world = try world(["EBV_MOUNT_TARGET_SECURITY_GROUPS": "sg-nfs1, sg-nfs2"])
        XCTAssertEqual(world.config.mountTargetSecurityGroups, ["sg-nfs1", "sg-nfs2"])
        try await restoreCompleted(world)
        let groups = await world.efs.mountTargetGroups
        XCTAssertEqual(groups, [["sg-nfs1", "sg-nfs2"], ["sg-nfs1", "sg-nfs2"]])
        let taskGroups = await world.ecs.runRequests.map(\.securityGroups)
        XCTAssertEqual(taskGroups, [["sg-111"], ["sg-111"]], "tasks keep EBV_SECURITY_GROUPS")
    }

    func testMountTargetsUseTheTaskGroupsByDefault() async throws {
        let world = try world()
        XCTAssertNil(world.config.mountTargetSecurityGroups)
        try await restoreCompleted(world)
        let groups = await world.efs.mountTargetGroups
        XCTAssertEqual(groups, [["sg-111"], ["sg-111"]])
    }

    func testInvalidMountTargetSecurityGroups() throws {
        XCTAssertThrowsError(try world(["EBV_MOUNT_TARGET_SECURITY_GROUPS": "sg-1,vpc-2"])) { error in
            XCTAssertEqual(error as? OrchestratorError, OrchestratorError(.configuration, #"EBV_MOUNT_TARGET_SECURITY_GROUPS: not a sg-… id: "vpc-2""#))
        }
        XCTAssertNil(try world(["EBV_MOUNT_TARGET_SECURITY_GROUPS": " "]).config.mountTargetSecurityGroups, "empty means unset")
    }

    func testASubnetInAnUnsupportedZoneIsSkippedWithAWarning() async throws {
        let world = try world()
        await world.efs.setUnsupportedSubnets(["subnet-aaa"])
        try await restoreCompleted(world)
        let run = try await world.run()
        XCTAssertNil(run.result)
        XCTAssertEqual(run.mountTargetIds, ["fsmt-1"])
        XCTAssertNotNil(run.taskDefinitionArn, "the run goes on with the other subnet's mount target")
        XCTAssertTrue(run.history.contains { $0.hasSuffix("mount targets fsmt-1 (skipped subnet-aaa: UnsupportedAvailabilityZone)") })
        let warning = try XCTUnwrap(world.logs.records.first { ($0["message"] as? String) == "subnet skipped: its Availability Zone does not support EFS" })
        XCTAssertEqual(warning["subnetId"] as? String, "subnet-aaa")
        XCTAssertEqual(warning["awsErrorCode"] as? String, "UnsupportedAvailabilityZone")
        XCTAssertEqual(warning["httpStatus"] as? String, "400")
        XCTAssertEqual(warning["awsRequestId"] as? String, "req-subnet-aaa")
        XCTAssertEqual(warning["level"] as? String, "warn")
    }

    func testNoSupportedSubnetFailsTheRunAtOnceWithAnAlert() async throws {
        let world = try world()
        await world.efs.setUnsupportedSubnets(["subnet-aaa", "subnet-bbb"])
        try await restoreCompleted(world)
        let run = try await world.run()
        XCTAssertEqual(run.result, .error)
        XCTAssertEqual(run.resultMessage, "no mount target for \(restoredFS): every configured subnet (subnet-aaa, subnet-bbb) is in an Availability Zone EFS does not support (UnsupportedAvailabilityZone); configure EBV_SUBNETS in supported zones")
        XCTAssertEqual(run.mountTargetIds, [])
        let published = await world.notifier.published
        XCTAssertEqual(published.count, 1)
        XCTAssertTrue(published.first?.message.contains("UnsupportedAvailabilityZone") ?? false)
        XCTAssertEqual(run.cleanup.fileSystemDeleted, true, "the restored file system is deleted, not left until the deadline")
    }

    func testOtherMountTargetFailuresStillThrowWithTheirAWSDetails() async throws {
        let world = try world()
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        await world.restoreCompletes()
        await world.efs.setCreateMountTargetFailure(AWSError(kind: .service, service: "elasticfilesystem", code: "NoFreeAddressesInSubnet",
                                                             message: "no free addresses", httpStatus: 409, requestId: "req-9"))
        do {
            _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
            XCTFail("expected the step to fail")
        } catch let error as OrchestratorError {
            XCTAssertEqual(error.kind, .service)
            XCTAssertEqual(error.awsErrorCode, "NoFreeAddressesInSubnet")
            XCTAssertEqual(error.httpStatus, 409)
            XCTAssertEqual(error.requestId, "req-9")
            XCTAssertTrue(error.message.hasPrefix("CreateMountTarget subnet-aaa: elasticfilesystem NoFreeAddressesInSubnet: no free addresses"), error.message)
        }
    }
}
