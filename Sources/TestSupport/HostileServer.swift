import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `testenv/hostile/hostile_server.py`: an S3-compatible server on 127.0.0.1 that
/// misbehaves as its scenario says (no answer, slow or truncated bodies, resets, 5xx
/// storms, bad answers to CompleteMultipartUpload, redirects, huge bodies, expired
/// container credentials). Runs with the system `python3` (standard library only);
/// exits when its stdin closes, so it dies with the test process.
///
/// ```swift
/// let server = try HostileServer.start(scenario: "silent")
/// defer { server.stop() }
/// // point a client at server.baseURL
/// ```
public final class HostileServer: @unchecked Sendable {
    // @unchecked Sendable: `process` and `stdin` are set once; `stopped` is guarded by `lock`.
    public let port: Int
    public let scheme: String
    private let process: Process
    private let stdin: Pipe
    private let lock = NSLock()
    private var stopped = false

    /// `http://127.0.0.1:<port>` (or https).
    public var baseURL: String { "\(scheme)://127.0.0.1:\(port)" }

    private init(port: Int, scheme: String, process: Process, stdin: Pipe) {
        self.port = port
        self.scheme = scheme
        self.process = process
        self.stdin = stdin
    }

    deinit { stop() }

    /// Starts the server with `scenario`; `tls` (certificate and key PEM paths) serves https.
    public static func start(scenario: String, tls: (certificate: String, key: String)? = nil, lifetime: Int = 180) throws -> HostileServer {
        let script = LocalAWS.repositoryRoot().appendingPathComponent("testenv/hostile/hostile_server.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var arguments = ["python3", script.path, "--scenario", scenario, "--lifetime", String(lifetime)]
        if let tls { arguments += ["--tls-cert", tls.certificate, "--tls-key", tls.key] }
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        let reader = StartupLineReader(handle: stdout.fileHandleForReading)
        reader.begin()
        struct Line: Decodable { let port: Int }
        guard let line = reader.wait(seconds: 30), let decoded = try? JSONDecoder().decode(Line.self, from: Data(line.utf8)) else {
            try? stdin.fileHandleForWriting.close()
            process.terminate()
            throw TestServerError("hostile server did not start: \(reader.partial)")
        }
        return HostileServer(port: decoded.port, scheme: tls == nil ? "http" : "https", process: process, stdin: stdin)
    }

    /// Every request the server saw, as `"METHOD target"` (plain http only).
    public func log() async throws -> [String] {
        let url = URL(string: "http://127.0.0.1:\(port)/_hostile/log")!
        let (data, _) = try await URLSession.shared.data(from: url)
        return try JSONDecoder().decode([String].self, from: data)
    }

    /// Closes stdin (the server exits), waits for it. Idempotent.
    public func stop() {
        let first = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
