import AWSLite
import Foundation
import TestSupport
import XCTest
@testable import OrchestratorKit

/// Production adapter details behind items 1, 5 and 6: the worker container's exit code
/// from DescribeTasks, the access point's state, an unsupported AZ with its AWS details.
final class AdapterDetailTests: XCTestCase {
    func configuration(_ server: TestHTTPServer) -> AWSClientConfiguration {
        AWSClientConfiguration(
            region: "us-east-1", credentials: StaticCredentialProvider(Credentials(accessKeyId: "AKID", secretAccessKey: "secret")),
            endpoint: URL(string: server.baseURL), retry: .none)
    }

    func testDescribeTasksTakesTheWorkerContainersExitCodeOnly() async throws {
        let server = try TestHTTPServer { _ in
            .text(200, #"{"tasks":[{"taskArn":"arn:t/1","lastStatus":"STOPPED","containers":[{"name":"sidecar","exitCode":0},{"name":"worker","exitCode":3,"reason":"boom"}]},"#
                + #"{"taskArn":"arn:t/2","lastStatus":"STOPPED","containers":[{"name":"sidecar","exitCode":0}]}],"failures":[]}"#)
        }
        defer { server.stop() }
        let launcher = ECSTaskLauncher(client: try ECSClient(configuration: configuration(server)), workerContainer: "worker")
        let tasks = try await launcher.describeTasks(cluster: "c", arns: ["arn:t/1", "arn:t/2"])
        XCTAssertEqual(tasks.map(\.exitCode), [3, nil])
        XCTAssertEqual(tasks.map(\.containerReason), ["boom", #"no container named "worker" in the task"#])
    }

    func testAccessPointStateAndUnsupportedZones() async throws {
        let server = try TestHTTPServer { request in
            switch (request.method, request.path) {
            case ("GET", "/2015-02-01/access-points") where request.query == "AccessPointId=fsap-1":
                return .text(200, #"{"AccessPoints":[{"AccessPointId":"fsap-1","FileSystemId":"fs-1","LifeCycleState":"creating"}]}"#)
            case ("GET", "/2015-02-01/access-points"):
                return .text(404, #"{"ErrorCode":"AccessPointNotFound","Message":"m"}"#, headers: [("x-amzn-ErrorType", "AccessPointNotFound")])
            case ("POST", "/2015-02-01/mount-targets") where request.bodyText.contains("subnet-c"):
                return .text(409, #"{"ErrorCode":"MountTargetConflict","Message":"taken"}"#,
                             headers: [("x-amzn-ErrorType", "MountTargetConflict"), ("x-amzn-RequestId", "req-c")])
            case ("POST", "/2015-02-01/mount-targets"):
                return .text(400, #"{"ErrorCode":"UnsupportedAvailabilityZone","Message":"not here"}"#,
                             headers: [("x-amzn-ErrorType", "UnsupportedAvailabilityZone"), ("x-amzn-RequestId", "req-az")])
            default: return .text(400, "unexpected")
            }
        }
        defer { server.stop() }
        let efs = EFSFileSystemService(client: try EFSClient(configuration: configuration(server)))
        let creating = try await efs.describeAccessPoint(id: "fsap-1")
        XCTAssertEqual(creating, "creating")
        let gone = try await efs.describeAccessPoint(id: "fsap-gone")
        XCTAssertNil(gone)
        do {
            _ = try await efs.createMountTarget(fileSystemId: "fs-1", subnetId: "subnet-z", securityGroups: ["sg-1"])
            XCTFail("expected an error")
        } catch {
            let wrapped = OrchestratorError.service("CreateMountTarget subnet-z", error)
            XCTAssertEqual(wrapped.awsErrorCode, "UnsupportedAvailabilityZone")
            XCTAssertEqual(wrapped.httpStatus, 400)
            XCTAssertEqual(wrapped.requestId, "req-az")
        }
        do {
            _ = try await efs.createMountTarget(fileSystemId: "fs-1", subnetId: "subnet-c", securityGroups: ["sg-1"])
            XCTFail("expected a conflict")
        } catch let error as OrchestratorError {
            XCTAssertEqual(error.kind, .conflict)
            XCTAssertEqual(error.logFields, ["errorType": "Orchestrator.Conflict", "awsErrorCode": "MountTargetConflict",
                                             "httpStatus": "409", "awsRequestId": "req-c"])
        }
    }
}
