#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AWSLite
import Dispatch
import Foundation

/// Ends the process cleanly when it is told to stop: SIGTERM (ECS StopTask,
/// `docker stop`), SIGINT (Ctrl-C), SIGHUP (the terminal went away) or SIGQUIT
/// (Ctrl-\). Without it a stopped `generate -o s3://…` would leave an incomplete
/// multipart upload behind (no object, but stored, billed parts), and
/// `generate -o FILE` its hidden temporary file.
///
/// ``blockSignals()`` is the first instruction of `main.swift`: it blocks the four
/// signals in the only thread there is, and every thread started later (walker,
/// hashing, Dispatch, Swift concurrency) inherits the mask, so a signal sent at any
/// moment stays pending instead of being lost, ignored or acted on by a default
/// handler (SIGQUIT's would print a crash backtrace). ``activate()`` then starts one
/// thread that takes them with `sigwait`. On a signal every open output is
/// discarded (waiting up to 20 s), one line per output is written to stderr
/// (`manifest-worker: s3://b/k: upload aborted (SIGTERM)`,
/// `manifest-worker: out.ndjson.gz: incomplete output removed (SIGINT)`), and the
/// process exits with 128 + the signal number (143 SIGTERM, 130 SIGINT, 129
/// SIGHUP, 131 SIGQUIT). SIGKILL cannot be caught: a bucket lifecycle rule
/// (`AbortIncompleteMultipartUpload`) cleans up after that.
///
/// `@unchecked Sendable`: every mutable field is guarded by `lock`.
final class InterruptGuard: @unchecked Sendable {
    /// A handle for ``unregister(_:)``.
    struct Registration: Sendable, Equatable {
        fileprivate let id: Int
    }

    /// One open output: what to say and how to discard it.
    private struct Output {
        let name: String
        let outcome: String
        let discard: @Sendable () async -> Void
    }

    /// The signals that end the run, with their names.
    static let signals: [(number: Int32, name: String)] = [
        (SIGTERM, "SIGTERM"), (SIGINT, "SIGINT"), (SIGHUP, "SIGHUP"), (SIGQUIT, "SIGQUIT"),
    ]

    static let shared = InterruptGuard()

    private let lock = NSLock()
    private var open: [Int: Output] = [:]
    private var nextID = 0
    private var started = false
    private var interrupting = false
    private var lastWords: (@Sendable (_ signal: String, _ lines: [String]) -> Void)?

    /// Blocks ``signals`` in the calling thread (and so in every thread it
    /// starts). Call before anything else runs.
    static func blockSignals() {
        var set = signalSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    private static func signalSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for (number, _) in signals { sigaddset(&set, number) }
        return set
    }

    /// Starts watching an S3 upload.
    func register(_ writer: S3MultipartWriter, name: String) -> Registration {
        lock.lock()
        defer { lock.unlock() }
        return registerLocked(name: name, outcome: "upload aborted") { await writer.abort() }
    }

    /// Creates a local file's temporary output with `create` and starts watching
    /// it (on a signal it is unlinked), in one step: a signal cannot come between
    /// the file appearing and being watched. Once a signal is being handled no
    /// file is created any more (the calling thread waits for the exit).
    /// - Returns: `create`'s descriptor; `registration` is set when it is valid.
    func creating(temporaryFile path: String, name: String, registration: inout Registration?,
                  _ create: () -> Int32) -> Int32 {
        lock.lock()
        if interrupting {
            lock.unlock()
            while true { sleep(60) }
        }
        defer { lock.unlock() }
        let fd = create()
        if fd >= 0 {
            registration = registerLocked(name: name, outcome: "incomplete output removed") { _ = unlink(path) }
        }
        return fd
    }

    private func registerLocked(name: String, outcome: String, discard: @escaping @Sendable () async -> Void) -> Registration {
        nextID += 1
        open[nextID] = Output(name: name, outcome: outcome, discard: discard)
        return Registration(id: nextID)
    }

    /// Replaces how the lines are written on a signal (`lines`: one per discarded
    /// output, `manifest-worker: NAME: OUTCOME (SIGTERM)\n`): the log's format, and
    /// a final progress record saying where the walk was.
    func setLastWords(_ write: @escaping @Sendable (_ signal: String, _ lines: [String]) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        lastWords = write
    }

