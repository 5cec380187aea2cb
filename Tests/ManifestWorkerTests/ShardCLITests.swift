import Foundation
import ManifestKit
import XCTest

/// `plan-shards`, `generate --plan --shard`, `join`, and sets as inputs: exact
/// output and exit status of the binary.
final class ShardCLITests: XCTestCase {
    /// `t/` with a directory and nine files: `d/`, `d/1`…`d/4`, `e1`…`e5` (one byte each).
    private func makeTree(_ dir: TestDirectory) {
        dir.mkdir("t/d")
        for i in 1...4 { dir.write("t/d/\(i)", "\(i)") }
        for i in 1...5 { dir.write("t/e\(i)", "\(i)") }
    }

    private func summary(_ dir: TestDirectory, _ name: String) throws -> ManifestSummary {
        try ManifestReader.validate(FileSource(path: dir.at(name)))
    }

    private func bytes(_ dir: TestDirectory, _ name: String) throws -> [UInt8] { [UInt8](try dir.read(name)) }

    /// The full manifest, a 3-shard plan and the three parts.
    private func planAndParts(_ dir: TestDirectory) throws -> String {
        makeTree(dir)
        XCTAssertEqual(try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("full.gz"), "-q"]).status, 0)
        let planned = try CLIRunner.run(["plan-shards", dir.at("full.gz"), "--shards", "3", "-o", dir.at("plan.json")])
        let digest = ShardPlan.digest(of: try bytes(dir, "plan.json"))
        XCTAssertEqual(planned, CLIResult(status: 0, stdout: Data("""
            wrote \(dir.at("plan.json")): 3 shards of 10 entries (plan \(digest))
            shard 0: 3 entries, 2 bytes, cost 0.002 s, from the start to d/3
            shard 1: 3 entries, 3 bytes, cost 0.002 s, from d/3 to e2
            shard 2: 4 entries, 4 bytes, cost 0.003 s, from e2 to the end

            """.utf8), stderr: ""))
        for i in 0..<3 {
            let part = try CLIRunner.run(["generate", dir.at("t"), "--plan", dir.at("plan.json"), "--shard", "\(i)", "-o", dir.at("p\(i).gz")])
            XCTAssertEqual(part.status, 0, part.description)
        }
        return digest
    }

    func testPlanWalkShardsAndJoinGiveTheSingleWalk() throws {
        let dir = try TestDirectory()
        let digest = try planAndParts(dir)
        XCTAssertEqual(String(decoding: try bytes(dir, "plan.json"), as: UTF8.self).split(separator: "\n").dropFirst(), [
            #"{"index":0,"start":null,"end":"d/3","entries":3,"bytes":2,"cost":2400},"#,
            #"{"index":1,"start":"d/3","end":"e2","entries":3,"bytes":3,"cost":2400},"#,
            #"{"index":2,"start":"e2","end":null,"entries":4,"bytes":4,"cost":3200}]}"#,
        ])
        let part1 = try summary(dir, "p1.gz")
        XCTAssertEqual(part1.header.shardIndex, 1)
        XCTAssertEqual(part1.header.shardCount, 3)
        XCTAssertEqual(part1.header.shardPlan, digest)
        XCTAssertEqual(part1.header.shardRange, ShardRange(start: Array("d/3".utf8), end: Array("e2".utf8)))
        XCTAssertEqual(part1.trailer.entries, 3)

        let joined = try CLIRunner.run(["join", dir.at("p0.gz"), dir.at("p1.gz"), dir.at("p2.gz"), "-o", dir.at("j.gz")])
        XCTAssertEqual(joined, CLIResult(status: 0, stdout: Data(
            "wrote \(dir.at("j.gz")): 10 entries (9 files, 1 dirs, 0 symlinks, 0 others), 9 bytes, 0 errors, 0 unstable\n".utf8), stderr: ""))
        let full = try summary(dir, "full.gz"), join = try summary(dir, "j.gz")
        XCTAssertEqual(join.trailer.entriesSha256, full.trailer.entriesSha256)
        XCTAssertTrue(join.trailer.countsEqual(full.trailer))
        XCTAssertEqual(join.header.shardCount, 1)
        XCTAssertNil(join.header.shardPlan)
        // The entry lines themselves are the single walk's.
        XCTAssertEqual(try CLIRunner.run(["show", dir.at("j.gz"), "--format", "sha256sum"]).out,
                       try CLIRunner.run(["show", dir.at("full.gz"), "--format", "sha256sum"]).out)
    }

    /// A set index next to the parts, as the orchestrator writes it.
    private func writeSet(_ dir: TestDirectory, _ digest: String, parts: [String] = ["p0.gz", "p1.gz", "p2.gz"], name: String = "post.set.json") throws {
        var builder = ManifestSetBuilder(plan: digest, count: 3)
        for part in parts {
            let s = try summary(dir, part)
            try builder.add(location: part, header: s.header, trailer: s.trailer)
        }
        try Data(try builder.build().encoded()).write(to: URL(fileURLWithPath: dir.at(name)))
    }

    func testASetIsReadAsOneManifestByShowDiffCheckAndJoin() throws {
        let dir = try TestDirectory()
        let digest = try planAndParts(dir)
        try writeSet(dir, digest)
        let set = dir.at("post.set.json")
        let shownSet = try CLIRunner.run(["show", set])
        let shownFull = try CLIRunner.run(["show", dir.at("full.gz")])
        XCTAssertEqual(shownSet.status, 0, shownSet.description)
        // Every line is the single walk's, but for the header's start and the trailer's completion time.
        let setLines = shownSet.out.split(separator: "\n"), fullLines = shownFull.out.split(separator: "\n")
        XCTAssertEqual(setLines.count, 13)
        XCTAssertEqual(setLines.dropFirst().dropLast(), fullLines.dropFirst().dropLast())
        XCTAssertEqual(setLines.last?.split(separator: " ").dropFirst(3), fullLines.last?.split(separator: " ").dropFirst(3))
        let diffed = try CLIRunner.run(["diff", dir.at("full.gz"), set, "--restored-root", "none", "--report-dir", dir.at("r")])
        XCTAssertEqual(diffed.status, 0, diffed.description)
        // The report set shows the set's walk (its parts' aggregate) and each part's, 0-based.
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try bytes(dir, "r/report.json"))) as? [String: Any])
        let restored = try XCTUnwrap((report["walks"] as? [String: Any])?["restored"] as? [String: Any])
        let shards = try XCTUnwrap(restored["shards"] as? [[String: Any]])
        XCTAssertEqual(shards.map { $0["index"] as? Int }, [0, 1, 2])
        XCTAssertEqual(shards.compactMap { $0["entries"] as? Int }.reduce(0, +), restored["entries"] as? Int)
        XCTAssertEqual(restored["startedAtNs"] as? Int64, shards.compactMap { $0["startedAtNs"] as? Int64 }.min())
        XCTAssertEqual(restored["completedAtNs"] as? Int64, shards.compactMap { $0["completedAtNs"] as? Int64 }.max())
        XCTAssertNotNil(restored["balance"] as? Double)
        XCTAssertNil((report["walks"] as? [String: [String: Any]])?["baseline"]?["shards"])
        let summaryLines = String(decoding: try bytes(dir, "r/summary.txt"), as: UTF8.self).split(separator: "\n")
        let at = try XCTUnwrap(summaryLines.firstIndex { $0.hasPrefix("  restored: ") })
        XCTAssertTrue(summaryLines[at + 1].hasPrefix("    shards: 3, balance "), "\(summaryLines)")
        XCTAssertEqual(summaryLines[(at + 2)...].map { String($0.prefix(17)) }, ["    shard 0 of 3:", "    shard 1 of 3:", "    shard 2 of 3:"])
        let page = String(decoding: try bytes(dir, "r/report.html"), as: UTF8.self)
        XCTAssertEqual(page.components(separatedBy: "<tr class=\"shard\"><td>shard ").count - 1, 3)
        let checked = try CLIRunner.run(["check", set, dir.at("t")])
        XCTAssertEqual(checked.status, 0, checked.description)
        let joined = try CLIRunner.run(["join", set, "-o", dir.at("j.gz"), "-q"])
        XCTAssertEqual(joined, CLIResult(status: 0, stdout: Data(), stderr: ""))
        XCTAssertEqual(try summary(dir, "j.gz").trailer.entriesSha256, try summary(dir, "full.gz").trailer.entriesSha256)
        // A plan can be made from a set too.
        let replanned = try CLIRunner.run(["plan-shards", set, "--shards", "3", "-o", dir.at("plan2.json"), "-q"])
        XCTAssertEqual(replanned.status, 0, replanned.description)
        XCTAssertEqual(try bytes(dir, "plan2.json"), try bytes(dir, "plan.json"))
    }

    func testEveryJoinErrorIsNamedExitTwoAndNothingIsWritten() throws {
        let dir = try TestDirectory()
        let digest = try planAndParts(dir)
        // A part of another plan: the same tree planned in 2.
        XCTAssertEqual(try CLIRunner.run(["plan-shards", dir.at("full.gz"), "--shards", "2", "-o", dir.at("plan-b.json"), "-q"]).status, 0)
        let other = ShardPlan.digest(of: try bytes(dir, "plan-b.json"))
        XCTAssertEqual(try CLIRunner.run(["generate", dir.at("t"), "--plan", dir.at("plan-b.json"), "--shard", "1", "-o", dir.at("q1.gz"), "-q"]).status, 0)
        let cases: [([String], String)] = [
            (["p0.gz", "p2.gz"], "manifest-worker: join: missing part: shard 1 of 3 (0-based) of plan \(digest)\n"),
            (["p1.gz", "p0.gz", "p2.gz"], "manifest-worker: \(dir.at("p1.gz")): out of order: it is shard 1 of 3, given as part 0 (parts go in shard order 0 … 2)\n"),
            (["p0.gz", "p1.gz", "p1.gz", "p2.gz"], "manifest-worker: \(dir.at("p1.gz")): shard 1 of 3 is given twice (also \"\(dir.at("p1.gz"))\")\n"),
            (["p0.gz", "q1.gz", "p2.gz"], "manifest-worker: \(dir.at("q1.gz")): belongs to plan \(other), not to plan \(digest) of \"\(dir.at("p0.gz"))\"\n"),
            (["full.gz"], "manifest-worker: \(dir.at("full.gz")): not a shard of a plan: its header has no \"shard.plan\"\n"),
            (["nope.gz"], "manifest-worker: \(dir.at("nope.gz")): ENOENT: No such file or directory\n"),
        ]
        for (parts, stderr) in cases {
            let result = try CLIRunner.run(["join"] + parts.map { dir.at($0) } + ["-o", dir.at("j.gz")])
            XCTAssertEqual(result, CLIResult(status: 2, stdout: Data(), stderr: stderr), parts.joined(separator: " "))
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.at("j.gz")), parts.joined(separator: " "))
        }
        // Through a set: a part file swapped for another plan's, a part whose trailer the index does not list.
        try writeSet(dir, digest)
        try FileManager.default.copyItem(atPath: dir.at("p1.gz"), toPath: dir.at("p1-saved.gz"))
        try FileManager.default.removeItem(atPath: dir.at("p1.gz"))
        try FileManager.default.copyItem(atPath: dir.at("q1.gz"), toPath: dir.at("p1.gz"))
        let swapped = try CLIRunner.run(["join", dir.at("post.set.json"), "-o", dir.at("j.gz")])
        XCTAssertEqual(swapped, CLIResult(status: 2, stdout: Data(),
            stderr: "manifest-worker: \(dir.at("p1.gz")): belongs to plan \(other), not to the set's plan \(digest)\n"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.at("j.gz")))
        let diffed = try CLIRunner.run(["diff", dir.at("full.gz"), dir.at("post.set.json")])
        XCTAssertEqual(diffed.status, 2)
        XCTAssertEqual(diffed.stderr, swapped.stderr)
        // Usage errors.
        XCTAssertEqual(try CLIRunner.run(["join", "-o", dir.at("j.gz")]), CLIResult(status: 2, stdout: Data(),
            stderr: "manifest-worker: join: missing <part> (or <set.json>)\nTry 'manifest-worker join --help'.\n"))
        XCTAssertEqual(try CLIRunner.run(["join", dir.at("post.set.json"), dir.at("p0.gz"), "-o", dir.at("j.gz")]), CLIResult(status: 2, stdout: Data(),
            stderr: "manifest-worker: \(dir.at("post.set.json")): a set index is joined alone (its parts are listed in it)\nTry 'manifest-worker join --help'.\n"))
        XCTAssertEqual(try CLIRunner.run(["join", "-", "-o", dir.at("j.gz")]).stderr,
                       "manifest-worker: -: parts are read by name (their headers first): give files or s3:// addresses\nTry 'manifest-worker join --help'.\n")
    }

    func testGenerateAndPlanShardsSettingErrors() throws {
        let dir = try TestDirectory()
        _ = try planAndParts(dir)
        let t = dir.at("t"), out = dir.at("x.gz"), plan = dir.at("plan.json")
        let cases: [([String], [String: String], String)] = [
            (["generate", t, "--shard", "1", "-o", out], [:],
             "manifest-worker: --shard: needs --plan (EBV_PLAN): the plan the shard is of\nTry 'manifest-worker generate --help'.\n"),
            (["generate", t, "-o", out], ["EBV_PLAN": plan],
             "manifest-worker: EBV_PLAN: needs --shard (EBV_SHARD): which shard to walk, from 0\nTry 'manifest-worker generate --help'.\n"),
            (["generate", t, "--plan", plan, "--shard", "3", "-o", out], [:],
             "manifest-worker: --shard: must be a shard of the plan, an integer from 0 to 2 (got \"3\")\n"),
            (["generate", t, "-o", out], ["EBV_PLAN": plan, "EBV_SHARD": "-1"],
             "manifest-worker: EBV_SHARD: must be a shard of the plan, an integer from 0 to 2 (got \"-1\")\n"),
            (["generate", t, "--plan", dir.at("full.gz"), "--shard", "0", "-o", out], [:],
             "manifest-worker: \(dir.at("full.gz")): invalid shard plan: invalid JSON at column 1: expected '{'\n"),
            (["generate", t, "--plan", dir.at("none.json"), "--shard", "0", "-o", out], [:],
             "manifest-worker: \(dir.at("none.json")): ENOENT: No such file or directory\n"),
            (["plan-shards", dir.at("full.gz"), "-o", out], [:],
             "manifest-worker: plan-shards: missing --shards K\nTry 'manifest-worker plan-shards --help'.\n"),
            (["plan-shards", dir.at("full.gz"), "--shards", "0"], [:],
             "manifest-worker: --shards: must be an integer from 1 to 10000 (got \"0\")\n"),
            (["plan-shards", "-", "--shards", "2"], [:],
             "manifest-worker: plan-shards: the manifest is read twice: give a file or s3:// address, not -\nTry 'manifest-worker plan-shards --help'.\n"),
            (["plan-shards", dir.at("plan.json"), "--shards", "2", "-o", out], [:],
             "manifest-worker: \(dir.at("plan.json")):1: not gzip-compressed (gzip it, or give the manifest as written: gzipped NDJSON)\n"),
        ]
        for (arguments, environment, stderr) in cases {
            let result = try CLIRunner.run(arguments, environment: environment)
            XCTAssertEqual(result, CLIResult(status: 2, stdout: Data(), stderr: stderr), arguments.joined(separator: " "))
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), arguments.joined(separator: " "))
        }
        // The environment selects the shard as the flags do.
        let viaEnvironment = try CLIRunner.run(["generate", t, "-o", out, "-q"], environment: ["EBV_PLAN": plan, "EBV_SHARD": "1"])
        XCTAssertEqual(viaEnvironment.status, 0, viaEnvironment.description)
        XCTAssertEqual(try summary(dir, "x.gz").trailer.entriesSha256, try summary(dir, "p1.gz").trailer.entriesSha256)
    }

    func testPlanToStdoutAndJSON() throws {
        let dir = try TestDirectory()
        makeTree(dir)
        XCTAssertEqual(try CLIRunner.run(["generate", dir.at("t"), "-o", dir.at("full.gz"), "-q"]).status, 0)
        let toStdout = try CLIRunner.run(["plan-shards", dir.at("full.gz"), "--shards", "2"])
        XCTAssertEqual(toStdout.status, 0)
        let plan = try ShardPlan.decode([UInt8](toStdout.stdout), name: "stdout")
        XCTAssertEqual(plan.shards.map(\.entries), [5, 5])
        let digest = ShardPlan.digest(of: [UInt8](toStdout.stdout))
        XCTAssertTrue(toStdout.stderr.hasPrefix("wrote stdout: 2 shards of 10 entries (plan \(digest))\n"), toStdout.stderr)
        let json = try CLIRunner.run(["plan-shards", dir.at("full.gz"), "--shards", "2", "-o", dir.at("p.json"), "--json"])
        XCTAssertEqual(json, CLIResult(status: 0, stdout: Data(
            "{\"output\":\"\(dir.at("p.json"))\",\"plan\":\"\(digest)\",\"shards\":2,\"entries\":[5,5],\"costMicros\":[4000,4000]}\n".utf8), stderr: ""))
    }
}
