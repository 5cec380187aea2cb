import Foundation
import XCTest
@testable import OrchestratorKit
import TestSupport

final class CLITests: XCTestCase {
    struct Outcome { var status: Int32; var stdout: [String]; var stderr: [String] }

    func run(_ arguments: [String], environment: [String: String] = testEnvironment, stdin: String = "",
             world: World? = nil) async throws -> Outcome {
        let out = MemorySink()
        let err = MemorySink()
        let world = try world ?? World()
        let services = world.orchestrator.services
        let status = await OrchestratorMain.run(
            arguments: arguments, environment: environment, clock: world.clock, stdout: out, stderr: err,
            readInput: { Data(stdin.utf8) }, makeServices: { _, _ in services })
        return Outcome(status: status, stdout: out.all, stderr: err.all)
    }

    func testVersionPrintsTheReleaseAndTheBuildsSource() async throws {
        let out = MemorySink()
        let status = await OrchestratorMain.run(
            arguments: ["--version"], environment: [:], source: "commit 0123456789ab, 2026-12-02",
            stdout: out, stderr: MemorySink(), makeServices: { _, _ in throw OrchestratorError(.configuration, "unused") })
        XCTAssertEqual(status, 0)
        XCTAssertEqual(out.all, ["orchestrator 0.1.0 (commit 0123456789ab, 2026-12-02)"])
    }

    func testHelp() async throws {
        let outcome = try await run(["--help"])
        XCTAssertEqual(outcome.status, 0)
        XCTAssertEqual(outcome.stdout, [OrchestratorMain.usage])
        XCTAssertEqual(outcome.stderr, [])
        let sub = try await run(["handle", "--help"])
        XCTAssertEqual(sub.status, 0)
    }

    func testUsageErrorsExit2() async throws {
        for (arguments, message) in [([], "missing command (handle, reconcile or config)"), (["launch"], "launch: unknown command"),
                                     (["handle", "--event"], "--event: needs a value (FILE)"),
                                     (["handle", "--frob"], "--frob: unknown option"),
                                     (["handle", "--frob", "x"], "--frob: unknown option"),
                                     (["handle", "x.json"], #"handle: unexpected argument "x.json""#),
                                     (["reconcile", "--event", "x"], "--event: not an option of reconcile"),
                                     (["config", "--frob"], "--frob: unknown option"),
                                     (["handle", "--timeout", "-1"], #"--timeout: not a positive number: "-1""#),
                                     (["handle", "--timeout=nan"], #"--timeout: not a positive number: "nan""#)] {
            let outcome = try await run(arguments)
            XCTAssertEqual(outcome.status, 2, "\(arguments)")
            XCTAssertEqual(outcome.stderr, ["orchestrator: \(message)", "Try 'orchestrator --help'."], "\(arguments)")
            XCTAssertEqual(outcome.stdout, [], "\(arguments)")
        }
    }

    func testConfigurationErrorExits2() async throws {
        var env = testEnvironment
        env["EBV_CLUSTER"] = nil
        let outcome = try await run(["reconcile"], environment: env)
        XCTAssertEqual(outcome.status, 2)
        XCTAssertEqual(outcome.stderr, ["orchestrator: EBV_CLUSTER: missing"])
        // Every missing variable at once.
        env["EBV_BUCKET"] = nil
        env["EBV_SUBNETS"] = ""
        let several = try await run(["reconcile"], environment: env)
        XCTAssertEqual(several.status, 2)
        XCTAssertEqual(several.stderr, ["orchestrator: EBV_BUCKET, EBV_CLUSTER, EBV_SUBNETS: missing"])
    }

    func testEventThatCannotBeReadIsNamed() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orch-cli-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("missing.json").path
        let outcome = try await run(["handle", "--event", missing])
        XCTAssertEqual(outcome.status, 2)
        XCTAssertEqual(outcome.stderr, ["orchestrator: \(missing): ENOENT: No such file or directory"])
        let directory = try await run(["handle", "--event=\(dir.path)"])
        XCTAssertEqual(directory.status, 2)
        XCTAssertEqual(directory.stderr, ["orchestrator: \(dir.path): EISDIR: Is a directory"])
    }

    /// `orchestrator handle < somedir`: the real stdin is a directory; a message, exit 2, no trap.
    func testStandardInputThatIsADirectory() throws {
        // Built beside manifest-worker.
        let path = URL(fileURLWithPath: BuiltWorker.path).deletingLastPathComponent().appendingPathComponent("orchestrator").path
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: path), path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["handle"]
        process.environment = ["PATH": "/usr/bin:/bin"]
        process.standardInput = FileHandle(forReadingAtPath: "/")
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 2)
        XCTAssertEqual(text, "orchestrator: stdin: EISDIR: Is a directory\n")
    }

    func testHandleFromFileAndStdin() async throws {
        let world = try World()
        await world.standardSetup()
        let path = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/backup-job-completed.json", withExtension: nil)
            ?? Bundle.module.url(forResource: "backup-job-completed", withExtension: "json")).path
        let outcome = try await run(["handle", "--event", path], world: world)
        XCTAssertEqual(outcome.status, 0)
        XCTAssertEqual(outcome.stdout, [#"{"fileSystemId":"fs-0123456789abcdef0","phase":"active","runId":"a827233a-d405-4a86-a440-759fa94f34dd","status":"ok"}"#])
        let stdin = try await run(["handle"], stdin: #"{"action":"status","runId":"a827233a-d405-4a86-a440-759fa94f34dd"}"#, world: world)
        XCTAssertEqual(stdin.status, 0)
        XCTAssertTrue(stdin.stdout.first?.contains(#""restoreJobId" : "restore-1""#) == true, "\(stdin.stdout)")
    }

    func testHandlerFailureExits1() async throws {
        let outcome = try await run(["handle", "--event", "-"], stdin: "{not json")
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(outcome.stderr, ["orchestrator: event: not JSON"])
        XCTAssertEqual(outcome.stdout, [])
    }

    func testReconcile() async throws {
        let outcome = try await run(["reconcile", "--timeout", "60"])
        XCTAssertEqual(outcome.status, 0)
        XCTAssertEqual(outcome.stdout, [#"{"action":"reconcile","advanced":"0","failed":"0","openRuns":"0","status":"ok","swept":"0"}"#])
    }
}
