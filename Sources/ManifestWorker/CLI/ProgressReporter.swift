import Foundation

/// Counters a progress line shows, read from a running walk.
struct ProgressSample: Sendable, Equatable {
    var files: UInt64 = 0
    var bytes: UInt64 = 0
    var errors: UInt64 = 0

    static func + (a: ProgressSample, b: ProgressSample) -> ProgressSample {
        // Display only: a sum past 2^64 - 1 shows as the maximum instead of trapping.
        ProgressSample(files: saturating(a.files, b.files), bytes: saturating(a.bytes, b.bytes),
                       errors: saturating(a.errors, b.errors))
    }

    private static func saturating(_ x: UInt64, _ y: UInt64) -> UInt64 {
        let (sum, overflow) = x.addingReportingOverflow(y)
        return overflow ? .max : sum
    }
}

/// Formats the one-line progress display (pure).
enum ProgressLine {
    /// `12345 files  2345 files/s  123.4 MB/s  0 errors`, cut to `width - 1`
    /// columns so that the terminal never wraps.
    static func render(_ sample: ProgressSample, elapsedNanoseconds: Int64, width: Int) -> String {
        let seconds = max(Double(elapsedNanoseconds) / 1e9, 0.001)
        let filesPerSecond = wholeNumber(Double(sample.files) / seconds)
        let megabytesPerSecond = Double(sample.bytes) / 1e6 / seconds
        let line = "\(sample.files) files  \(filesPerSecond) files/s  \(oneDecimal(megabytesPerSecond)) MB/s  \(sample.errors) errors"
        let limit = max(width - 1, 0)
        return line.count > limit ? String(line.prefix(limit)) : line
    }

    static func oneDecimal(_ value: Double) -> String {
        let tenths = wholeNumber(value * 10)
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// `value` rounded, clamped to `0...Int64.max` (a rate is never negative;
    /// NaN shows as 0): never `Int64(someDouble)` on a value that may not fit.
    static func wholeNumber(_ value: Double) -> Int64 {
        guard value.isFinite, value > 0 else { return 0 }
        return Int64(exactly: value.rounded()) ?? .max // positive and integral: nil means too large
    }
}

/// Refreshes a progress line on stderr a few times a second, from its own
/// thread, while a walk runs. Used only when stderr is a terminal and
/// `--quiet` is off; `stop()` erases the line.
final class ProgressReporter: @unchecked Sendable {
    // @unchecked Sendable: `stopped` and `finished` are only touched under `condition`;
    // the other fields are constants set in `init`.
    private let console: Console
    private let sample: @Sendable () -> ProgressSample
    private let intervalSeconds: Double
    private let condition = NSCondition()
    private var stopped = false
    private var finished = false

    init(console: Console, intervalSeconds: Double = 0.25, sample: @escaping @Sendable () -> ProgressSample) {
        self.console = console
        self.sample = sample
        self.intervalSeconds = intervalSeconds
    }

    /// Starts the refresh thread.
    func start() {
        let started = WallClock.monotonicNanoseconds()
        let thread = Thread { [self] in
            condition.lock()
            while !stopped {
                condition.unlock()
                let line = ProgressLine.render(sample(), elapsedNanoseconds: WallClock.monotonicNanoseconds() - started,
                                               width: console.terminalWidth())
                console.err("\r\(line)\u{1B}[K")
                condition.lock()
                if !stopped { _ = condition.wait(until: Date(timeIntervalSinceNow: intervalSeconds)) }
            }
            console.err("\r\u{1B}[K")
            finished = true
            condition.broadcast()
            condition.unlock()
        }
        thread.name = "progress"
        thread.start()
    }

    /// Stops the thread and erases the line; returns once the line is gone.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }
}
