import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The local AWS the integration tests run against: `testenv/moto_server.py` (moto in
/// server mode with SigV4 checking on, plus an AWS Backup stand-in) launched with the
/// project venv's Python, on 127.0.0.1 on free ports.
///
/// ```swift
/// let aws = try LocalAWS.start()
/// defer { aws.stop() }
/// try await aws.reset()
/// // point clients at aws.endpoint / aws.backupEndpoint with aws.accessKeyId / aws.secretAccessKey
/// ```
///
/// The venv is `$EBV_VENV` (the test command exports it), else `<repo>/.venv`; the
/// repository root is `$EBV_REPO_ROOT`, else found from this file's path. A missing venv
/// is an error, never a skip. The harness exits when its stdin closes, so it dies with the
/// test process; `stop()` closes stdin, waits, and terminates it if it lingers.
public final class LocalAWS: @unchecked Sendable {
    // @unchecked Sendable: every field is a constant set in `init` except `stopped`,
    // which is only touched under `lock`; `Process` and `Pipe` are not marked Sendable;
    // `exited` is a semaphore (thread-safe).
    /// moto's endpoint (S3 path-style, SNS, ECS, EFS, EC2, IAM, …) and the `/_harness/` controls.
    public let endpoint: URL
    /// The AWS Backup stand-in's endpoint.
    public let backupEndpoint: URL
    /// Access key of the harness's IAM user (allow-all); the same after every reset.
    public let accessKeyId: String
    /// Its secret; requests signed with any other secret get 403.
    public let secretAccessKey: String
    /// The region the harness serves (`us-east-1`).
    public let region: String
    /// Seconds from launch until the startup line was read.
    public let startupSeconds: Double

    private let process: Process
    private let exited: DispatchSemaphore
    private let stdin: Pipe
    private let lock = NSLock()
    private var stopped = false

    private struct StartupLine: Decodable {
        let endpoint: String
        let backupEndpoint: String
        let accessKeyId: String
        let secretAccessKey: String
        let region: String
    }

    private init(process: Process, exited: DispatchSemaphore, stdin: Pipe, line: StartupLine, startupSeconds: Double) throws {
        guard let endpoint = URL(string: line.endpoint), let backup = URL(string: line.backupEndpoint) else {
            throw LocalAWSError.badStartupLine("\(line)")
        }
        self.process = process
        self.exited = exited
        self.stdin = stdin
        self.endpoint = endpoint
        self.backupEndpoint = backup
        self.accessKeyId = line.accessKeyId
        self.secretAccessKey = line.secretAccessKey
        self.region = line.region
        self.startupSeconds = startupSeconds
    }

    deinit { stop() }

    /// Environment for a child process under test: endpoint overrides, credentials, region.
    public var clientEnvironment: [String: String] {
        [
            "AWS_ENDPOINT_URL": endpoint.absoluteString,
            "AWS_ENDPOINT_URL_BACKUP": backupEndpoint.absoluteString,
            "AWS_ACCESS_KEY_ID": accessKeyId,
            "AWS_SECRET_ACCESS_KEY": secretAccessKey,
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
        ]
    }

    /// The venv the harness runs in: `$EBV_VENV`, else this repository's `.venv`.
    public static func defaultVenv(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        environment["EBV_VENV"] ?? repositoryRoot().appendingPathComponent(".venv").path
    }

    /// Launches the harness and waits for its startup line.
    /// - Parameters:
    ///   - timeout: seconds to wait for the startup line.
    ///   - environment: where `EBV_VENV` and `EBV_REPO_ROOT` are read (the process environment by default).
    /// - Throws: `LocalAWSError` (a missing venv is `.venvMissing`, with the fix in its message).
    public static func start(
        timeout: Double = 60,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> LocalAWS {
        let root = environment["EBV_REPO_ROOT"].map { URL(fileURLWithPath: $0) } ?? repositoryRoot()
        let venv = environment["EBV_VENV"].map { URL(fileURLWithPath: $0) } ?? root.appendingPathComponent(".venv")
        let python = venv.appendingPathComponent("bin/python")
        let script = root.appendingPathComponent("testenv/moto_server.py")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw LocalAWSError.venvMissing(path: venv.path)
        }
        guard FileManager.default.fileExists(atPath: script.path) else {
            throw LocalAWSError.serverScriptMissing(path: script.path)
        }
        let process = Process()
        process.executableURL = python
        process.arguments = [script.path]
        process.currentDirectoryURL = root
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        let started = Date()
        do {
            try process.run()
        } catch {
            throw LocalAWSError.launchFailed(reason: "\(error)")
        }
        let reader = StartupLineReader(handle: stdout.fileHandleForReading)
        reader.begin()
        guard let line = reader.wait(seconds: timeout) else {
            let finished = reader.finished  // read before terminating, which closes stdout too
            terminate(process, exited: exited, stdin: stdin, grace: 0)
            throw finished
                ? LocalAWSError.exitedBeforeReady(output: reader.partial)
                : LocalAWSError.startupTimedOut(seconds: timeout)
        }
        guard let data = line.data(using: .utf8),
              let decoded = try? JSONDecoder().decode(StartupLine.self, from: data)
        else {
            terminate(process, exited: exited, stdin: stdin, grace: 0)
            throw LocalAWSError.badStartupLine(line)
        }
        return try LocalAWS(process: process, exited: exited, stdin: stdin, line: decoded,
                            startupSeconds: Date().timeIntervalSince(started))
    }

    private static let sharedInstance = Result { try LocalAWS.start() }

    /// One harness per test process, started on first use and never stopped explicitly:
    /// it exits when the test process ends (its stdin closes). Call ``reset()`` in `setUp`.
    /// - Throws: the error the first start failed with (every later call throws it too).
    public static func shared() throws -> LocalAWS {
        try sharedInstance.get()
    }

    /// Stops the harness: closes its stdin, waits up to 5 s, then terminates it. Idempotent.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        Self.terminate(process, exited: exited, stdin: stdin, grace: 5)
    }

    /// Whether the harness process is still running.
    public var isRunning: Bool { process.isRunning }

    /// Closes stdin, waits up to `grace` seconds for the exit (`exited`, signalled by the
    /// process's termination handler), then sends SIGTERM and waits.
    private static func terminate(_ process: Process, exited: DispatchSemaphore, stdin: Pipe, grace: Double) {
        try? stdin.fileHandleForWriting.close()
        if exited.wait(timeout: .now() + grace) == .success { exited.signal() }  // stays signalled for a later call
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// `<repo>` from `<repo>/Sources/TestSupport/LocalAWS.swift`.
    static func repositoryRoot(filePath: String = #filePath) -> URL {
        URL(fileURLWithPath: filePath)
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
    }
}

/// Reads the first stdout line on a background thread, then drains stdout until EOF so
/// that the harness can never block on a full pipe.
final class StartupLineReader: @unchecked Sendable {
    // @unchecked Sendable: `buffer`, `line` and `eof` are only touched under `lock`;
    // `handle` is read by the reader thread alone after `begin()`.
    private let handle: FileHandle
    private let lock = NSLock()
    private let ready = DispatchSemaphore(value: 0)
    private var buffer = Data()
    private var line: String?
    private var eof = false

    init(handle: FileHandle) { self.handle = handle }

    func begin() {
        let thread = Thread { [self] in run() }
        thread.start()
    }

    private func run() {
        var signalled = false
        while true {
            let chunk = handle.availableData
            lock.lock()
            if chunk.isEmpty { eof = true }
            if line == nil {
                buffer.append(chunk)
                if let newline = buffer.firstIndex(of: 0x0A) {
                    line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                }
            }
            let done = line != nil || eof
            lock.unlock()
            if done && !signalled {
                signalled = true
                ready.signal()
            }
            if chunk.isEmpty { return }
        }
    }

    func wait(seconds: Double) -> String? {
        _ = ready.wait(timeout: .now() + seconds)
        lock.lock()
        defer { lock.unlock() }
        return line
    }

    var finished: Bool {
        lock.lock()
        defer { lock.unlock() }
        return eof
    }

    var partial: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: buffer, as: UTF8.self)
    }
}
