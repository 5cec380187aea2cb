import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// One run of the built `manifest-worker`, started as a subprocess with exactly the
/// given environment (plus PATH). The binary sits next to the test bundle in the build
/// products directory; `EBV_TEST_BINARY` overrides.
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

    private init(_ arguments: [String], environment: [String: String]) throws {
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        var env = environment
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        process.environment = env
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        for (pipe, isOut) in [(stdout, true), (stderr, false)] {
            output.enter()
            Thread { [self] in
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                if isOut { outData = data } else { errData = data }
                output.leave()
            }.start()
        }
    }

    /// Starts the binary; see ``wait()``.
    static func start(_ arguments: [String], environment: [String: String]) throws -> WorkerProcess {
        try WorkerProcess(arguments, environment: environment)
    }

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

    func wait() -> Result {
        process.waitUntilExit()
        output.wait()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}
