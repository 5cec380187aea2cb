import Foundation
import Glibc
import ManifestKit
import XCTest

/// `--concurrency N` is N hashing threads for the whole command — `generate`, `check`,
/// and `verify`, whose two walkers share them — counted by name in
/// `/proc/PID/task/*/comm` while the worker waits at its `walking` test gate (every
/// hashing thread has named itself by then).
final class HashingThreadCountTests: XCTestCase {
    private func makeTrees() throws -> (base: String, a: String, b: String) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("ebv-threads-\(UUID().uuidString)").path
        let a = base + "/a", b = base + "/b"
        for tree in [a, b] {
            try FileManager.default.createDirectory(atPath: tree + "/d", withIntermediateDirectories: true)
            for i in 0..<40 { try Data("file \(i)".utf8).write(to: URL(fileURLWithPath: "\(tree)/d/f\(i)")) }
        }
        return (base, a, b)
    }

    /// Threads of `pid` named ``TreeWalker/hashThreadName``.
    private func hashingThreads(_ pid: Int32) throws -> Int {
        let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")
        return tasks.filter { task in
            (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/comm", encoding: .utf8)) == TreeWalker.hashThreadName + "\n"
        }.count
    }

    func testConcurrencyNIsNHashingThreadsForEveryWalkingCommand() throws {
        let (base, a, b) = try makeTrees()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let manifest = base + "/a.ndjson.gz"
        let written = try WorkerProcess.run(["generate", a, "-o", manifest, "-q"], environment: [:])
        XCTAssertEqual(written.status, 0, written.description)
        let pause = "manifest-worker: test pause at walking\n"
        // Command, and how many walks reach the gate (verify walks two trees).
        let commands: [([String], Int)] = [
            // To a device (written in place): SIGKILL below leaves no temporary file.
            (["generate", a, "-o", "/dev/null"], 1),
            (["check", manifest, a], 1),
            (["verify", a, b], 2),
        ]
        for n in [1, 3, 4, 7] {
            for (arguments, walks) in commands {
                let name = "--concurrency \(n) \(arguments[0])"
                let worker = try WorkerProcess.start(["--concurrency", "\(n)"] + arguments, environment: ["EBV_TEST_PAUSE_AT": "walking"])
                defer { worker.kill() }
                let reached = worker.waitForStderr(String(repeating: pause, count: walks))
                XCTAssertTrue(reached, "\(name): the worker never reached the walk")
                guard reached else { continue }
                // verify's walkers take N/2 and N − N/2 threads, one at least each.
                let expected = arguments[0] == "verify" ? max(1, n / 2) + max(1, n - n / 2) : n
                XCTAssertEqual(try hashingThreads(worker.pid), expected, name)
                // SIGKILL, not SIGTERM: a SIGTERM can lose the race with a walk this small
                // (the gate returns once it is pending) and the command would end normally.
                worker.signal(SIGKILL)
                let result = worker.wait()
                XCTAssertEqual(result.status, SIGKILL, "\(name): \(result)")
                XCTAssertTrue(result.stderr.hasPrefix(String(repeating: pause, count: walks)), "\(name): \(result)")
            }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: base).sorted(), ["a", "a.ndjson.gz", "b"])
    }
}
