#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AWSLite
import Dispatch
import Foundation

/// Discards the outputs still open when the process is told to stop: SIGTERM (ECS
/// StopTask, `docker stop`) or SIGINT (Ctrl-C). Without it a stopped
/// `generate -o s3://…` would leave an incomplete multipart upload behind (no object,
/// but stored, billed parts), and `generate -o FILE` its hidden temporary file.
///
/// The handlers are installed at start-up (``activate()``). On a signal every open
/// output is discarded (waiting up to 20 s), one line per output is written to stderr
/// (`manifest-worker: s3://b/k: upload aborted (SIGTERM)`,
/// `manifest-worker: out.ndjson.gz: incomplete output removed (SIGINT)`), and the
/// process exits with 128 + the signal number (143 for SIGTERM, 130 for SIGINT).
/// SIGKILL cannot be caught: a bucket lifecycle rule (`AbortIncompleteMultipartUpload`)
/// cleans up after that.
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

    static let shared = InterruptGuard()

    private let lock = NSLock()
    private var open: [Int: Output] = [:]
    private var nextID = 0
    private var sources: [any DispatchSourceSignal] = []
    private var interrupting = false

    /// Starts watching an S3 upload (installing the signal handlers on first use).
    func register(_ writer: S3MultipartWriter, name: String) -> Registration {
        register(name: name, outcome: "upload aborted") { await writer.abort() }
    }

    /// Starts watching a local file's temporary output: on a signal it is unlinked.
    func register(temporaryFile path: String, name: String) -> Registration {
        register(name: name, outcome: "incomplete output removed") { _ = unlink(path) }
    }

    private func register(name: String, outcome: String, discard: @escaping @Sendable () async -> Void) -> Registration {
        lock.lock()
        defer { lock.unlock() }
        nextID += 1
        open[nextID] = Output(name: name, outcome: outcome, discard: discard)
        return Registration(id: nextID)
    }

    /// Stops watching an output that completed or was discarded.
    func unregister(_ registration: Registration) {
        lock.lock()
        defer { lock.unlock() }
        open[registration.id] = nil
    }

    /// Installs the SIGTERM/SIGINT handlers. Called once at start-up, before any
    /// output exists, so that no signal can slip between creating an output and
    /// watching it. With nothing open a signal just ends the process (128 + signal).
    func activate() {
        lock.lock()
        defer { lock.unlock() }
        if sources.isEmpty { installHandlers() }
    }

    private func installHandlers() {
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)  // the dispatch source sees it; the default action would kill first
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in interrupted(by: number) }
            source.resume()
            sources.append(source)
        }
    }

    /// Called by a sink whose upload call failed. When the failure is this guard's
    /// abort, parks the calling thread until the process exits (so that the exit is
    /// the interrupt's, 128 + signal, not the command's error); otherwise returns.
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
        lock.unlock()
        let done = DispatchSemaphore(value: 0)
        let discards = outputs.map(\.discard)
        Task {
            for discard in discards { await discard() }
            done.signal()
        }
        _ = done.wait(timeout: .now() + 20)
        let signalName = number == SIGTERM ? "SIGTERM" : "SIGINT"
        let text = outputs.map { "\(Tool.name): \($0.name): \($0.outcome) (\(signalName))\n" }.joined()
        FileHandle.standardError.write(Data(text.utf8))
        // _exit, not exit: other threads (walker, hashing) are still running, and
        // exit handlers tearing the runtime down under them can crash the process.
        _exit(128 + number)
    }
}
