import Foundation
import XCTest
@testable import OrchestratorKit

final class NamingTests: XCTestCase {
    func testTokensAreAtMost64PrintableASCII() {
        XCTAssertEqual(RunNaming.token("restore", runId: "a827233a-d405-4a86-a440-759fa94f34dd"), "ebv-restore-a827233a-d405-4a86-a440-759fa94f34dd")
        let long = RunNaming.token("restored", runId: "rt-AB123456-78C9-0123-456D-789012E34567-and-then-some-more-text")
        XCTAssertEqual(long.count, 53)
        XCTAssertTrue(long.hasPrefix("ebv-restored-"))
        XCTAssertEqual(RunNaming.token("restored", runId: "rt-AB123456-78C9-0123-456D-789012E34567-and-then-some-more-text"), long, "stable")
        let spaced = RunNaming.token("ap", runId: "has space")
        XCTAssertTrue(spaced.utf8.allSatisfy { $0 >= 33 && $0 <= 126 })
        XCTAssertEqual(spaced.count, 47)
    }

    func testTaskGroupRoundTrip() throws {
        let naming = RunNaming(config: try OrchestratorConfig(environment: testEnvironment))
        let group = naming.taskGroup(fileSystemId: "fs-1", runId: "run-1", role: .post)
        XCTAssertEqual(group, "ebv:fs-1:run-1:post")
        XCTAssertEqual(naming.parseTaskGroup(group)?.runId, "run-1")
        XCTAssertNil(naming.parseTaskGroup("family:manifest-worker"))
        XCTAssertNil(naming.parseTaskGroup("ebv:fs-1:run-1:baseline"))
    }

    func testFileSystemIdFromArn() {
        XCTAssertEqual(RunNaming.fileSystemId(fromArn: restoredArn), restoredFS)
        XCTAssertEqual(RunNaming.fileSystemId(fromArn: "fs-1"), "fs-1")
        XCTAssertNil(RunNaming.fileSystemId(fromArn: "arn:aws:s3:::bucket"))
    }
}
