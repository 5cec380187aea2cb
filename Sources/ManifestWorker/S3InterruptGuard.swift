#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AWSLite
import Dispatch
import Foundation

/// Aborts the S3 uploads still open when the process is told to stop: SIGTERM (ECS
/// StopTask, `docker stop`) or SIGINT (Ctrl-C). Without it a stopped
/// `generate -o s3://…` would leave an incomplete multipart upload behind (no object,
/// but stored, billed parts).
///
/// The handlers are installed when the first upload opens. On a signal every open
/// upload is aborted (waiting up to 20 s), one line per upload is written to stderr
/// (`manifest-worker: s3://b/k: upload aborted (SIGTERM)`), and the process exits with
/// 128 + the signal number (143 for SIGTERM, 130 for SIGINT). SIGKILL cannot be caught:
/// a bucket lifecycle rule (`AbortIncompleteMultipartUpload`) cleans up after that.
final class S3InterruptGuard: @unchecked Sendable {
    /// A handle for ``unregister(_:)``.
    struct Registration: Sendable, Equatable {
        fileprivate let id: Int
    }

    static let shared = S3InterruptGuard()

    private let lock = NSLock()
    private var open: [Int: (name: String, writer: S3MultipartWriter)] = [:]
    private var nextID = 0
    private var sources: [any DispatchSourceSignal] = []
    private var interrupting = false

    /// Starts watching `writer` (installing the signal handlers on first use).
    func register(_ writer: S3MultipartWriter, name: String) -> Registration {
        lock.lock()
        defer { lock.unlock() }
        if sources.isEmpty { installHandlers() }
        nextID += 1
        open[nextID] = (name, writer)
        return Registration(id: nextID)
    }

    /// Stops watching an upload that completed or was aborted.
    func unregister(_ registration: Registration) {
        lock.lock()
        defer { lock.unlock() }
        open[registration.id] = nil
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
        let uploads = open.values.sorted { $0.name < $1.name }
        lock.unlock()
        let done = DispatchSemaphore(value: 0)
        let writers = uploads.map(\.writer)
        Task {
            for writer in writers { await writer.abort() }
            done.signal()
        }
        _ = done.wait(timeout: .now() + 20)
        let signalName = number == SIGTERM ? "SIGTERM" : "SIGINT"
        let text = uploads.map { "\(Tool.name): \($0.name): upload aborted (\(signalName))\n" }.joined()
        FileHandle.standardError.write(Data(text.utf8))
        exit(128 + number)
    }
}
