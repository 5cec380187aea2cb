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

    func testMessageIsCutTo256KiBOnACharacterBoundary() {
        let note = Notification(subject: "s", message: String(repeating: "é", count: 200_000))  // 400,000 bytes
        XCTAssertLessThanOrEqual(note.message.utf8.count, 262_144)
        XCTAssertGreaterThan(note.message.utf8.count, 262_100)
        XCTAssertTrue(note.message.hasSuffix("\n…(truncated; the full report is in S3)\n"))
        let small = Notification(subject: "s", message: "short")
        XCTAssertEqual(small.message, "short")
    }
}
