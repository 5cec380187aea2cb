import Foundation
import ManifestKit

/// Writes a progress record (``ProgressRecord``) to the log every interval
/// while a walk runs, and one final record at its end: used when stderr is not
/// a terminal (Fargate, a log file) and `--quiet` is off, where the live
/// progress line cannot be shown.
///
/// The clock is injected: ``poll()`` writes a record when the interval has
/// passed on it, so a test drives it with a fake clock; ``start()`` runs a
/// thread that waits (on the real clock) and polls.
///
/// `@unchecked Sendable`: every mutable field is guarded by `condition`.
final class ProgressRecorder: @unchecked Sendable {
    private let intervalNanoseconds: Int64
    private let clock: @Sendable () -> Int64
    private let sample: @Sendable () -> ProgressSnapshot
    private let expectation: ProgressExpectation?
    private let log: StderrLog
    private let startedAt: Int64
    private let condition = NSCondition()
    private var previous = ProgressSnapshot()
    private var previousAt: Int64
    private var finished = false
    private var stopped = false
    private var threadEnded = true

    init(intervalSeconds: Int64, clock: @escaping @Sendable () -> Int64, expectation: ProgressExpectation?, log: StderrLog,
         sample: @escaping @Sendable () -> ProgressSnapshot) {
        let (product, overflow) = intervalSeconds.multipliedReportingOverflow(by: 1_000_000_000)
        intervalNanoseconds = overflow ? .max : max(product, 1)
        self.clock = clock
        self.sample = sample
        self.expectation = expectation
        self.log = log
        startedAt = clock()
        previousAt = startedAt
    }

    /// Writes a record when an interval has passed since the previous one (or the
    /// start); returns whether it did. Nothing after ``finish(_:)``.
    @discardableResult
    func poll() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let now = clock()
        guard !finished, now.subtractingReportingOverflow(previousAt).partialValue >= intervalNanoseconds else { return false }
        writeLocked(now: now, message: "progress", extra: [], level: .info)
        return true
    }

    /// Writes the final record once (later calls do nothing): `message` is
    /// `finished`, `failed` or `interrupted (SIGTERM)`; `extra` adds fields.
    func finish(_ message: String, level: StderrLog.Level = .info, extra: [(String, JSONValue)] = []) {
        condition.lock()
        defer { condition.unlock() }
        guard !finished else { return }
        writeLocked(now: clock(), message: message, extra: extra + [("final", .bool(true))], level: level)
        finished = true
        condition.broadcast()
    }

    private func writeLocked(now: Int64, message: String, extra: [(String, JSONValue)], level: StderrLog.Level) {
        let snapshot = sample()
        let elapsed = now.subtractingReportingOverflow(startedAt)
        let interval = now.subtractingReportingOverflow(previousAt)
        let record = ProgressRecord(
            snapshot: snapshot, elapsedNanoseconds: elapsed.overflow ? 0 : elapsed.partialValue, previous: previous,
            intervalNanoseconds: interval.overflow ? 0 : interval.partialValue,
            estimate: expectation.map { ProgressEstimate.compute(done: snapshot, expected: $0, elapsedNanoseconds: elapsed.partialValue) })
        var text = "\(Tool.name): \(message): \(record.text)"
        for (name, value) in extra where name == "aborted" {
            if case .array(let items) = value, !items.isEmpty {
                text += "; " + items.compactMap { if case .string(let s) = $0 { return s } else { return nil } }.joined(separator: "; ")
            }
        }
        log.log(level, text: text, message: message, fields: record.fields + extra)
        previous = snapshot
        previousAt = now
    }

    /// On a signal (``InterruptGuard``): the lines saying what became of the
    /// outputs, then the final record with where the walk was and the same outcomes
    /// (`interrupted (SIGTERM): …, at d/f; s3://b/k: upload aborted`).
    func finishOnInterrupt(log: StderrLog) {
        InterruptGuard.shared.setLastWords { [self] signal, lines in
            log.log(.error, lines.joined())
            let prefix = "\(Tool.name): ", suffix = " (\(signal))\n"
            let outcomes = lines.map { line -> JSONValue in
                var text = Substring(line)
                if text.hasPrefix(prefix) { text = text.dropFirst(prefix.count) }
                if text.hasSuffix(suffix) { text = text.dropLast(suffix.count) }
                return .string(String(text))
            }
            finish("interrupted (\(signal))", level: .error, extra: [("signal", .string(signal)), ("aborted", .array(outcomes))])
        }
    }

    /// Starts the thread that polls every interval until ``stop()``.
    func start() {
        condition.lock()
        threadEnded = false
        condition.unlock()
        let thread = Thread { [self] in
            condition.lock()
            while !stopped && !finished {
                let remaining = intervalNanoseconds.subtractingReportingOverflow(clock().subtractingReportingOverflow(previousAt).partialValue)
                let seconds = remaining.overflow ? 0 : Double(max(remaining.partialValue, 0)) / 1e9
                _ = condition.wait(until: Date(timeIntervalSinceNow: min(seconds, 86_400)))
                if stopped || finished { break }
                condition.unlock()
                poll()
                condition.lock()
            }
            threadEnded = true
            condition.broadcast()
            condition.unlock()
        }
        thread.name = "progress-record"
        thread.start()
    }

    /// Stops the thread (without a final record) and waits for it.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while !threadEnded { condition.wait() }
        condition.unlock()
    }
}

/// The number of descriptors the process has open (`/proc/self/fd`, less the
/// one reading it); nil where there is no /proc.
enum OpenDescriptors {
    static func count() -> Int? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return nil }
        return max(names.count - 1, 0)
    }
}
