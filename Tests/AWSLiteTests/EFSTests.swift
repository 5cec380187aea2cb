import Foundation
import TestSupport
import XCTest

@testable import AWSLite

final class EFSTests: XCTestCase {
    func testCreateAccessPointWireRequest() async throws {
        let server = try TestHTTPServer { _ in
            ClientHarness.json(200, #"{"AccessPointId":"fsap-0abc","AccessPointArn":"arn:aws:elasticfilesystem:eu-west-1:1:access-point/fsap-0abc","FileSystemId":"fs-1","LifeCycleState":"creating","PosixUser":{"Uid":0,"Gid":0}}"#)
        }
        defer { server.stop() }
        let efs = try EFSClient(configuration: ClientHarness.configuration(server))
        let ap = try await efs.createAccessPoint(
            EFSCreateAccessPointRequest(
                clientToken: "r1-ap", fileSystemId: "fs-1", posixUser: EFSPosixUser(uid: 0, gid: 0),
                rootDirectory: EFSRootDirectory(path: "/aws-backup-restore_2025-03-04T07-02-01-742Z"),
                tags: [EFSTag(key: "efs-backup-verifier:run", value: "r1")]))
        XCTAssertEqual(ap.accessPointId, "fsap-0abc")
        XCTAssertEqual(ap.posixUser, EFSPosixUser(uid: 0, gid: 0))
        let r = try XCTUnwrap(server.requests.first)
        XCTAssertEqual("\(r.method) \(r.target)", "POST /2015-02-01/access-points")
        XCTAssertEqual(r.header("Content-Type"), "application/json")
        XCTAssertEqual(r.bodyText, #"{"ClientToken":"r1-ap","FileSystemId":"fs-1","PosixUser":{"Gid":0,"Uid":0},"#
            + #""RootDirectory":{"Path":"/aws-backup-restore_2025-03-04T07-02-01-742Z"},"Tags":[{"Key":"efs-backup-verifier:run","Value":"r1"}]}"#)
        XCTAssertEqual(r.header("Authorization"), "TEST elasticfilesystem eu-west-1 \(PayloadDigest(of: r.body).hex) standard")
    }

    func testMountTargetsLifecycle() async throws {
        let server = try TestHTTPServer { r in
            switch (r.method, r.path) {
            case ("POST", _):
                return ClientHarness.json(200, #"{"MountTargetId":"fsmt-1","FileSystemId":"fs-1","SubnetId":"subnet-1","LifeCycleState":"creating"}"#)
            case ("GET", _):
                return ClientHarness.json(200, #"{"MountTargets":[{"MountTargetId":"fsmt-1","FileSystemId":"fs-1","SubnetId":"subnet-1","LifeCycleState":"available","IpAddress":"10.0.0.5"}]}"#)
            default:
                return .text(204, "")
            }
        }
        defer { server.stop() }
        let efs = try EFSClient(configuration: ClientHarness.configuration(server))
        let created = try await efs.createMountTarget(fileSystemId: "fs-1", subnetId: "subnet-1", securityGroups: ["sg-1"])
        XCTAssertEqual(created.lifeCycleState, "creating")
        let page = try await efs.describeMountTargets(fileSystemId: "fs-1")
        XCTAssertEqual(page.items.map(\.lifeCycleState), ["available"])
        XCTAssertNil(page.next)
        try await efs.deleteMountTarget("fsmt-1")
        XCTAssertEqual(server.requests.map { "\($0.method) \($0.target) \($0.bodyText)" }, [
            #"POST /2015-02-01/mount-targets {"FileSystemId":"fs-1","SecurityGroups":["sg-1"],"SubnetId":"subnet-1"}"#,
            "GET /2015-02-01/mount-targets?FileSystemId=fs-1 ",
            "DELETE /2015-02-01/mount-targets/fsmt-1 ",
        ])
    }

    func testDescribeFileSystemsPagesWithMarker() async throws {
        let server = try TestHTTPServer { r in
            r.query.contains("Marker=m2")
                ? ClientHarness.json(200, #"{"FileSystems":[]}"#)
                : ClientHarness.json(200, #"{"FileSystems":[{"FileSystemId":"fs-1","LifeCycleState":"available","CreationTime":1741066877,"NumberOfMountTargets":0,"Tags":[{"Key":"Name","Value":"prod"}],"SizeInBytes":{"Value":6144}}],"NextMarker":"m2"}"#)
        }
        defer { server.stop() }
        let efs = try EFSClient(configuration: ClientHarness.configuration(server))
        let first = try await efs.describeFileSystems(fileSystemId: "fs-1")
        XCTAssertEqual(first.items.first?.creationTime, Date(timeIntervalSince1970: 1_741_066_877))
        XCTAssertEqual(first.items.first?.tags, [EFSTag(key: "Name", value: "prod")])
        XCTAssertEqual(first.next, "m2")
        let second = try await efs.describeFileSystems(marker: first.next, maxItems: 10)
        XCTAssertEqual(second.items, [])
        XCTAssertEqual(server.requests.map(\.target), ["/2015-02-01/file-systems?FileSystemId=fs-1", "/2015-02-01/file-systems?Marker=m2&MaxItems=10"])
    }

    func testAccessPointsTagsAndDeletes() async throws {
        let server = try TestHTTPServer { r in
            switch r.method {
            case "GET" where r.path.hasPrefix("/2015-02-01/resource-tags"):
                return ClientHarness.json(200, #"{"Tags":[{"Key":"k","Value":"v"}],"NextToken":"t2"}"#)
            case "GET":
                return ClientHarness.json(200, #"{"AccessPoints":[{"AccessPointId":"fsap-1","FileSystemId":"fs-1","LifeCycleState":"available"}]}"#)
            default:
                return .text(r.method == "POST" ? 200 : 204, "")
            }
        }
        defer { server.stop() }
        let efs = try EFSClient(configuration: ClientHarness.configuration(server))
        let aps = try await efs.describeAccessPoints(fileSystemId: "fs-1")
        XCTAssertEqual(aps.items.map(\.accessPointId), ["fsap-1"])
        try await efs.tagResource("fs-2", tags: [EFSTag(key: "efs-backup-verifier:expires", value: "2025-03-05T00:00:00Z")])
        let tags = try await efs.listTagsForResource("fs-2", nextToken: "t1")
        XCTAssertEqual(tags, EFSPage(items: [EFSTag(key: "k", value: "v")], next: "t2"))
        try await efs.deleteAccessPoint("fsap-1")
        try await efs.deleteFileSystem("fs-2")
        XCTAssertEqual(server.requests.map { "\($0.method) \($0.target) \($0.bodyText)" }, [
            "GET /2015-02-01/access-points?FileSystemId=fs-1 ",
            #"POST /2015-02-01/resource-tags/fs-2 {"Tags":[{"Key":"efs-backup-verifier:expires","Value":"2025-03-05T00:00:00Z"}]}"#,
            "GET /2015-02-01/resource-tags/fs-2?NextToken=t1 ",
            "DELETE /2015-02-01/access-points/fsap-1 ",
            "DELETE /2015-02-01/file-systems/fs-2 ",
        ])
    }

    func testFileSystemInUseError() async throws {
        let server = try TestHTTPServer { _ in
            ClientHarness.json(409, #"{"ErrorCode":"FileSystemInUse","Message":"File system 'fs-2' has mount targets"}"#, headers: [("x-amzn-ErrorType", "FileSystemInUse:"), ("x-amzn-RequestId", "q-1")])
        }
        defer { server.stop() }
        let efs = try EFSClient(configuration: ClientHarness.configuration(server))
        do {
            try await efs.deleteFileSystem("fs-2")
            XCTFail("expected FileSystemInUse")
        } catch let error as AWSError {
            XCTAssertEqual(error, AWSError(kind: .service, service: "efs", operation: "DeleteFileSystem", code: "FileSystemInUse", message: "File system 'fs-2' has mount targets", httpStatus: 409, requestId: "q-1"))
        }
        XCTAssertEqual(server.requests.count, 1)
    }
}
