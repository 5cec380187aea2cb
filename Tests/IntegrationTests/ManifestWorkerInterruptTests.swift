import Foundation
import Glibc
import XCTest

/// Ctrl-C (SIGINT) or SIGTERM during `generate -o FILE`: the hidden temporary file
/// is removed, nothing appears at the output path, the exit status is 128 + signal.
final class ManifestWorkerInterruptTests: XCTestCase {
    func testInterruptedLocalOutputLeavesNothingBehind() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("ebv-int-\(UUID().uuidString)").path
        let tree = base + "/tree", out = base + "/out"
        try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        try Data("abc".utf8).write(to: URL(fileURLWithPath: tree + "/a.txt"))

        for (number, status, name) in [(SIGINT, Int32(130), "SIGINT"), (SIGTERM, Int32(143), "SIGTERM")] {
            let output = out + "/m.ndjson.gz"
            // The worker waits with its temporary output open until the signal is pending
            // (the test gate in docs/cli.md), so the walk cannot finish first.
            let pause = "manifest-worker: test pause at output-created\n"
            let worker = try WorkerProcess.start(["generate", tree, "-o", output], environment: ["EBV_TEST_PAUSE_AT": "output-created"])
            defer { worker.kill() }
            XCTAssertTrue(worker.waitForStderr(pause), "the worker never created its temporary output")
            let listed = try FileManager.default.contentsOfDirectory(atPath: out)
            XCTAssertEqual(listed.count, 1, "the temporary output never appeared")
            XCTAssertTrue(listed.first?.hasPrefix(".m.ndjson.gz.tmp-") == true, "\(listed)")
            worker.signal(number)
            let result = worker.wait()
            XCTAssertEqual(result.status, status, result.description)
            XCTAssertEqual(result.stderr, pause + "manifest-worker: \(output): incomplete output removed (\(name))\n")
            XCTAssertEqual(result.stdout, "")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), [])
        }
    }
}
