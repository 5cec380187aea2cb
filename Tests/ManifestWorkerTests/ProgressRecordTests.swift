import Foundation
@testable import ManifestWorker
import XCTest

/// A clock and a walk a test moves by hand.
/// `@unchecked Sendable`: every field is guarded by `lock`.
private final class FakeWalk: @unchecked Sendable {
    private let lock = NSLock()
    private var nanoseconds: Int64 = 1_000_000_000_000
    private var current = ProgressSnapshot()
    private var lines: [String] = []

    func advance(seconds: Int64) { lock.withLock { nanoseconds += seconds * 1_000_000_000 } }
    func set(_ snapshot: ProgressSnapshot) { lock.withLock { current = snapshot } }
    func now() -> Int64 { lock.withLock { nanoseconds } }
    func snapshot() -> ProgressSnapshot { lock.withLock { current } }
    func write(_ line: String) { lock.withLock { lines.append(line) } }
    var written: [String] { lock.withLock { lines } }

    /// 2026-12-02T10:00:00Z on the wall clock, whatever the fake monotonic clock says.
    static let wallClock: Int64 = 1_796_205_600_000_000_000

    func recorder(interval: Int64, format: LogFormat, expectation: ProgressExpectation? = nil) -> ProgressRecorder {
        let log = StderrLog(format: format, write: { [self] in write($0) }, now: { FakeWalk.wallClock })
        return ProgressRecorder(intervalSeconds: interval, clock: { [self] in now() }, expectation: expectation, log: log,
                                sample: { [self] in snapshot() })
    }
}

final class ProgressRecordTests: XCTestCase {
    private let oneMinute = ProgressSnapshot(entries: 1200, files: 1000, bytes: 52_428_800, errors: 2, unstable: 1,
                                             descriptors: 14, path: Array("d/f\nx".utf8))

    func testTextRecordsAtAFakeClock() {
        let walk = FakeWalk()
        let recorder = walk.recorder(interval: 60, format: .text)
        walk.advance(seconds: 59)
        XCTAssertFalse(recorder.poll())
        XCTAssertEqual(walk.written, [])
        walk.advance(seconds: 1)
        walk.set(oneMinute)
        XCTAssertTrue(recorder.poll())
        XCTAssertFalse(recorder.poll(), "a second poll in the same interval writes nothing")
        walk.advance(seconds: 30)
        XCTAssertFalse(recorder.poll())
        walk.advance(seconds: 30)
        walk.set(ProgressSnapshot(entries: 2400, files: 2200, bytes: 62_428_800, errors: 2, unstable: 1, descriptors: 16,
                                  path: Array("e".utf8)))
        XCTAssertTrue(recorder.poll())
        walk.advance(seconds: 5)
        recorder.finish("finished")
        recorder.finish("finished")
        walk.advance(seconds: 600)
        XCTAssertFalse(recorder.poll(), "nothing after the final record")
        XCTAssertEqual(walk.written, [
            "manifest-worker: progress: 1m00s elapsed, 1200 entries, 1000 files, 52428800 bytes, 2 errors, 1 unstable, "
                + "16.7 files/s (16.7 overall), 0.9 MB/s (0.9 overall), 14 descriptors, at \"d/f\\nx\"\n",
            "manifest-worker: progress: 2m00s elapsed, 2400 entries, 2200 files, 62428800 bytes, 2 errors, 1 unstable, "
                + "20.0 files/s (18.3 overall), 0.2 MB/s (0.5 overall), 16 descriptors, at e\n",
            "manifest-worker: finished: 2m05s elapsed, 2400 entries, 2200 files, 62428800 bytes, 2 errors, 1 unstable, "
                + "0.0 files/s (17.6 overall), 0.0 MB/s (0.5 overall), 16 descriptors, at e\n",
        ])
    }

