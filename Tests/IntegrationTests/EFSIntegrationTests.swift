import AWSLite
import Foundation
import TestSupport
import XCTest

/// The EFS calls a verification run makes on a restored file system, through AWSLite
/// against moto with signature checking on. (moto ignores `ClientToken` for access points.)
final class EFSIntegrationTests: XCTestCase {
    private var aws: LocalAWS!
    private var efs: EFSClient!

    override func setUp() async throws {
        aws = try await Integration.freshHarness()
        efs = try EFSClient(configuration: Integration.configuration(aws))
    }

    func testDescribeFileSystemsOneAndPaged() async throws {
        let first = try await aws.createFileSystem(creationToken: "restore-a", tags: ["Name": "restored a"])
        let second = try await aws.createFileSystem(creationToken: "restore-b")

        let all = try await efs.describeFileSystems()
        XCTAssertEqual(all.items.map(\.fileSystemId).sorted(), [first.id, second.id].sorted())
        XCTAssertNil(all.next)

        let one = try await efs.describeFileSystems(fileSystemId: first.id)
        let described = try XCTUnwrap(one.items.first)
        XCTAssertEqual(one.items.count, 1)
        XCTAssertEqual(described.fileSystemArn, first.arn)
        XCTAssertEqual(described.creationToken, "restore-a")
        XCTAssertEqual(described.lifeCycleState, "available")
        XCTAssertEqual(described.encrypted, true)
        XCTAssertEqual(described.numberOfMountTargets, 0)
        XCTAssertEqual(described.tags, [EFSTag(key: "Name", value: "restored a")])
        XCTAssertEqual(described.name, "restored a")

        let page1 = try await efs.describeFileSystems(maxItems: 1)
        XCTAssertEqual(page1.items.count, 1)
        let marker = try XCTUnwrap(page1.next)
        let page2 = try await efs.describeFileSystems(marker: marker, maxItems: 1)
        XCTAssertEqual(page2.items.count, 1)
        XCTAssertNil(page2.next)
        XCTAssertEqual(Set((page1.items + page2.items).map(\.fileSystemId)), [first.id, second.id])

        let missing = await assertAWSError { _ = try await self.efs.describeFileSystems(fileSystemId: "fs-00000000000000000") }
        XCTAssertEqual(missing?.httpStatus, 404)
        XCTAssertEqual(missing?.code, "FileSystemNotFound")
        XCTAssertEqual(missing?.isNotFound, true)
    }

    func testMountTargetsBlockDeletionUntilDeleted() async throws {
        let fileSystem = try await aws.createFileSystem(creationToken: "restore-mt")
        let network = try await aws.defaultNetwork()
        let target = try await efs.createMountTarget(
            fileSystemId: fileSystem.id, subnetId: network.subnetIds[0], securityGroups: [network.securityGroupId])
        XCTAssertEqual(target.fileSystemId, fileSystem.id)
        XCTAssertEqual(target.subnetId, network.subnetIds[0])
        XCTAssertTrue(target.mountTargetId.hasPrefix("fsmt-"), target.mountTargetId)

        let byFileSystem = try await efs.describeMountTargets(fileSystemId: fileSystem.id)
        XCTAssertEqual(byFileSystem.items.map(\.mountTargetId), [target.mountTargetId])
        let byId = try await efs.describeMountTargets(mountTargetId: target.mountTargetId)
        XCTAssertEqual(byId.items.map(\.subnetId), [network.subnetIds[0]])
        XCTAssertEqual(byId.items.first?.lifeCycleState, "available")

        let inUse = await assertAWSError { try await self.efs.deleteFileSystem(fileSystem.id) }
        XCTAssertEqual(inUse?.kind, .service)
        XCTAssertEqual(inUse?.httpStatus, 409)
        XCTAssertEqual(inUse?.code, "FileSystemInUse")
        XCTAssertEqual(inUse?.operation, "DeleteFileSystem")

        try await efs.deleteMountTarget(target.mountTargetId)
        let none = try await efs.describeMountTargets(fileSystemId: fileSystem.id)
        XCTAssertEqual(none.items, [])
        try await efs.deleteFileSystem(fileSystem.id)
        let left = try await efs.describeFileSystems()
        XCTAssertEqual(left.items, [])
        let gone = await assertAWSError { try await self.efs.deleteMountTarget(target.mountTargetId) }
        XCTAssertEqual(gone?.code, "MountTargetNotFound")
        XCTAssertEqual(gone?.isNotFound, true)
    }

