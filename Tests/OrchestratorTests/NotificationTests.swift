import Foundation
import XCTest
@testable import OrchestratorKit

final class NotificationTests: XCTestCase {
    func testSubjectIsCutTo100CharactersWithoutLineBreaks() {
        let note = Notification(subject: "line one\nline two " + String(repeating: "x", count: 200), message: "m")
        XCTAssertEqual(note.subject.count, 100)
        XCTAssertTrue(note.subject.hasPrefix("line one line two xxx"))
        XCTAssertTrue(note.subject.hasSuffix("x…"))
    }

    func testStringsFromEventsAndFileSystemsAreEscaped() {
        let escaped = Notification(subject: "ALERT x\u{1B}[2J\u{202E}y", message: "m")
        XCTAssertEqual(escaped.subject, #"ALERT x\x1b[2J\u{202E}y"#)
        let alert = Notification.alert("t", "line one\nname: f\u{1B}[31m\u{2066}")
        XCTAssertEqual(alert.message, "line one\nname: f\\x1b[31m\\u{2066}\n")
    }

    func testRunMessageEscapesTheReasonAndKeepsTheSummaryLines() throws {
        let start = Date(timeIntervalSince1970: 0)
        var run = Run(runId: "r", origin: .backup, fileSystemId: "fs-1", createdAt: start,
                      deadline: start.addingTimeInterval(100), expiresAt: start.addingTimeInterval(200))
        run.finish(.error, "diff failed: m.gz:3: bad \u{1B}[2J\nPASS", at: start)
        let naming = RunNaming(config: try OrchestratorConfig(environment: testEnvironment))
        let lines = Notification.forRun(run, naming: naming).message.split(separator: "\n")
        XCTAssertEqual(lines[3], #"Reason: diff failed: m.gz:3: bad \x1b[2J\nPASS"#)
        XCTAssertFalse(lines.contains { $0.hasPrefix("PASS") })
    }

    func testMessageIsCutTo256KiBOnACharacterBoundary() {
        let note = Notification(subject: "s", message: String(repeating: "é", count: 200_000))  // 400,000 bytes
        XCTAssertLessThanOrEqual(note.message.utf8.count, 262_144)
        XCTAssertGreaterThan(note.message.utf8.count, 262_100)
        XCTAssertTrue(note.message.hasSuffix("\n…(truncated; the full report is in S3)\n"))
        let small = Notification(subject: "s", message: "short")
        XCTAssertEqual(small.message, "short")
    }
}
