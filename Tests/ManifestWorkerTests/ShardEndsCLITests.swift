import Foundation
import ManifestKit
import XCTest

/// `generate --plan P --shard I -o OUT` writes the part's ends, `OUT.ends.ndjson` (its
/// header and trailer lines), once OUT is complete; exit 0 only when both are written.
final class ShardEndsCLITests: XCTestCase {
    /// `t/` with `d/1`…`d/4` and `e1`…`e5`, its full manifest and a 3-shard plan.
    private func planned(_ dir: TestDirectory) throws {
        dir.mkdir("t/d")
        for i in 1...4 { dir.write("t/d/\(i)", "\(i)") }
        for i in 1...5 { dir.write("t/e\(i)", "\(i)") }
        XCTAssertEqual(try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("full.gz"), "-q"]).status, 0)
        XCTAssertEqual(try CLIRunner.run(["plan-shards", dir.at("full.gz"), "--shards", "3", "-o", dir.at("plan.json"), "-q"]).status, 0)
    }

    /// The first and last lines of a gzip manifest, each with its `\n`.
    private func firstAndLastLines(_ path: String) throws -> [UInt8] {
        let text = try gunzipText(Data(contentsOf: URL(fileURLWithPath: path)))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        return Array((lines.first! + "\n" + lines.last! + "\n").utf8)
    }

    private func listing(_ dir: TestDirectory) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0 != "t" }.sorted()
    }

    func testAShardsEndsAreItsFirstAndLastLinesAndTheSummarySaysSo() throws {
        let dir = try TestDirectory()
        try planned(dir)
        let out = dir.at("p1.gz"), ends = dir.at("p1.gz.ends.ndjson")
        let result = try CLIRunner.run(["generate", dir.at("t"), "--plan", dir.at("plan.json"), "--shard", "1", "-o", out])
        XCTAssertEqual(result, CLIResult(status: 0, stdout: Data("""
            wrote \(out): 3 entries (3 files, 0 dirs, 0 symlinks, 0 others), 3 bytes, 0 errors, 0 unstable
            wrote \(ends): the header and trailer of \(out)

            """.utf8), stderr: ""))
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: ends)))
        XCTAssertEqual(bytes, try firstAndLastLines(out))
        let decoded = try ManifestEnds.decode(bytes, name: ends)
        let part = try ManifestReader.validate(FileSource(path: out))
        XCTAssertEqual(decoded, ManifestEnds(header: part.header, trailer: part.trailer))
        XCTAssertEqual(decoded.header.shardIndex, 1)
        XCTAssertEqual(try listing(dir), ["full.gz", "p1.gz", "p1.gz.ends.ndjson", "plan.json"])

        // --json names them; the file is replaced as the manifest is.
        let json = try CLIRunner.run(["generate", dir.at("t"), "--plan", dir.at("plan.json"), "--shard", "1", "-o", out, "--json"])
        XCTAssertEqual(json.status, 0, json.description)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])
        XCTAssertEqual(object["ends"] as? String, ends)
        XCTAssertTrue(json.out.hasPrefix("{\"output\":\"\(out)\",\"ends\":\"\(ends)\",\"entries\":3,"), json.out)
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: ends))), try firstAndLastLines(out))
    }

    func testNoEndsForAnUnshardedManifestStdoutOrADevice() throws {
        let dir = try TestDirectory()
        try planned(dir)
        XCTAssertEqual(try listing(dir), ["full.gz", "plan.json"])
        let toStdout = try CLIRunner.run(["generate", dir.at("t"), "--plan", dir.at("plan.json"), "--shard", "0", "-o", "-"])
        XCTAssertEqual(toStdout.status, 0, toStdout.description)
        XCTAssertEqual(toStdout.stderr, "wrote stdout: 3 entries (2 files, 1 dirs, 0 symlinks, 0 others), 2 bytes, 0 errors, 0 unstable\n")
        let toDevice = try CLIRunner.run(["generate", dir.at("t"), "--plan", dir.at("plan.json"), "--shard", "0", "-o", "/dev/null"])
        XCTAssertEqual(toDevice, CLIResult(status: 0, stdout: Data(
            "wrote /dev/null: 3 entries (2 files, 1 dirs, 0 symlinks, 0 others), 2 bytes, 0 errors, 0 unstable\n".utf8), stderr: ""))
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/dev/null.ends.ndjson"))
        XCTAssertEqual(try listing(dir), ["full.gz", "plan.json"])
    }

    /// Ends that cannot be written fail the run (exit 2): the orchestrator counts a shard
    /// as done only when both are there.
    func testEndsThatCannotBeWrittenFailTheRun() throws {
        let dir = try TestDirectory()
        try planned(dir)
        dir.mkdir("p2.gz.ends.ndjson")
        let result = try CLIRunner.run(["generate", dir.at("t"), "--plan", dir.at("plan.json"), "--shard", "2", "-o", dir.at("p2.gz")])
        XCTAssertEqual(result, CLIResult(status: 2, stdout: Data(),
                                         stderr: "manifest-worker: \(dir.at("p2.gz.ends.ndjson")): EISDIR: Is a directory\n"))
        XCTAssertEqual(try listing(dir), ["full.gz", "p2.gz", "p2.gz.ends.ndjson", "plan.json"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.at("p2.gz.ends.ndjson")), [])
    }
}