    func testJSONRecordsAtAFakeClock() {
        let walk = FakeWalk()
        let recorder = walk.recorder(interval: 60, format: .json, expectation: ProgressExpectation(entries: 4800, bytes: 104_857_600))
        walk.advance(seconds: 60)
        walk.set(oneMinute)
        XCTAssertTrue(recorder.poll())
        walk.advance(seconds: 1)
        recorder.finish("interrupted (SIGTERM)", level: .error,
                        extra: [("signal", .string("SIGTERM")), ("aborted", .array([.string("s3://b/k: upload aborted")]))])
        XCTAssertEqual(walk.written, [
            #"{"bytes":52428800,"bytesPercent":50,"descriptors":14,"elapsedSeconds":60,"entries":1200,"entriesPercent":25,"#
                + #""errors":2,"etaSeconds":60,"files":1000,"filesPerSecond":16.7,"filesPerSecondOverall":16.7,"level":"info","#
                + #""megabytesPerSecond":0.9,"megabytesPerSecondOverall":0.9,"message":"progress","path":"\"d/f\\nx\"","#
                + #""timestamp":"2026-12-02T10:00:00.000Z","unstable":1}"# + "\n",
            #"{"aborted":["s3://b/k: upload aborted"],"bytes":52428800,"bytesPercent":50,"descriptors":14,"elapsedSeconds":61,"#
                + #""entries":1200,"entriesPercent":25,"errors":2,"etaSeconds":61,"files":1000,"filesPerSecond":0,"#
                + #""filesPerSecondOverall":16.4,"final":true,"level":"error","megabytesPerSecond":0,"megabytesPerSecondOverall":0.9,"#
                + #""message":"interrupted (SIGTERM)","path":"\"d/f\\nx\"","signal":"SIGTERM","#
                + #""timestamp":"2026-12-02T10:00:00.000Z","unstable":1}"# + "\n",
        ])
    }

    func testInterruptedTextRecordNamesTheAbortedUpload() {
        let walk = FakeWalk()
        let recorder = walk.recorder(interval: 60, format: .text)
        walk.advance(seconds: 3)
        walk.set(oneMinute)
        recorder.finish("interrupted (SIGTERM)", level: .error, extra: [("aborted", .array([.string("s3://b/k: upload aborted")]))])
        XCTAssertEqual(walk.written, [
            "manifest-worker: interrupted (SIGTERM): 3s elapsed, 1200 entries, 1000 files, 52428800 bytes, 2 errors, 1 unstable, "
                + "333.3 files/s (333.3 overall), 17.5 MB/s (17.5 overall), 14 descriptors, at \"d/f\\nx\"; s3://b/k: upload aborted\n",
        ])
    }

    func testTheIntervalIsCountedFromThePreviousRecord() {
        let walk = FakeWalk()
        let recorder = walk.recorder(interval: 1, format: .text)
        var written: [Bool] = []
        for step in [0, 1, 0, 2, 1] as [Int64] {
            walk.advance(seconds: step)
            written.append(recorder.poll())
        }
        XCTAssertEqual(written, [false, true, false, true, true])
        XCTAssertEqual(walk.written.count, 3)
    }

    func testAHugeIntervalDoesNotTrap() {
        let walk = FakeWalk()
        let recorder = walk.recorder(interval: .max, format: .text)
        walk.advance(seconds: 1_000_000)
        XCTAssertFalse(recorder.poll())
    }

    func testEstimateArithmetic() {
        func estimate(_ entries: UInt64, _ bytes: UInt64, of expected: ProgressExpectation, after seconds: Int64) -> ProgressEstimate {
            ProgressEstimate.compute(done: ProgressSnapshot(entries: entries, bytes: bytes), expected: expected,
                                     elapsedNanoseconds: seconds &* 1_000_000_000)
        }
        let expected = ProgressExpectation(entries: 1000, bytes: 4000)
        XCTAssertEqual(estimate(250, 1000, of: expected, after: 60), ProgressEstimate(entriesPercent: 25, bytesPercent: 25, etaSeconds: 180))
        // The bytes set the pace; the entries only when no bytes are expected.
        XCTAssertEqual(estimate(900, 1000, of: expected, after: 60).etaSeconds, 180)
        XCTAssertEqual(estimate(500, 0, of: ProgressExpectation(entries: 1000, bytes: 0), after: 10),
                       ProgressEstimate(entriesPercent: 50, bytesPercent: nil, etaSeconds: 10))
        // Nothing done yet: no ETA. Nothing expected: no percent, no ETA.
        XCTAssertEqual(estimate(0, 0, of: expected, after: 60), ProgressEstimate(entriesPercent: 0, bytesPercent: 0, etaSeconds: nil))
        XCTAssertEqual(estimate(5, 5, of: ProgressExpectation(entries: 0, bytes: 0), after: 60), ProgressEstimate())
        // Past the expectation (the tree grew): 100 % and 0 s.
        XCTAssertEqual(estimate(2000, 9000, of: expected, after: 60), ProgressEstimate(entriesPercent: 100, bytesPercent: 100, etaSeconds: 0))
        // Extremes never trap.
        XCTAssertEqual(ProgressEstimate.compute(done: ProgressSnapshot(entries: 1, bytes: 1), expected: ProgressExpectation(entries: .max, bytes: .max),
                                                elapsedNanoseconds: .max).etaSeconds, .max)
        XCTAssertEqual(estimate(.max, .max, of: expected, after: 1).etaSeconds, 0)
        XCTAssertEqual(ProgressEstimate.compute(done: ProgressSnapshot(bytes: 1), expected: expected, elapsedNanoseconds: .min).etaSeconds, 0)
    }

