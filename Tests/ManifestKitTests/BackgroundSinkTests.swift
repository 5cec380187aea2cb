import Glibc
import TestSupport
import XCTest
@testable import ManifestKit

/// A sink that records each write, can fail every write from the `failFrom`-th
/// (1-based) on, and can hold each write until `gate` opens (a slow disk or upload).
private final class ScriptedSink: ByteSink {
    var writes: [[UInt8]] = []
    var finished = false
    var aborted = false
    var callsAfterClose = 0
    /// The threads that called `write`.
    var writerThreads = Set<pthread_t>()
    let failFrom: Int
    let failFinish: Bool
    let gate: Gate?
    static let diskFull = ManifestKitError(.io, subject: "out.gz", reason: "write: No space left on device")
    static let renameFailed = ManifestKitError(.io, subject: "out.gz", reason: "rename: Permission denied")

    init(failFrom: Int = .max, failFinish: Bool = false, gate: Gate? = nil) {
        self.failFrom = failFrom
        self.failFinish = failFinish
        self.gate = gate
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        if finished || aborted { callsAfterClose += 1 }
        writerThreads.insert(pthread_self())
        if let gate { XCTAssertTrue(gate.wait(), "the test never let the write go") }
        if writes.count + 1 >= failFrom { throw Self.diskFull }
        writes.append(Array(bytes))
    }

    func finish() throws {
        if finished || aborted { callsAfterClose += 1 }
        writerThreads.insert(pthread_self())
        if failFinish { throw Self.renameFailed }
        finished = true
    }

    func abort() {
        if finished || aborted { callsAfterClose += 1 }
        aborted = true
    }
}

