import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// One run of the built `manifest-worker`, started as a subprocess with exactly the
/// given environment (plus PATH, and EBV_PROGRESS_INTERVAL=0 unless given). The binary sits next to the test bundle in the build
/// products directory; `EBV_TEST_BINARY` overrides.
// `@unchecked Sendable`: `outData` is written by its reader thread before it leaves
// `output` and read only after `output.wait()`; `errData`/`errEnded` are guarded by
// `errCondition`.
final class WorkerProcess: @unchecked Sendable {
    struct Result: CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String
        var description: String { "status \(status)\n--- stdout\n\(stdout.prefix(2000))\n--- stderr\n\(stderr)" }
    }

    static var binary: String { BuiltWorker.path }

    private let process = Process()
    private let stdout = Pipe()
    private let stderr = Pipe()
    private let output = DispatchGroup()
    private var outData = Data()
    private var errData = Data()
    private var errEnded = false
    /// Guards `errData` and `errEnded` while the process runs.
    private let errCondition = NSCondition()

    private init(_ arguments: [String], environment: [String: String], executable: String?) throws {
        process.executableURL = URL(fileURLWithPath: executable ?? Self.binary)
        process.arguments = arguments
        var env = environment
        // Progress records (stderr is a pipe here) only where a test asks for them.
        if env["EBV_PROGRESS_INTERVAL"] == nil { env["EBV_PROGRESS_INTERVAL"] = "0" }
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        process.environment = env
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        output.enter()
        Thread { [self] in
            outData = stdout.fileHandleForReading.readDataToEndOfFile()
            output.leave()
        }.start()
        output.enter()
        Thread { [self] in
            // Piece by piece, so that a test can wait for a line (``waitForStderr(_:)``).
            while true {
                let chunk = stderr.fileHandleForReading.availableData
                errCondition.lock()
                if chunk.isEmpty { errEnded = true } else { errData.append(chunk) }
                errCondition.broadcast()
                errCondition.unlock()
                if chunk.isEmpty { break }
            }
            output.leave()
        }.start()
    }

    /// Waits until stderr contains `text` (true) or ends without it (false), at most 60 s.
    func waitForStderr(_ text: String) -> Bool {
        let deadline = Date().addingTimeInterval(60)
        errCondition.lock()
        defer { errCondition.unlock() }
        while true {
            if String(decoding: errData, as: UTF8.self).contains(text) { return true }
            if errEnded || !errCondition.wait(until: deadline) { return false }
        }
    }

    /// Starts the binary (or `executable`, e.g. a shell that execs it); see ``wait()``.
    static func start(_ arguments: [String], environment: [String: String], executable: String? = nil) throws -> WorkerProcess {
        try WorkerProcess(arguments, environment: environment, executable: executable)
    }

    var pid: Int32 { process.processIdentifier }

    /// Runs the binary to its end.
    static func run(_ arguments: [String], environment: [String: String]) throws -> Result {
        try start(arguments, environment: environment).wait()
    }

    var isRunning: Bool { process.isRunning }

    func signal(_ number: Int32) { Glibc.kill(process.processIdentifier, number) }

    /// SIGKILL if still running (cleanup after a failed test).
    func kill() {
        if process.isRunning { signal(SIGKILL) }
    }

    /// ``wait()`` for at most `limit` seconds: nil when the process is still running
    /// then (its output pipes close when it exits, and nothing else holds them).
    func wait(limit: Double) -> Result? {
        guard output.wait(timeout: .now() + limit) == .success else { return nil }
        return wait()
    }

    func wait() -> Result {
        process.waitUntilExit()
        output.wait()
        errCondition.lock()
        let err = errData
        errCondition.unlock()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: err, as: UTF8.self))
    }
}
