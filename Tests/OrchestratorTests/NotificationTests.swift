import Foundation
import XCTest
@testable import AWSLite
@testable import OrchestratorKit

final class NotificationTests: XCTestCase {
    func testSubjectIsPrintableASCIIUnder100CharactersWithoutLineBreaks() {
        let note = Notification(subject: "line one\nline two " + String(repeating: "x", count: 200), message: "m")
        XCTAssertEqual(note.subject.count, 99)
        XCTAssertTrue(note.subject.hasPrefix("line one line two xxx"))
        XCTAssertTrue(note.subject.hasSuffix("xxx..."))
        XCTAssertTrue(note.subject.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value <= 0x7E })
        XCTAssertEqual(Notification(subject: "caf\u{E9} \u{2026}\u{7}\tend", message: "m").subject, #"caf? ?\x07 end"#)
        XCTAssertEqual(Notification(subject: String(repeating: "y", count: 99), message: "m").subject, String(repeating: "y", count: 99))
    }

    /// A restore-testing run that ends restore-failed has a long subject: SNS's own rules
    /// (checked by AWSLite's client before sending) must accept it.
    func testEveryRunSubjectPassesSNSValidation() throws {
        var run = Run(runId: "rt-" + String(repeating: "A", count: 36) + "-" + String(repeating: "b", count: 30), origin: .restoreTesting,
                      fileSystemId: "fs-0123456789abcdef0", createdAt: Date(timeIntervalSince1970: 0),
                      deadline: Date(timeIntervalSince1970: 1), expiresAt: Date(timeIntervalSince1970: 2))
        run.finish(.restoreFailed, "x", at: Date(timeIntervalSince1970: 0))
        let naming = RunNaming(config: try OrchestratorConfig(environment: testEnvironment))
        let note = Notification.forRun(run, naming: naming)
        XCTAssertLessThan(note.subject.count, SNSClient.subjectLimit)
        XCTAssertNoThrow(try SNSClient.validate(SNSPublishRequest(topicArn: "arn:aws:sns:us-east-1:1:t", message: note.message, subject: note.subject)))
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
