import Foundation
import Glibc
import XCTest

/// A signal at any moment ends the run with 128 + the signal number and leaves no
/// temporary output: SIGTERM, SIGINT, SIGHUP and SIGQUIT alike, sent at fixed
/// points through the worker's test gate (`EBV_TEST_PAUSE_AT`), never after a sleep.
final class ManifestWorkerSignalTests: XCTestCase {
    private static let signals: [(number: Int32, name: String)] = [
        (SIGTERM, "SIGTERM"), (SIGINT, "SIGINT"), (SIGHUP, "SIGHUP"), (SIGQUIT, "SIGQUIT"),
    ]

    private func makeTree() throws -> (base: String, tree: String, out: String) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("ebv-sig-\(UUID().uuidString)").path
        let tree = base + "/tree", out = base + "/out"
        try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        for i in 0..<20 { try Data("file \(i)".utf8).write(to: URL(fileURLWithPath: "\(tree)/f\(i)")) }
        return (base, tree, out)
    }

    /// Signal sent while the worker waits at `point`; returns the result.
    private func run(pausingAt point: String, signal number: Int32, tree: String, output: String) throws -> WorkerProcess.Result {
        let worker = try WorkerProcess.start(["generate", tree, "-o", output], environment: ["EBV_TEST_PAUSE_AT": point])
        defer { worker.kill() }
        let reached = worker.waitForStderr("manifest-worker: test pause at \(point)\n")
        XCTAssertTrue(reached, "the worker never reached \(point)")
        if reached { worker.signal(number) }
        return worker.wait()
    }

    /// At the very start (signals blocked, nothing else done yet): the signal is
    /// not lost, the run ends with 128 + n, nothing is left in the output directory.
    func testSignalAtTheFirstInstructionEndsTheRun() throws {
        let (base, tree, out) = try makeTree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        for (number, name) in Self.signals {
            let output = out + "/m.ndjson.gz"
            let result = try run(pausingAt: "start", signal: number, tree: tree, output: output)
            XCTAssertEqual(result.status, 128 + number, "\(name): \(result)")
            XCTAssertEqual(result.stdout, "", name)
            // The signal is taken as soon as the guard's thread starts: the output
            // may or may not have been created by then; if it was, it is removed.
            let pause = "manifest-worker: test pause at start\n"
            XCTAssertTrue([pause, pause + "manifest-worker: \(output): incomplete output removed (\(name))\n"].contains(result.stderr),
                          "\(name): \(result)")
            XCTAssertFalse(result.stderr.contains("crashed"), result.stderr)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), [], name)
        }
    }

    /// With the temporary output open: it is removed, and the line says so.
    func testSignalWithTheOutputOpenRemovesIt() throws {
        let (base, tree, out) = try makeTree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        for (number, name) in Self.signals {
            let output = out + "/m.ndjson.gz"
            let result = try run(pausingAt: "output-created", signal: number, tree: tree, output: output)
            XCTAssertEqual(result.status, 128 + number, "\(name): \(result)")
            XCTAssertEqual(result.stdout, "", name)
            XCTAssertEqual(result.stderr, "manifest-worker: test pause at output-created\n"
                           + "manifest-worker: \(output): incomplete output removed (\(name))\n", name)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), [], name)
        }
    }

    /// At start the soft open-file limit is raised to the hard one (read from
    /// /proc while the worker waits with its output open).
    func testSoftOpenFileLimitIsRaisedToTheHardLimit() throws {
        let (base, tree, out) = try makeTree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let worker = try WorkerProcess.start(
            ["-c", "ulimit -S -n 64 && ulimit -H -n 4096 && exec \"$0\" \"$@\"", WorkerProcess.binary, "generate", tree, "-o", out + "/m.gz"],
            environment: ["EBV_TEST_PAUSE_AT": "output-created"], executable: "/bin/sh")
        defer { worker.kill() }
        XCTAssertTrue(worker.waitForStderr("manifest-worker: test pause at output-created\n"))
        let limits = try String(contentsOfFile: "/proc/\(worker.pid)/limits", encoding: .utf8)
        let line = limits.split(separator: "\n").first { $0.hasPrefix("Max open files") }.map(String.init) ?? ""
        XCTAssertEqual(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(3).prefix(2), ["4096", "4096"], line)
        worker.signal(SIGTERM)
        XCTAssertEqual(worker.wait().status, 143)
    }

    /// Without the gate the run is untouched: the pause only happens when asked for.
    func testNoPauseWithoutTheVariable() throws {
        let (base, tree, out) = try makeTree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let result = try WorkerProcess.run(["generate", tree, "-o", out + "/m.gz", "--quiet"], environment: ["EBV_TEST_PAUSE_AT": "elsewhere"])
        XCTAssertEqual(result.status, 0, result.description)
        XCTAssertEqual(result.stderr, "")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), ["m.gz"])
    }
}
