import AWSLite
import Foundation
import TestSupport
import XCTest
@testable import OrchestratorKit

/// `ECSTaskLauncher`'s calls for the sweep and the lost-revision lookup, over a stand-in ECS.
final class ECSLauncherSweepTests: XCTestCase {
    func launcher(_ server: TestHTTPServer) throws -> ECSTaskLauncher {
        ECSTaskLauncher(client: try ECSClient(configuration: AWSClientConfiguration(
            region: "us-east-1", credentials: StaticCredentialProvider(Credentials(accessKeyId: "AKID", secretAccessKey: "secret")),
            endpoint: URL(string: server.baseURL), retry: .none)))
    }

    func testActiveRevisionsOfExactlyTheFamilyNewestFirst() async throws {
        let server = try TestHTTPServer { _ in
            .text(200, #"{"taskDefinitionArns":["arn:aws:ecs:us-east-1:1:task-definition/mw-restored:4","#
                + #""arn:aws:ecs:us-east-1:1:task-definition/mw-restored-old:9","arn:aws:ecs:us-east-1:1:task-definition/mw-restored:2"]}"#)
        }
        defer { server.stop() }
        let arns = try await launcher(server).activeTaskDefinitions(family: "mw-restored")
        XCTAssertEqual(arns, ["arn:aws:ecs:us-east-1:1:task-definition/mw-restored:4", "arn:aws:ecs:us-east-1:1:task-definition/mw-restored:2"])
        XCTAssertEqual(server.requests.map(\.bodyText), [#"{"familyPrefix":"mw-restored","sort":"DESC","status":"ACTIVE"}"#])
    }

    func testTaskDefinitionTagsAsAMap() async throws {
        let server = try TestHTTPServer { _ in
            .text(200, #"{"taskDefinition":{"family":"mw-restored","revision":4},"tags":[{"key":"efs-backup-verifier:run","value":"r1"},{"key":"empty"}]}"#)
        }
        defer { server.stop() }
        let tags = try await launcher(server).taskDefinitionTags(arn: "arn:aws:ecs:us-east-1:1:task-definition/mw-restored:4")
        XCTAssertEqual(tags, ["efs-backup-verifier:run": "r1", "empty": ""])
        XCTAssertEqual(server.requests.map(\.bodyText),
                       [#"{"include":["TAGS"],"taskDefinition":"arn:aws:ecs:us-east-1:1:task-definition/mw-restored:4"}"#])
    }

    func testRunningTasksListsRunningAndPendingThenDescribes() async throws {
        let server = try TestHTTPServer { request in
            switch request.header("X-Amz-Target") {
            case "AmazonEC2ContainerServiceV20141113.ListTasks":
                return request.bodyText.contains("PENDING")
                    ? .text(200, #"{"taskArns":["arn:t/2","arn:t/3"]}"#)
                    : .text(200, #"{"taskArns":["arn:t/1","arn:t/2"]}"#)
            default:
                return .text(200, #"{"tasks":[{"taskArn":"arn:t/1","lastStatus":"RUNNING","group":"ebv:fs-1:r1:post","startedBy":"ebv"},"#
                    + #"{"taskArn":"arn:t/2","lastStatus":"STOPPED","group":"ebv:fs-1:r1:restored","startedBy":"ebv"},"#
                    + #"{"taskArn":"arn:t/3","lastStatus":"PROVISIONING","group":"ebv:fs-1:r2:post","startedBy":"ebv"}],"failures":[]}"#)
            }
        }
        defer { server.stop() }
        let tasks = try await launcher(server).runningTasks(cluster: "c", startedBy: "ebv")
        XCTAssertEqual(tasks.map(\.taskArn), ["arn:t/1", "arn:t/3"])
        XCTAssertEqual(tasks.map(\.group), ["ebv:fs-1:r1:post", "ebv:fs-1:r2:post"])
        XCTAssertEqual(server.requests.map(\.bodyText), [
            #"{"cluster":"c","desiredStatus":"RUNNING","startedBy":"ebv"}"#,
            #"{"cluster":"c","desiredStatus":"PENDING","startedBy":"ebv"}"#,
            #"{"cluster":"c","tasks":["arn:t/1","arn:t/2","arn:t/3"]}"#,
        ])
    }
}