    /// Stops watching an output that completed or was discarded.
    func unregister(_ registration: Registration) {
        lock.lock()
        defer { lock.unlock() }
        open[registration.id] = nil
    }

    /// Starts the thread that waits for ``signals`` (blocked by
    /// ``blockSignals()`` before). Called once at start-up, before any output
    /// exists. With nothing open a signal just ends the process (128 + signal).
    func activate() {
        lock.lock()
        defer { lock.unlock() }
        guard !started else { return }
        started = true
        DedicatedThread.start(stackSize: 256 << 10) { [self] in
            var set = Self.signalSet()
            while true {
                var number: Int32 = 0
                if sigwait(&set, &number) == 0 { interrupted(by: number) }
            }
        }
    }

    /// Called by a sink whose upload call failed. When the failure is this guard's
    /// abort, parks the calling thread until the process exits (so that the exit is
    /// the interrupt's, 128 + signal, not the command's error); otherwise returns.
    /// For a test pause that saw one of ``signals`` pending: once this guard's thread has
    /// taken it, parks the caller until the process exits, so that nothing more happens
    /// between the pause and the interrupt (the last record says where the pause was).
    /// Returns when the guard is not active or the signal is not taken within 60 s.
    func parkOnceInterrupted() {
        for _ in 0..<6000 {
            lock.lock()
            let (active, taken) = (started, interrupting)
            lock.unlock()
            guard active else { return }
            if taken { while true { sleep(60) } }
            usleep(10_000)
        }
    }

    func parkIfInterrupted() {
        lock.lock()
        let parked = interrupting
        lock.unlock()
        while parked { sleep(60) }
    }

    private func interrupted(by number: Int32) {
        lock.lock()
        interrupting = true
        let outputs = open.values.sorted { $0.name < $1.name }
        let lastWords = lastWords
        lock.unlock()
        let done = DispatchSemaphore(value: 0)
        let discards = outputs.map(\.discard)
        Task {
            for discard in discards { await discard() }
            done.signal()
        }
        _ = done.wait(timeout: .now() + 20)
        let signalName = Self.signals.first { $0.number == number }?.name ?? "signal \(number)"
        let lines = outputs.map { "\(Tool.name): \($0.name): \($0.outcome) (\(signalName))\n" }
        if let lastWords {
            lastWords(signalName, lines)
        } else {
            FileHandle.standardError.write(Data(lines.joined().utf8))
        }
        // _exit, not exit: other threads (walker, hashing) are still running, and
        // exit handlers tearing the runtime down under them can crash the process.
        _exit(128 + number)
    }
}

/// A deterministic gate for tests of signals at chosen moments: with
/// `EBV_TEST_PAUSE_AT=<point>` in the environment, the process writes
/// `manifest-worker: test pause at <point>` to stderr when it reaches that point
/// and waits there until one of ``InterruptGuard/signals`` is pending (at most
/// 60 s, then goes on), so a test can send a signal at exactly that moment. Points:
/// `start` (signals blocked, nothing else done, the signal thread not started
/// yet: the signal stays pending and is taken once it starts), `output-created`
/// (a local output's temporary file exists and is watched), `walking` (`generate`
/// has handed the first entry to the writer; progress records are on when asked for),
/// `upload-opened` (an `s3://` output has been handed two parts' worth of bytes, so
/// its multipart upload is open and holds a part; see ``UploadPauseSink``),
/// `manifest-complete` (`generate --shard`: the part is complete, its ends not yet written).
enum TestPause {
    enum Point: String {
        case start
        case outputCreated = "output-created"
        case walking
        case uploadOpened = "upload-opened"
        case manifestComplete = "manifest-complete"
    }

    static let variable = "EBV_TEST_PAUSE_AT"

    static func isSet(_ point: Point, environment: [String: String]) -> Bool { environment[variable] == point.rawValue }

    static func at(_ point: Point, environment: [String: String]) {
        guard isSet(point, environment: environment) else { return }
        let line = Array("\(Tool.name): test pause at \(point.rawValue)\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        for _ in 0..<6000 {
            var pending = sigset_t()
            sigpending(&pending)
            if InterruptGuard.signals.contains(where: { sigismember(&pending, $0.number) == 1 }) {
                InterruptGuard.shared.parkOnceInterrupted()
                return
            }
            usleep(10_000)
        }
    }
}
