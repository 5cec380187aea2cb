import Foundation
import TestSupport
import XCTest

@testable import AWSLite

final class ECSTests: XCTestCase {
    private func target(_ r: TestHTTPRequest) -> String? { r.header("X-Amz-Target") }

    func testRegisterTaskDefinitionWireRequest() async throws {
        let server = try TestHTTPServer { _ in
            ClientHarness.json(200, #"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:eu-west-1:1:task-definition/verify:7","family":"verify","revision":7,"status":"ACTIVE","registeredAt":1741066877.5}}"#)
        }
        defer { server.stop() }
        let ecs = try ECSClient(configuration: ClientHarness.configuration(server))
        let request = ECSRegisterTaskDefinitionRequest(
            family: "verify",
            containerDefinitions: [
                ECSContainerDefinition(
                    name: "worker", image: "1.dkr.ecr.eu-west-1.amazonaws.com/mw:1", command: ["generate", "/mnt/efs"],
                    environment: [ECSKeyValuePair(name: "RUN", value: "r1")],
                    mountPoints: [ECSMountPoint(sourceVolume: "restored", containerPath: "/mnt/efs", readOnly: true)])
            ],
            taskRoleArn: "arn:aws:iam::1:role/task", executionRoleArn: "arn:aws:iam::1:role/exec",
            volumes: [
                ECSVolume(
                    name: "restored",
                    efsVolumeConfiguration: ECSEFSVolumeConfiguration(
                        fileSystemId: "fs-1", authorizationConfig: ECSEFSAuthorizationConfig(accessPointId: "fsap-1", iam: "ENABLED")))
            ],
            cpu: "1024", memory: "2048")
        let def = try await ecs.registerTaskDefinition(request)
        XCTAssertEqual(def.revision, 7)
        XCTAssertEqual(def.registeredAt, Date(timeIntervalSince1970: 1_741_066_877.5))
        let r = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(r.method, "POST")
        XCTAssertEqual(r.target, "/")
        XCTAssertEqual(target(r), "AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition")
        XCTAssertEqual(r.header("Content-Type"), "application/x-amz-json-1.1")
        XCTAssertEqual(r.header("Authorization")?.hasPrefix("TEST ecs eu-west-1 "), true)
        XCTAssertEqual(r.bodyText, #"{"containerDefinitions":[{"command":["generate","/mnt/efs"],"environment":[{"name":"RUN","value":"r1"}],"#
            + #""essential":true,"image":"1.dkr.ecr.eu-west-1.amazonaws.com/mw:1","mountPoints":[{"containerPath":"/mnt/efs","readOnly":true,"sourceVolume":"restored"}],"#
            + #""name":"worker"}],"cpu":"1024","executionRoleArn":"arn:aws:iam::1:role/exec","family":"verify","memory":"2048","networkMode":"awsvpc","#
            + #""requiresCompatibilities":["FARGATE"],"taskRoleArn":"arn:aws:iam::1:role/task","#
            + #""volumes":[{"efsVolumeConfiguration":{"authorizationConfig":{"accessPointId":"fsap-1","iam":"ENABLED"},"fileSystemId":"fs-1","transitEncryption":"ENABLED"},"name":"restored"}]}"#)
    }

    func testRunTaskWireRequestAndResult() async throws {
        let server = try TestHTTPServer { _ in
            ClientHarness.json(200, #"{"tasks":[{"taskArn":"arn:t/1","lastStatus":"PROVISIONING","group":"verify:r1","startedBy":"ebv-r1","createdAt":1741066877}],"failures":[]}"#)
        }
        defer { server.stop() }
        let ecs = try ECSClient(configuration: ClientHarness.configuration(server))
        let result = try await ecs.runTask(
            ECSRunTaskRequest(
                taskDefinition: "verify:7", cluster: "c",
                networkConfiguration: ECSNetworkConfiguration(awsvpcConfiguration: ECSAwsVpcConfiguration(subnets: ["subnet-1"], securityGroups: ["sg-1"])),
                overrides: ECSTaskOverride(containerOverrides: [ECSContainerOverride(name: "worker", command: ["generate"], environment: [ECSKeyValuePair(name: "ROLE", value: "restored")])]),
                startedBy: "ebv-r1", group: "verify:r1", clientToken: "r1-restored"))
        XCTAssertEqual(result.tasks.map(\.taskArn), ["arn:t/1"])
        XCTAssertEqual(result.tasks[0].createdAt, Date(timeIntervalSince1970: 1_741_066_877))
        XCTAssertEqual(result.failures, [])
        let r = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(target(r), "AmazonEC2ContainerServiceV20141113.RunTask")
        XCTAssertEqual(r.bodyText, #"{"clientToken":"r1-restored","cluster":"c","count":1,"group":"verify:r1","launchType":"FARGATE","#
            + #""networkConfiguration":{"awsvpcConfiguration":{"assignPublicIp":"DISABLED","securityGroups":["sg-1"],"subnets":["subnet-1"]}},"#
            + #""overrides":{"containerOverrides":[{"command":["generate"],"environment":[{"name":"ROLE","value":"restored"}],"name":"worker"}]},"#
            + #""startedBy":"ebv-r1","taskDefinition":"verify:7"}"#)
    }

    func testDescribeTasksDecodesStoppedTask() async throws {
        let server = try TestHTTPServer { _ in
            ClientHarness.json(200, #"{"tasks":[{"taskArn":"arn:t/1","lastStatus":"STOPPED","stopCode":"EssentialContainerExited","stoppedAt":1741066900.25,"#
                + #""containers":[{"name":"worker","exitCode":3,"lastStatus":"STOPPED"}],"version":5}],"failures":[{"arn":"arn:t/2","reason":"MISSING"}]}"#)
        }
        defer { server.stop() }
        let ecs = try ECSClient(configuration: ClientHarness.configuration(server))
        let result = try await ecs.describeTasks(cluster: "c", tasks: ["arn:t/1", "arn:t/2"])
        XCTAssertEqual(result.tasks[0].containers?.first?.exitCode, 3)
        XCTAssertEqual(result.tasks[0].stopCode, "EssentialContainerExited")
        XCTAssertEqual(result.tasks[0].stoppedAt, Date(timeIntervalSince1970: 1_741_066_900.25))
        XCTAssertEqual(result.tasks[0].version, 5)
        XCTAssertEqual(result.failures, [ECSFailure(arn: "arn:t/2", reason: "MISSING", detail: nil)])
        XCTAssertEqual(server.requests[0].bodyText, #"{"cluster":"c","tasks":["arn:t/1","arn:t/2"]}"#)
    }

    func testStopDeregisterDescribeTaskDefinition() async throws {
        let server = try TestHTTPServer { r in
            r.header("X-Amz-Target")!.hasSuffix("StopTask")
                ? ClientHarness.json(200, #"{"task":{"taskArn":"arn:t/1","desiredStatus":"STOPPED"}}"#)
                : ClientHarness.json(200, #"{"taskDefinition":{"family":"verify","revision":7,"status":"INACTIVE"}}"#)
        }
        defer { server.stop() }
        let ecs = try ECSClient(configuration: ClientHarness.configuration(server))
        let stopped = try await ecs.stopTask(cluster: "c", task: "arn:t/1", reason: "run r1 cancelled")
        XCTAssertEqual(stopped?.desiredStatus, "STOPPED")
        let inactive = try await ecs.deregisterTaskDefinition("verify:7")
        XCTAssertEqual(inactive.status, "INACTIVE")
        _ = try await ecs.describeTaskDefinition("verify:7")
        XCTAssertEqual(server.requests.map { "\(target($0)!) \($0.bodyText)" }, [
            #"AmazonEC2ContainerServiceV20141113.StopTask {"cluster":"c","reason":"run r1 cancelled","task":"arn:t/1"}"#,
            #"AmazonEC2ContainerServiceV20141113.DeregisterTaskDefinition {"taskDefinition":"verify:7"}"#,
            #"AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition {"taskDefinition":"verify:7"}"#,
        ])
    }

    func testListTasksPaginates() async throws {
        let server = try TestHTTPServer { r in
            r.bodyText.contains("nextToken")
                ? ClientHarness.json(200, #"{"taskArns":["arn:t/3"]}"#)
                : ClientHarness.json(200, #"{"taskArns":["arn:t/1","arn:t/2"],"nextToken":"n2"}"#)
        }
        defer { server.stop() }
        let ecs = try ECSClient(configuration: ClientHarness.configuration(server))
        let arns = try await ecs.listAllTasks(cluster: "c", startedBy: "ebv-r1", desiredStatus: "STOPPED")
        XCTAssertEqual(arns, ["arn:t/1", "arn:t/2", "arn:t/3"])
        XCTAssertEqual(server.requests.map(\.bodyText), [
            #"{"cluster":"c","desiredStatus":"STOPPED","startedBy":"ebv-r1"}"#,
            #"{"cluster":"c","desiredStatus":"STOPPED","nextToken":"n2","startedBy":"ebv-r1"}"#,
        ])
    }
}