    func testDurations() {
        XCTAssertEqual(ProgressRecord.duration(seconds: 0), "0s")
        XCTAssertEqual(ProgressRecord.duration(seconds: 59), "59s")
        XCTAssertEqual(ProgressRecord.duration(seconds: 61), "1m01s")
        XCTAssertEqual(ProgressRecord.duration(seconds: 3723), "1h02m03s")
        XCTAssertEqual(ProgressRecord.duration(seconds: -5), "0s")
        XCTAssertEqual(ProgressRecord.duration(seconds: .max), "2562047788015215h30m07s")
    }

    func testRecordsOffATerminalOrInJSONAndNeverWhenQuiet() {
        func console(terminal: Bool) -> Console {
            Console(out: { _ in }, err: { _ in }, outBytes: { _ in }, stdoutIsTerminal: false, stderrIsTerminal: terminal, terminalWidth: { 80 })
        }
        func on(terminal: Bool, quiet: Bool = false, interval: Int64 = 60, json: Bool = false) -> Bool {
            ProgressSettings(quiet: quiet, intervalSeconds: interval, json: json).recordsOn(console(terminal: terminal))
        }
        XCTAssertTrue(on(terminal: false))
        XCTAssertFalse(on(terminal: true))
        XCTAssertTrue(on(terminal: true, json: true))
        XCTAssertFalse(on(terminal: false, quiet: true))
        XCTAssertFalse(on(terminal: true, quiet: true, json: true))
        XCTAssertFalse(on(terminal: false, interval: 0))
        XCTAssertFalse(ProgressSettings(quiet: false, intervalSeconds: 60, json: false).liveLineQuiet)
        XCTAssertTrue(ProgressSettings(quiet: false, intervalSeconds: 60, json: true).liveLineQuiet)
    }

    func testLogFormatIsReadBeforeTheCommandLineIsParsed() {
        XCTAssertEqual(LogFormat.resolve(["generate", "--log-format", "json", "d"], environment: [:]), .json)
        XCTAssertEqual(LogFormat.resolve(["--log-format=json", "generate"], environment: ["EBV_LOG_FORMAT": "text"]), .json)
        XCTAssertEqual(LogFormat.resolve(["generate"], environment: ["EBV_LOG_FORMAT": "json"]), .json)
        XCTAssertEqual(LogFormat.resolve(["generate"], environment: ["EBV_LOG_FORMAT": ""]), .text)
        XCTAssertEqual(LogFormat.resolve(["generate", "--", "--log-format", "json"], environment: [:]), .text)
        XCTAssertEqual(LogFormat.resolve(["--log-format", "JSON"], environment: [:]), .text)
        XCTAssertThrowsError(try LogFormat.check(LogFormat.requested(["--log-format", "xml"], environment: [:])))
        XCTAssertNoThrow(try LogFormat.check(nil))
    }

    func testJSONLogLinesTakeOffTheToolNameAndKeepTheStandardKeys() {
        let lines = LockedLines()
        let log = StderrLog(format: .json, write: { lines.append($0) }, now: { FakeWalk.wallClock })
        log.log(.warn, "manifest-worker: a\\x1b: EACCES\nmanifest-worker: b: EIO\n")
        log.log(.info, text: "ignored", message: "m", fields: [("level", .string("spoof")), ("z", .uint(1))])
        XCTAssertEqual(lines.all, [
            #"{"level":"warn","message":"a\\x1b: EACCES","timestamp":"2026-12-02T10:00:00.000Z"}"# + "\n",
            #"{"level":"warn","message":"b: EIO","timestamp":"2026-12-02T10:00:00.000Z"}"# + "\n",
            #"{"level":"info","message":"m","timestamp":"2026-12-02T10:00:00.000Z","z":1}"# + "\n",
        ])
    }
}

/// Lines written by a log under test.
/// `@unchecked Sendable`: `lines` is guarded by `lock`.
private final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
