import Foundation
import XCTest
@testable import ManifestKit

/// What a producer thread saw, read by the test once the thread has been joined.
private final class ProducerLog: @unchecked Sendable {
    var sent = 0
    var cancelledSend = false
    var returned = false
}

final class EntryBatchChannelTests: XCTestCase {
    private static func entries(_ count: Int) -> [ManifestEntry] {
        (0..<count).map { Fixtures.file("f\($0)") }
    }

    func testEntriesThenTheProducersErrorAgainAndAgain() throws {
        let channel = EntryBatchChannel(batchSize: 2, depth: 1)
        let failure = ManifestKitError(.io, subject: "walk", reason: "boom")
        channel.start { channel in
            for entry in Self.entries(5) { try channel.send(entry) }
            throw failure
        }
        var received: [String] = []
        XCTAssertThrowsError(try { while let e = try channel.next() { received.append(e.displayPath) } }()) {
            XCTAssertEqual($0 as? ManifestKitError, failure)
        }
        XCTAssertEqual(received, ["f0", "f1", "f2", "f3", "f4"])
        XCTAssertFalse(channel.isRunning, "joined at the failure")
        XCTAssertThrowsError(try channel.next()) { XCTAssertEqual($0 as? ManifestKitError, failure) }
        channel.cancel()
        XCTAssertThrowsError(try channel.next(), "a failure outlives cancel") { XCTAssertEqual($0 as? ManifestKitError, failure) }
    }

    func testEndJoinsTheThreadAndStaysNil() throws {
        let channel = EntryBatchChannel(batchSize: 3, depth: 2)
        channel.start { channel in for entry in Self.entries(6) { try channel.send(entry) } }
        var count = 0
        while try channel.next() != nil { count += 1 }
        XCTAssertEqual(count, 6)
        XCTAssertFalse(channel.isRunning)
        XCTAssertNil(try channel.next())
    }

    func testCancelBeforeStartWaitsForNothingAndStartsNothing() throws {
        let channel = EntryBatchChannel(batchSize: 4, depth: 1)
        channel.cancel()
        let log = ProducerLog()
        channel.start { _ in log.returned = true }
        XCTAssertFalse(channel.isRunning)
        XCTAssertNil(try channel.next())
        XCTAssertFalse(log.returned)
    }

    func testCancelStopsABlockedProducerAndReturnsOnlyOnceItHasWoundDown() throws {
        let channel = EntryBatchChannel(batchSize: 4, depth: 1)
        let log = ProducerLog()
        channel.start { channel in
            defer { log.returned = true }
            do {
                for entry in Self.entries(1_000) {
                    try channel.send(entry)
                    log.sent += 1
                }
            } catch is EntryBatchChannel.Cancelled {
                log.cancelledSend = true
                throw EntryBatchChannel.Cancelled()
            }
        }
        XCTAssertEqual(try channel.next()?.displayPath, "f0")
        XCTAssertTrue(channel.waitUntilProducerWaits(), "the producer filled the queue and blocks on it")
        channel.cancel()
        XCTAssertTrue(log.returned, "cancel() returned before the producer did")
        XCTAssertTrue(log.cancelledSend)
        // One batch handed out, one queued, one full and waiting: 12 entries sent at most
        // (the 12th send is the one that throws).
        XCTAssertLessThanOrEqual(log.sent, 11)
        XCTAssertFalse(channel.isRunning)
        XCTAssertNil(try channel.next())
    }
}