final class BackgroundSinkTests: XCTestCase {
    /// Threads of this process named ``BackgroundSink/threadName``.
    private func liveSinkThreads() throws -> Int {
        let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")
        return tasks.filter { task in
            let comm = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)
            return comm == BackgroundSink.threadName + "\n"
        }.count
    }

    /// Waits (up to 5 s) until `count` threads carry the sink's name: the kernel's
    /// task list is the only witness of a thread naming itself or having ended, so
    /// this polls it (a condition with a bound, not a delay before an assertion).
    private func waitForSinkThreads(_ count: Int) throws {
        for _ in 0..<500 where try liveSinkThreads() != count { usleep(10_000) }
        XCTAssertEqual(try liveSinkThreads(), count)
    }

    private func chunk(_ n: Int, _ seed: UInt8) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0) &+ seed } }

    // MARK: ManifestWriter: the same bytes as on the caller's thread

    private func manifest(_ count: Int, bufferSize: Int = 256 * 1024, level: Int32 = 1,
                          on thread: ManifestWriter.CompressionThread) throws -> [UInt8] {
        let sink = MemorySink()
        let w = try ManifestWriter(header: Fixtures.header, sink: sink, compressionLevel: level,
                                   bufferSize: bufferSize, compressOn: thread)
        for i in 0..<count {
            var e = Fixtures.file(String(format: "d%03d/f%07d", i / 1000, i), size: UInt64(i))
            e.sha256 = String(format: "%064lx", i &* 2_654_435_761)
            try w.append(e)
        }
        try w.finish(completedAtNs: Fixtures.startedAt + 1)
        XCTAssertTrue(sink.isFinished)
        XCTAssertFalse(sink.isAborted)
        return sink.bytes
    }

    func testManifestIsByteIdenticalToTheSynchronousWriter() throws {
        for count in [0, 1, 1000] {
            let pipelined = try manifest(count, on: .background)
            XCTAssertEqual(pipelined, try manifest(count, on: .caller), "\(count) entries")
            XCTAssertEqual(try Fixtures.readAll(pipelined).count, count)
        }
        // Small buffers: many hand-overs, at levels 0 (stored blocks follow the
        // write boundaries) and 6.
        for level: Int32 in [0, 6] {
            XCTAssertEqual(try manifest(3000, bufferSize: 4096, level: level, on: .background),
                           try manifest(3000, bufferSize: 4096, level: level, on: .caller), "level \(level)")
        }
    }

    func testManyMegabyteManifestIsByteIdenticalToTheSynchronousWriter() throws {
        let pipelined = try manifest(45_000, on: .background)
        XCTAssertGreaterThan(try Fixtures.gunzip(pipelined).count, 10_000_000)
        XCTAssertEqual(pipelined, try manifest(45_000, on: .caller))
    }

    // MARK: BackgroundSink

    func testEachWriteReachesTheSinkAsOneWriteInOrder() throws {
        let inner = ScriptedSink()
        let sink = BackgroundSink(wrapping: inner, depth: 2)
        let sent = [chunk(1, 1), chunk(300_000, 2), chunk(0, 3), chunk(17, 4), chunk(262_144, 5), chunk(5, 6)]
        for bytes in sent { try sink.write(bytes) }
        try sink.finish()
        XCTAssertEqual(inner.writes, sent.filter { !$0.isEmpty })
        XCTAssertTrue(inner.finished)
        XCTAssertFalse(inner.aborted)
        XCTAssertEqual(inner.callsAfterClose, 0)
        XCTAssertFalse(sink.isThreadRunning)
    }

    func testFinishWithNothingWrittenFinishesTheSink() throws {
        let inner = ScriptedSink()
        try BackgroundSink(wrapping: inner).finish()
        XCTAssertTrue(inner.finished)
        XCTAssertEqual(inner.writes, [])
    }

    func testWriteErrorSurfacesOnALaterWriteAndAgainOnFinish() throws {
        let inner = ScriptedSink(failFrom: 1)
        let sink = BackgroundSink(wrapping: inner, depth: 1)
        // The first write fails on the thread; with one queued chunk at most,
        // the third write has to wait for the thread, which has failed by then.
        var thrown: (index: Int, error: ManifestKitError?)?
        for i in 0..<3 {
            do {
                try sink.write(chunk(1000, UInt8(i)))
            } catch {
                thrown = (i, error as? ManifestKitError)
                break
            }
        }
        XCTAssertNotNil(thrown)
        XCTAssertEqual(thrown?.error, ScriptedSink.diskFull)
        XCTAssertThrowsError(try sink.write(chunk(10, 9))) { XCTAssertEqual($0 as? ManifestKitError, ScriptedSink.diskFull) }
        XCTAssertThrowsError(try sink.finish()) { XCTAssertEqual($0 as? ManifestKitError, ScriptedSink.diskFull) }
        XCTAssertTrue(inner.aborted)
        XCTAssertFalse(inner.finished)
        XCTAssertEqual(inner.writes, [])
        XCTAssertFalse(sink.isThreadRunning)
    }

    func testErrorOfTheLastWriteIsThrownByFinishAndTheSinkAborted() throws {
        let inner = ScriptedSink(failFrom: 3)
        let sink = BackgroundSink(wrapping: inner)
        for i in 0..<3 { try sink.write(chunk(100, UInt8(i))) }  // three queued at most: none waits
        XCTAssertThrowsError(try sink.finish()) { XCTAssertEqual($0 as? ManifestKitError, ScriptedSink.diskFull) }
        XCTAssertEqual(inner.writes, [chunk(100, 0), chunk(100, 1)])
        XCTAssertTrue(inner.aborted)
        XCTAssertFalse(inner.finished)
        XCTAssertEqual(inner.callsAfterClose, 0)
        XCTAssertThrowsError(try sink.finish()) {
            XCTAssertEqual($0 as? ManifestKitError, ManifestKitError(.io, subject: "background sink", reason: "finish after finish or abort"))
        }
    }

    func testErrorOfTheSinksFinishIsThrownByFinish() throws {
        let inner = ScriptedSink(failFinish: true)
        let sink = BackgroundSink(wrapping: inner)
        try sink.write(chunk(100, 0))
        XCTAssertThrowsError(try sink.finish()) { XCTAssertEqual($0 as? ManifestKitError, ScriptedSink.renameFailed) }
        XCTAssertEqual(inner.writes, [chunk(100, 0)])
        XCTAssertFalse(inner.finished)
        XCTAssertFalse(inner.aborted)  // as without the wrapper: a failed finish cleans up after itself
        XCTAssertFalse(sink.isThreadRunning)
        sink.abort()
        XCTAssertFalse(inner.aborted)
    }

    func testAbortDropsTheQueueAbortsTheSinkAndEndsTheThread() throws {
        let gate = Gate()
        let inner = ScriptedSink(gate: gate)
        let sink = BackgroundSink(wrapping: inner, depth: 3)
        try waitForSinkThreads(1)
        // The first chunk is held in the sink's write, so the other three are
        // queued when these writes return (the queue holds three).
        for i in 0..<4 { try sink.write(chunk(64, UInt8(i))) }
        sink.afterCancelForTests = { gate.open() }
        sink.abort()
        XCTAssertTrue(inner.aborted)
        XCTAssertFalse(inner.finished)
        XCTAssertEqual(inner.writes, [chunk(64, 0)], "the write in progress completes; the queued ones are dropped")
        XCTAssertEqual(inner.callsAfterClose, 0)
        XCTAssertFalse(sink.isThreadRunning)
        try waitForSinkThreads(0)
        XCTAssertThrowsError(try sink.write(chunk(1, 0))) {
            XCTAssertEqual($0 as? ManifestKitError, ManifestKitError(.io, subject: "background sink", reason: "write after finish or abort"))
        }
        sink.abort()
        XCTAssertEqual(inner.callsAfterClose, 0)
    }

    func testDroppingAnUnfinishedSinkAbortsItAndEndsTheThread() throws {
        let inner = ScriptedSink()
        do {
            let sink = BackgroundSink(wrapping: inner)
            try sink.write(chunk(10, 0))
            try waitForSinkThreads(1)
        }
        XCTAssertTrue(inner.aborted)
        try waitForSinkThreads(0)
    }

    func testQueueNeverHoldsMoreThanItsDepthAndBuffersAreRecycled() throws {
        let gate = Gate()
        let inner = ScriptedSink(gate: gate)
        let sink = BackgroundSink(wrapping: inner, depth: 2)
        let sent = (0..<30).map { chunk(4096 + $0, UInt8($0)) }
        // The first chunk is held in the sink's write: the next two fill the queue.
        for bytes in sent[0..<3] { try sink.write(bytes) }
        XCTAssertEqual(sink.peakQueued, 2)
        gate.open()
        for bytes in sent[3...] { try sink.write(bytes) }
        XCTAssertEqual(sink.peakQueued, 2)  // and no further
        try sink.finish()
        XCTAssertEqual(inner.writes, sent)
        XCTAssertLessThanOrEqual(sink.chunksAllocated, 3)
    }

    // MARK: ManifestWriter errors

    func testManifestWriterThrowsTheSinksErrorAsTheSynchronousWriterDoes() throws {
        for thread in [ManifestWriter.CompressionThread.caller, .background] {
            let inner = ScriptedSink(failFrom: 2)
            let w = try ManifestWriter(header: Fixtures.header, sink: inner, bufferSize: 4096, compressOn: thread)
            var appendError: (any Error)?
            for i in 0..<200_000 {
                do {
                    var e = Fixtures.file(String(format: "f%07d", i))
                    e.sha256 = String(format: "%064lx", i &* 2_654_435_761)
                    try w.append(e)
                } catch {
                    appendError = error
                    break
                }
            }
            XCTAssertEqual(appendError as? ManifestKitError, ScriptedSink.diskFull, "\(thread)")
            XCTAssertThrowsError(try w.finish(completedAtNs: 0)) {
                XCTAssertEqual($0 as? ManifestKitError, ScriptedSink.diskFull, "\(thread)")
            }
            XCTAssertTrue(inner.aborted, "\(thread)")
            XCTAssertFalse(inner.finished, "\(thread)")
            XCTAssertEqual(inner.writes.count, 1, "\(thread)")
        }
        try waitForSinkThreads(0)
    }

    func testCompressedOutputIsWrittenFromTheBackgroundThreadOnly() throws {
        for thread in [ManifestWriter.CompressionThread.caller, .background] {
            let inner = ScriptedSink()
            let w = try ManifestWriter(header: Fixtures.header, sink: inner, compressOn: thread)
            try w.append(Fixtures.file("a"))
            try w.finish(completedAtNs: 0)
            // Every write and the finish, from one thread: the caller's, or another.
            XCTAssertEqual(inner.writerThreads.count, 1)
            XCTAssertEqual(inner.writerThreads.contains(pthread_self()), thread == .caller, "\(thread)")
            XCTAssertTrue(inner.finished)
        }
    }

    func testManifestWriterAbortLeavesNoThread() throws {
        let inner = MemorySink()
        let w = try ManifestWriter(header: Fixtures.header, sink: inner, compressOn: .background)
        try w.append(Fixtures.file("a"))
        try waitForSinkThreads(1)
        w.abort()
        XCTAssertTrue(inner.isAborted)
        XCTAssertFalse(inner.isFinished)
        try waitForSinkThreads(0)
    }
}
