import Foundation
import TestSupport
import XCTest

@testable import AWSLite

/// ListTaskDefinitions and DescribeTaskDefinition with tags, on the wire (botocore's ecs model:
/// `familyPrefix`, `status`, `sort`, `nextToken`, `maxResults` → `taskDefinitionArns`,
/// `nextToken`; `include: ["TAGS"]` → `tags` next to `taskDefinition`).
final class ECSTaskDefinitionListTests: XCTestCase {
    func testListTaskDefinitionsPaginatesNewestFirst() async throws {
        let server = try TestHTTPServer { r in
            r.bodyText.contains("nextToken")
                ? ClientHarness.json(200, #"{"taskDefinitionArns":["arn:aws:ecs:eu-west-1:1:task-definition/mw-restored:1"]}"#)
                : ClientHarness.json(200, #"{"taskDefinitionArns":["arn:aws:ecs:eu-west-1:1:task-definition/mw-restored:3","arn:aws:ecs:eu-west-1:1:task-definition/mw-restored:2"],"nextToken":"t2"}"#)
        }
        defer { server.stop() }
        let ecs = try ECSClient(configuration: ClientHarness.configuration(server))
        let arns = try await ecs.listAllTaskDefinitions(familyPrefix: "mw-restored", status: "ACTIVE", sort: "DESC")
        XCTAssertEqual(arns, [
            "arn:aws:ecs:eu-west-1:1:task-definition/mw-restored:3",
            "arn:aws:ecs:eu-west-1:1:task-definition/mw-restored:2",
            "arn:aws:ecs:eu-west-1:1:task-definition/mw-restored:1",
        ])
        XCTAssertEqual(server.requests.map { "\($0.header("X-Amz-Target")!) \($0.bodyText)" }, [
            #"AmazonEC2ContainerServiceV20141113.ListTaskDefinitions {"familyPrefix":"mw-restored","sort":"DESC","status":"ACTIVE"}"#,
            #"AmazonEC2ContainerServiceV20141113.ListTaskDefinitions {"familyPrefix":"mw-restored","nextToken":"t2","sort":"DESC","status":"ACTIVE"}"#,
        ])
    }

    func testListTaskDefinitionsPageWithoutArns() async throws {
        let server = try TestHTTPServer { _ in ClientHarness.json(200, "{}") }
        defer { server.stop() }
        let ecs = try ECSClient(configuration: ClientHarness.configuration(server))
        let page = try await ecs.listTaskDefinitions(familyPrefix: "none", maxResults: 10)
        XCTAssertEqual(page.taskDefinitionArns, [])
        XCTAssertNil(page.nextToken)
        XCTAssertEqual(server.requests.map(\.bodyText), [#"{"familyPrefix":"none","maxResults":10}"#])
    }

    func testDescribeTaskDefinitionWithTags() async throws {
        let server = try TestHTTPServer { _ in
            ClientHarness.json(200, #"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:eu-west-1:1:task-definition/mw-restored:3","family":"mw-restored","revision":3,"status":"ACTIVE"},"#
                + #""tags":[{"key":"efs-backup-verifier:run","value":"r1"},{"key":"efs-backup-verifier:expires","value":"2025-03-05T11:41:17Z"}]}"#)
        }
        defer { server.stop() }
        let ecs = try ECSClient(configuration: ClientHarness.configuration(server))
        let described = try await ecs.describeTaskDefinitionWithTags("mw-restored:3")
        XCTAssertEqual(described.taskDefinition.revision, 3)
        XCTAssertEqual(described.tags, [
            ECSTag(key: "efs-backup-verifier:run", value: "r1"), ECSTag(key: "efs-backup-verifier:expires", value: "2025-03-05T11:41:17Z"),
        ])
        XCTAssertEqual(server.requests.map { "\($0.header("X-Amz-Target")!) \($0.bodyText)" }, [
            #"AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition {"include":["TAGS"],"taskDefinition":"mw-restored:3"}"#,
        ])
    }

    func testDescribeTaskDefinitionWithoutTagsGivesEmpty() async throws {
        let server = try TestHTTPServer { _ in ClientHarness.json(200, #"{"taskDefinition":{"family":"mw-restored","revision":1}}"#) }
        defer { server.stop() }
        let ecs = try ECSClient(configuration: ClientHarness.configuration(server))
        let described = try await ecs.describeTaskDefinitionWithTags("mw-restored:1")
        XCTAssertEqual(described.tags, [])
    }
}
