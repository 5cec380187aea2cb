import AWSLite
import Foundation
import TestSupport
import XCTest
@testable import OrchestratorKit

/// The restored revision keeps the whole worker definition: the request registered equals
/// the described definition, member for member, except the EFS volume (and the family,
/// the mount's read-only flag and the tags). The fixture sets every member botocore's
/// model lists for RegisterTaskDefinition (testenv/fixtures/task_definition_every_member.py).
final class TaskDefinitionCopyTests: XCTestCase {
    let request = TaskDefinitionRequest(
        baseFamily: "manifest-worker", family: "manifest-worker-restored", containerName: "manifest-worker", volumeName: "efs",
        fileSystemId: "fs-restored", accessPointId: "fsap-1", readOnly: true, tags: ["efs-backup-verifier:run": "r1"])

    func fixture() throws -> (members: [String], request: [String: Any]) {
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: Fixture.data("task-definition-every-member.json")) as? [String: Any])
        return (try XCTUnwrap(root["members"] as? [String]), try XCTUnwrap(root["request"] as? [String: Any]))
    }

    /// What DescribeTaskDefinition answers for the worker: the registered members (without
    /// tags, which come apart) plus every read-only response member.
    func described(_ original: [String: Any]) throws -> [UInt8] {
        var definition = original
        definition["tags"] = nil
        definition["taskDefinitionArn"] = "arn:aws:ecs:us-east-1:1:task-definition/manifest-worker:4"
        definition["revision"] = 4
        definition["status"] = "ACTIVE"
        definition["requiresAttributes"] = [["name": "com.amazonaws.ecs.capability.docker-remote-api.1.18"]]
        definition["compatibilities"] = ["EC2", "FARGATE"]
        definition["registeredAt"] = 1_700_000_000.123
        definition["registeredBy"] = "arn:aws:iam::1:root"
        definition["deregisteredAt"] = 1_700_000_001.5
        return [UInt8](try JSONSerialization.data(withJSONObject: ["taskDefinition": definition], options: [.sortedKeys]))
    }

    /// The original with what the copy must change, changed.
    func expected(_ original: [String: Any]) throws -> [String: Any] {
        var want = original
        want["family"] = "manifest-worker-restored"
        want["tags"] = [["key": "efs-backup-verifier:run", "value": "r1"]]
        var volumes = try XCTUnwrap(want["volumes"] as? [[String: Any]])
        let iam = ((volumes[0]["efsVolumeConfiguration"] as? [String: Any])?["authorizationConfig"] as? [String: Any])?["iam"]
        volumes[0] = ["name": "efs", "efsVolumeConfiguration": [
            "fileSystemId": "fs-restored", "transitEncryption": "ENABLED",
            "authorizationConfig": ["accessPointId": "fsap-1", "iam": try XCTUnwrap(iam)] as [String: Any],
        ] as [String: Any]]
        want["volumes"] = volumes
        var containers = try XCTUnwrap(want["containerDefinitions"] as? [[String: Any]])
        var points = try XCTUnwrap(containers[0]["mountPoints"] as? [[String: Any]])
        points[0]["readOnly"] = true
        containers[0]["mountPoints"] = points
        want["containerDefinitions"] = containers
        return want
    }

    /// Sorted-key JSON text (Foundation's NSDictionary equality gets JSON booleans wrong on Linux).
    func canonical(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    func testTheFixtureSetsEveryMemberOfTheModel() throws {
        let (members, original) = try fixture()
        XCTAssertEqual(Set(original.keys), Set(members))
        for member in ["runtimePlatform", "ephemeralStorage", "proxyConfiguration", "placementConstraints"] {
            XCTAssertTrue(members.contains(member), member)
        }
        let container = try XCTUnwrap((original["containerDefinitions"] as? [[String: Any]])?.first)
        for member in ["secrets", "repositoryCredentials", "linuxParameters", "ulimits", "resourceRequirements",
                       "environmentFiles", "healthCheck", "dependsOn"] {
            XCTAssertNotNil(container[member], member)
        }
    }

    func testTheCopyEqualsTheOriginalExceptTheVolume() throws {
        let (_, original) = try fixture()
        let body = try TaskDefinitionCopy.registerRequest(described: try described(original), request: request)
        let sent = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        let want = try expected(original)
        XCTAssertEqual(Set(sent.keys), Set(want.keys))
        for key in want.keys.sorted() {
            XCTAssertEqual(try canonical([key: sent[key] as Any]), try canonical([key: want[key] as Any]), key)
        }
        for member in TaskDefinitionCopy.readOnlyMembers { XCTAssertNil(sent[member], member) }
    }

    /// Through the ECS adapter and the wire: the RegisterTaskDefinition body ECS receives.
    func testTheAdapterRegistersTheCopy() async throws {
        let (_, original) = try fixture()
        let answer = try described(original)
        let registered = Locked<String>("")
        let server = try TestHTTPServer { request in
            switch request.header("X-Amz-Target") {
            case "AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition":
                return TestHTTPResponse(status: 200, body: answer)
            case "AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition":
                registered.withLock { $0 = request.bodyText }
                return .text(200, #"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:1:task-definition/manifest-worker-restored:1"}}"#)
            default:
                return .text(400, #"{"__type":"ClientException","message":"unexpected"}"#)
            }
        }
        defer { server.stop() }
        let ecs = ECSTaskLauncher(client: try ECSClient(configuration: AWSClientConfiguration(
            region: "us-east-1", credentials: StaticCredentialProvider(Credentials(accessKeyId: "AKID", secretAccessKey: "secret")),
            endpoint: URL(string: server.baseURL), retry: .none)))
        let arn = try await ecs.registerTaskDefinition(request)
        XCTAssertEqual(arn, "arn:aws:ecs:us-east-1:1:task-definition/manifest-worker-restored:1")
        let sent = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(registered.current.utf8)) as? [String: Any])
        XCTAssertEqual(try canonical(sent), try canonical(try expected(original)))
    }

    func testADefinitionWithoutTheVolumeIsAnError() throws {
        let answer = Array(#"{"taskDefinition":{"family":"manifest-worker","volumes":[{"name":"other"}]}}"#.utf8)
        XCTAssertThrowsError(try TaskDefinitionCopy.registerRequest(described: answer, request: request)) { error in
            XCTAssertEqual("\(error)", "task definition manifest-worker has no volume named efs")
        }
        XCTAssertThrowsError(try TaskDefinitionCopy.registerRequest(described: Array("[]".utf8), request: request)) { error in
            XCTAssertEqual("\(error)", "DescribeTaskDefinition manifest-worker: no taskDefinition object in the answer")
        }
    }
}
