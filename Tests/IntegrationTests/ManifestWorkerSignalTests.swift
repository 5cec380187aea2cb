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

    /// SIGTERM during the walk with progress records on: the output line, then the
    /// last record says where the walk was and what became of the output. (One entry
    /// has been emitted; the hashing threads may have read more files ahead.)
    func testSignalDuringTheWalkEndsWithARecordOfWhereItWas() throws {
        let (base, tree, out) = try makeTree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let output = out + "/m.ndjson.gz"
        for format in ["text", "json"] {
            let worker = try WorkerProcess.start(["generate", tree, "-o", output, "--log-format", format],
                                                 environment: ["EBV_TEST_PAUSE_AT": "walking", "EBV_PROGRESS_INTERVAL": "60"])
            defer { worker.kill() }
            let reached = worker.waitForStderr("manifest-worker: test pause at walking\n")
            XCTAssertTrue(reached, "the worker never reached the walk")
            if reached { worker.signal(SIGTERM) }
            let result = worker.wait()
            XCTAssertEqual(result.status, 143, result.description)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), [])
            let lines = result.stderr.split(separator: "\n").map(String.init)
            XCTAssertEqual(lines.count, 3, result.stderr)
            guard lines.count == 3 else { continue }
            XCTAssertEqual(lines[0], "manifest-worker: test pause at walking")
            if format == "text" {
                XCTAssertEqual(lines[1], "manifest-worker: \(output): incomplete output removed (SIGTERM)")
                let pattern = #"^manifest-worker: interrupted \(SIGTERM\): \ds elapsed, 1 entries, \d+ files, \d+ bytes, 0 errors, 0 unstable, "#
                    + #"\d+\.\d files/s \(\d+\.\d overall\), \d+\.\d MB/s \(\d+\.\d overall\), \d+ descriptors, at f0; "#
                    + NSRegularExpression.escapedPattern(for: "\(output): incomplete output removed") + "$"
                let regex = try NSRegularExpression(pattern: pattern)
                XCTAssertEqual(regex.numberOfMatches(in: lines[2], range: NSRange(lines[2].startIndex..., in: lines[2])), 1, lines[2])
            } else {
                let outcome = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
                XCTAssertEqual(outcome["level"] as? String, "error")
                XCTAssertEqual(outcome["message"] as? String, "\(output): incomplete output removed (SIGTERM)")
                let record = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as? [String: Any])
                XCTAssertEqual(record["message"] as? String, "interrupted (SIGTERM)")
                XCTAssertEqual(record["level"] as? String, "error")
                XCTAssertEqual(record["signal"] as? String, "SIGTERM")
                XCTAssertEqual(record["aborted"] as? [String], ["\(output): incomplete output removed"])
                XCTAssertEqual(record["path"] as? String, "f0")
                XCTAssertEqual(record["entries"] as? Int, 1)
                XCTAssertEqual(record["final"] as? Bool, true)
            }
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
