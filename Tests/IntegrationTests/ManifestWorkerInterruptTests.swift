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
        // A 64 GiB sparse file keeps the walk busy long enough to interrupt it.
        let big = open(tree + "/big", O_CREAT | O_WRONLY, 0o644)
        XCTAssertEqual(ftruncate(big, 64 << 30), 0)
        close(big)

        for (number, status, name) in [(SIGINT, Int32(130), "SIGINT"), (SIGTERM, Int32(143), "SIGTERM")] {
            let output = out + "/m.ndjson.gz"
            let worker = try WorkerProcess.start(["generate", tree, "-o", output], environment: [:])
            defer { worker.kill() }
            let deadline = Date().addingTimeInterval(30)
            var listed: [String] = []
            while listed.isEmpty && worker.isRunning && Date() < deadline {
                usleep(20_000)
                listed = try FileManager.default.contentsOfDirectory(atPath: out)
            }
            XCTAssertEqual(listed.count, 1, "the temporary output never appeared")
            XCTAssertTrue(listed.first?.hasPrefix(".m.ndjson.gz.tmp-") == true, "\(listed)")
            worker.signal(number)
            let result = worker.wait()
            XCTAssertEqual(result.status, status, result.description)
            XCTAssertEqual(result.stderr, "manifest-worker: \(output): incomplete output removed (\(name))\n")
            XCTAssertEqual(result.stdout, "")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), [])
        }
    }
}