    func testAccessPointsAndTags() async throws {
        let fileSystem = try await aws.createFileSystem(creationToken: "restore-ap")
        let request = EFSCreateAccessPointRequest(
            clientToken: "r-1-access-point", fileSystemId: fileSystem.id,
            posixUser: EFSPosixUser(uid: 1000, gid: 1000, secondaryGids: [1001, 1002]),
            rootDirectory: EFSRootDirectory(path: "/verify/r-1", creationInfo: EFSCreationInfo(ownerUid: 1000, ownerGid: 1000, permissions: "0750")),
            tags: [EFSTag(key: "efs-backup-verifier:run", value: "r-1"), EFSTag(key: "Name", value: "verify r-1")])
        let created = try await efs.createAccessPoint(request)
        let accessPointId = try XCTUnwrap(created.accessPointId)
        XCTAssertTrue(accessPointId.hasPrefix("fsap-"), accessPointId)
        XCTAssertEqual(created.fileSystemId, fileSystem.id)
        XCTAssertEqual(created.clientToken, "r-1-access-point")
        XCTAssertEqual(created.posixUser, request.posixUser)
        XCTAssertEqual(created.rootDirectory, request.rootDirectory)
        XCTAssertEqual(created.tags, request.tags)
        XCTAssertEqual(created.name, "verify r-1")
        XCTAssertEqual(created.lifeCycleState, "available")

        let byFileSystem = try await efs.describeAccessPoints(fileSystemId: fileSystem.id)
        XCTAssertEqual(byFileSystem.items.map(\.accessPointId), [accessPointId])
        let byId = try await efs.describeAccessPoints(accessPointId: accessPointId)
        XCTAssertEqual(byId.items.first?.rootDirectory?.path, "/verify/r-1")
        XCTAssertEqual(byId.items.first?.accessPointArn, created.accessPointArn)

        try await efs.tagResource(fileSystem.id, tags: [EFSTag(key: "efs-backup-verifier:run", value: "r-1"), EFSTag(key: "stage", value: "walk")])
        let tags = try await efs.listTagsForResource(fileSystem.id)
        XCTAssertEqual(tags.items, [EFSTag(key: "efs-backup-verifier:run", value: "r-1"), EFSTag(key: "stage", value: "walk")])
        XCTAssertNil(tags.next)
        let accessPointTags = try await efs.listTagsForResource(accessPointId)
        XCTAssertEqual(accessPointTags.items, request.tags)

        try await efs.deleteAccessPoint(accessPointId)
        let after = try await efs.describeAccessPoints(fileSystemId: fileSystem.id)
        XCTAssertEqual(after.items, [])
        try await efs.deleteFileSystem(fileSystem.id)  // an access point never blocks deletion
    }

    func testWrongSecretIsRefusedWith403() async throws {
        let fileSystem = try await aws.createFileSystem(creationToken: "restore-bad")
        let bad = try EFSClient(configuration: Integration.wrongSecretConfiguration(aws))
        let error = await assertAWSError { try await bad.deleteFileSystem(fileSystem.id) }
        XCTAssertEqual(error?.kind, .service)
        XCTAssertEqual(error?.httpStatus, 403)
        XCTAssertEqual(error?.code, "InvalidSignatureException")
        XCTAssertEqual(error?.operation, "DeleteFileSystem")
        let still = try await efs.describeFileSystems(fileSystemId: fileSystem.id)
        XCTAssertEqual(still.items.map(\.fileSystemId), [fileSystem.id])
    }
}
