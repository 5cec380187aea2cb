import Foundation
import TestSupport
import XCTest

/// What one run of the binary produced.
struct CLIResult: Equatable, CustomStringConvertible {
    var status: Int32
    var stdout: Data
    var stderr: String

    var out: String { String(decoding: stdout, as: UTF8.self) }
    var description: String { "status \(status)\n--- stdout\n\(out)\n--- stderr\n\(stderr)" }
}

/// Runs the built `manifest-worker` as a subprocess (it sits next to the test
/// bundle in the build products directory; `EBV_TEST_BINARY` overrides).
enum CLIRunner {
    static var binary: String { BuiltWorker.path }

    /// Runs `executable` (the binary by default) with `arguments`. The
    /// environment is exactly `environment` plus PATH (and EBV_PROGRESS_INTERVAL=0
    /// unless given), so the caller's EBV_*
    /// variables never leak in.
    static func run(_ arguments: [String], environment: [String: String] = [:], stdin: Data? = nil,
                    executable: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> CLIResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? binary)
        process.arguments = arguments
        var env = environment
        // Progress records (stderr is a pipe here) only where a test asks for them.
        if env["EBV_PROGRESS_INTERVAL"] == nil { env["EBV_PROGRESS_INTERVAL"] = "0" }
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        process.environment = env
        let outPipe = Pipe(), errPipe = Pipe(), inPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = inPipe
        try process.run()
        let errData = LockedData()
        let errThread = Thread { errData.set(errPipe.fileHandleForReading.readDataToEndOfFile()) }
        errThread.start()
        let inThread = Thread {
            if let stdin { inPipe.fileHandleForWriting.write(stdin) }
            try? inPipe.fileHandleForWriting.close()
        }
        inThread.start()
        let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = errData.wait()
        return CLIResult(status: process.terminationStatus, stdout: outData, stderr: String(decoding: stderr, as: UTF8.self))
    }
}

/// A value handed from a reader thread to the test thread.
final class LockedData: @unchecked Sendable {
    private let condition = NSCondition()
    private var value: Data?

    func set(_ data: Data) {
        condition.lock()
        value = data
        condition.broadcast()
        condition.unlock()
    }

    func wait() -> Data {
        condition.lock()
        defer { condition.unlock() }
        while value == nil { condition.wait() }
        return value!
    }
}
