import XCTest
@testable import ManifestKit

/// Reading a set of parts as one manifest, and every way a part can be wrong.
final class ManifestSetReaderTests: XCTestCase {
    private let planDigest = String(repeating: "0f", count: 32)
    private let otherPlan = String(repeating: "1e", count: 32)

    private func header(_ index: Int, of count: Int, range: ShardRange, plan: String? = nil, role: ManifestRole = .post,
                        root: String = "/mnt/efs", started: Int64 = 100) -> ManifestHeader {
        ManifestHeader(role: role, root: root, fileSystemId: "fs-1", startedAtNs: started, tool: "t",
                       shardIndex: index, shardCount: count, shardPlan: plan ?? planDigest, shardRange: range)
    }

    private func part(_ h: ManifestHeader, _ paths: [String], completed: Int64 = 200) throws -> (bytes: [UInt8], trailer: ManifestTrailer) {
        let sink = MemorySink()
        let w = try ManifestWriter(header: h, sink: sink, compressOn: .caller)
        for p in paths { try w.append(Fixtures.file(p)) }
        let t = try w.finish(completedAtNs: completed)
        return (sink.bytes, t)
    }

    private let ranges = [ShardRange(start: nil, end: b("b")), ShardRange(start: b("b"), end: b("d")), ShardRange(start: b("d"), end: nil)]
    private let partPaths = [["a", "a1"], ["b", "c"], ["d", "e", "f"]]

    /// Three good parts at part-0…2, and the set index.
    private func goodParts() throws -> (files: [String: [UInt8]], set: ManifestSet) {
        var files: [String: [UInt8]] = [:]
        var builder = ManifestSetBuilder(plan: planDigest, count: 3)
        for i in 0..<3 {
            let h = header(i, of: 3, range: ranges[i], started: 100 - Int64(i))
            let p = try part(h, partPaths[i], completed: 200 + Int64(i))
            files["s/part-\(i)"] = p.bytes
            try builder.add(location: "part-\(i)", header: h, trailer: p.trailer)
        }
        return (files, try builder.build())
    }

    private func read(_ set: ManifestSet, _ files: [String: [UInt8]]) throws -> ([ManifestEntry], ManifestSetReader) {
        let r = try ManifestSetReader(set: set, name: "s/x.set.json") { location in
            guard let bytes = files[location] else { throw ManifestKitError(.io, subject: location, reason: "ENOENT: No such file or directory") }
            return MemorySource(bytes, name: location)
        }
        var out: [ManifestEntry] = []
        while let e = try r.next() { out.append(e) }
        return (out, r)
    }

    func testPartsReadAsOneManifestWithTheSingleWalksTrailer() throws {
        let (files, set) = try goodParts()
        let (entries, reader) = try read(set, files)
        XCTAssertEqual(ManifestKitTests.paths(entries), ["a", "a1", "b", "c", "d", "e", "f"])
        let whole = try Fixtures.lines(["a", "a1", "b", "c", "d", "e", "f"].map { Fixtures.file($0) })
        let single = try ManifestCodec.decodeTrailer(Array(whole.last!.dropLast()))
        let trailer = try XCTUnwrap(reader.trailer)
        XCTAssertEqual(trailer.entriesSha256, single.entriesSha256)
        XCTAssertTrue(trailer.countsEqual(single))
        XCTAssertEqual(trailer.completedAtNs, 202)
        XCTAssertEqual(reader.header, ManifestHeader(role: .post, root: "/mnt/efs", fileSystemId: "fs-1", startedAtNs: 98, tool: "t"))
        XCTAssertNil(try reader.next())
    }

    func testEveryBadPartIsNamed() throws {
        let (files, set) = try goodParts()
        func rejects(_ files: [String: [UInt8]], _ set: ManifestSet, _ expected: ManifestKitError, line: UInt = #line) {
            XCTAssertThrowsError(try read(set, files), line: line) { XCTAssertEqual($0 as? ManifestKitError, expected, line: line) }
        }
        var f = files
        // A part of another plan.
        f["s/part-1"] = try part(header(1, of: 3, range: ranges[1], plan: otherPlan), partPaths[1]).bytes
        rejects(f, set, ManifestKitError(.invalidManifest, subject: "s/part-1", reason: "belongs to plan \(otherPlan), not to the set's plan \(planDigest)"))
        // Another shard in part 1's place.
        f = files
        f["s/part-1"] = files["s/part-2"]
        rejects(f, set, ManifestKitError(.invalidManifest, subject: "s/part-1", reason: "is shard 2 of 3, but the set lists it as part 1 of 3"))
        // Of another count.
        f = files
        f["s/part-0"] = try part(header(0, of: 2, range: ranges[0]), partPaths[0]).bytes
        rejects(f, set, ManifestKitError(.invalidManifest, subject: "s/part-0", reason: "is shard 0 of 2, but the set lists it as part 0 of 3"))
        // Not planned.
        f = files
        f["s/part-2"] = try part(ManifestHeader(role: .post, root: "/mnt/efs", fileSystemId: "fs-1", startedAtNs: 1, tool: "t"), partPaths[2]).bytes
        rejects(f, set, ManifestKitError(.invalidManifest, subject: "s/part-2", reason: "not a shard of a plan: its header has no \"shard.plan\""))
        // Another role, another root.
        f = files
        f["s/part-1"] = try part(header(1, of: 3, range: ranges[1], role: .baseline), partPaths[1]).bytes
        rejects(f, set, ManifestKitError(.invalidManifest, subject: "s/part-1", reason: "role \"baseline\" differs from the set's \"post\""))
        f["s/part-1"] = try part(header(1, of: 3, range: ranges[1], root: "/x"), partPaths[1]).bytes
        rejects(f, set, ManifestKitError(.invalidManifest, subject: "s/part-1", reason: "root or file system differs from part 0's"))
        // An entry outside the part's range.
        f = files
        f["s/part-1"] = try part(header(1, of: 3, range: ranges[1]), ["b", "d"]).bytes
        rejects(f, set, ManifestKitError(.invalidManifest, subject: "s/part-1", line: 3, reason: "path \"d\" lies outside shard 1's range"))
        // Ranges that overlap (headers that lie about them): order across parts.
        f = files
        f["s/part-1"] = try part(header(1, of: 3, range: ShardRange(start: b("a"), end: b("d"))), ["a1", "c"]).bytes
        rejects(f, set, ManifestKitError(.invalidManifest, subject: "s/part-1", line: 2,
                                         reason: "out of order: path \"a1\" does not sort after the previous part's last path \"a1\""))
        // A part whose trailer is not what the index lists.
        f = files
        f["s/part-2"] = try part(header(2, of: 3, range: ranges[2]), ["d", "e"]).bytes
        let stated = try ManifestReader.validate(MemorySource(f["s/part-2"]!)).trailer.entriesSha256
        rejects(f, set, ManifestKitError(.invalidManifest, subject: "s/part-2",
            reason: "its trailer states 2 entries with digest \(stated), but the set index lists 3 with digest \(set.parts[2].entriesSha256)"))
        // A part that is itself invalid: the reader's error, naming it.
        f = files
        f["s/part-1"] = Array(files["s/part-1"]!.dropLast(8))
        XCTAssertThrowsError(try read(set, f)) { XCTAssertEqual(($0 as? ManifestKitError)?.subject, "s/part-1") }
        // A missing part file.
        f = files
        f["s/part-2"] = nil
        rejects(f, set, ManifestKitError(.io, subject: "s/part-2", reason: "ENOENT: No such file or directory"))
    }

    func testJoiningPartLocationsChecksPlanOrderAndCompleteness() throws {
        let (files, _) = try goodParts()
        func open(_ f: [String: [UInt8]]) -> (String) throws -> ByteSource {
            { location in
                guard let bytes = f[location] else { throw ManifestKitError(.io, subject: location, reason: "ENOENT") }
                return MemorySource(bytes, name: location)
            }
        }
        let r = try ManifestSetReader(partLocations: ["s/part-0", "s/part-1", "s/part-2"], open: open(files))
        var n = 0
        while try r.next() != nil { n += 1 }
        XCTAssertEqual(n, 7)
        XCTAssertEqual(r.trailer?.completedAtNs, 202)
        XCTAssertEqual(r.header.startedAtNs, 98)
        func rejects(_ locations: [String], _ f: [String: [UInt8]], _ expected: ManifestKitError, line: UInt = #line) {
            XCTAssertThrowsError(try ManifestSetReader(partLocations: locations, open: open(f)), line: line) {
                XCTAssertEqual($0 as? ManifestKitError, expected, line: line)
            }
        }
        rejects([], files, ManifestKitError(.invalidArgument, subject: "join", reason: "no parts given"))
        rejects(["s/part-0", "s/part-2"], files, ManifestKitError(.invalidManifest, subject: "join", reason: "missing part: shard 1 of 3 (0-based) of plan \(planDigest)"))
        rejects(["s/part-1", "s/part-0", "s/part-2"], files,
                ManifestKitError(.invalidManifest, subject: "s/part-1", reason: "out of order: it is shard 1 of 3, given as part 0 (parts go in shard order 0 … 2)"))
        rejects(["s/part-0", "s/part-1", "s/part-1", "s/part-2"], files,
                ManifestKitError(.invalidManifest, subject: "s/part-1", reason: "shard 1 of 3 is given twice (also \"s/part-1\")"))
        var f = files
        f["s/other"] = try part(header(1, of: 3, range: ranges[1], plan: otherPlan), partPaths[1]).bytes
        rejects(["s/part-0", "s/other", "s/part-2"], f,
                ManifestKitError(.invalidManifest, subject: "s/other", reason: "belongs to plan \(otherPlan), not to plan \(planDigest) of \"s/part-0\""))
        f["s/four"] = try part(header(1, of: 4, range: ranges[1]), partPaths[1]).bytes
        rejects(["s/part-0", "s/four", "s/part-2"], f,
                ManifestKitError(.invalidManifest, subject: "s/four", reason: "is shard 1 of 4, but \"s/part-0\" is of 3"))
        f["s/plain"] = try Fixtures.manifest([])
        rejects(["s/plain"], f, ManifestKitError(.invalidManifest, subject: "s/plain", reason: "not a shard of a plan: its header has no \"shard.plan\""))
    }

    /// Each part's header and trailer, for the report's shard walks; the set's start is its
    /// earliest part's even when the index does not state it (part 2 here, not part 0).
    func testThePartsAreKeptAndTheSetStartsWithItsEarliestPart() throws {
        let (files, set) = try goodParts()
        let (_, reader) = try read(set, files)
        XCTAssertEqual(reader.parts.map(\.header.shardIndex), [0, 1, 2])
        XCTAssertEqual(reader.parts.map(\.header.startedAtNs), [100, 99, 98])
        XCTAssertEqual(reader.parts.map(\.trailer.completedAtNs), [200, 201, 202])
        XCTAssertEqual(reader.parts.map(\.trailer.entries), [2, 2, 3])
        let walk = try XCTUnwrap(WalkStats.byRole([ReportPage.Input(source: "s", header: reader.header, trailer: reader.trailer,
                                                                    parts: reader.parts)])["baseline"])
        XCTAssertEqual([walk.startedAtNs, walk.completedAtNs], [98, 202])
        XCTAssertEqual(walk.entries, 7)
        XCTAssertEqual(walk.shards.map(\.startedAtNs), [100, 99, 98])

        var unstated = set
        unstated.startedAtNs = nil
        unstated.completedAtNs = nil
        let (_, r) = try read(unstated, files)
        XCTAssertEqual(r.header.startedAtNs, 98, "the earliest part's start, not part 0's (100)")
        XCTAssertEqual(r.trailer?.completedAtNs, 202)

        // An index stating a later start than a part's: that part could have missed writes
        // made before the stated start (a baseline's window start), so the set is refused.
        // A whole millisecond less than 1 ms later is an index of an older orchestrator (its
        // times cut to the millisecond); any other later start is refused, at the part or,
        // within 1 ms, once every part is read (ManifestSetTimesTests).
        var late = set
        late.startedAtNs = 1_000_000
        XCTAssertEqual(try read(late, files).1.header.startedAtNs, 1_000_000)
        late.startedAtNs = 98 + 1_000_000
        XCTAssertThrowsError(try read(late, files)) {
            XCTAssertEqual($0 as? ManifestKitError, ManifestKitError(.invalidManifest, subject: "s/x.set.json",
                reason: "the set index states \"startedAt\" 1970-01-01T00:00:00.001000098Z, but the earliest part started at 1970-01-01T00:00:00.000000098Z"))
        }
        late.startedAtNs = 99 + 1_000_000
        XCTAssertThrowsError(try read(late, files)) {
            XCTAssertEqual($0 as? ManifestKitError, ManifestKitError(.invalidManifest, subject: "s/part-2",
                reason: "started at 1970-01-01T00:00:00.000000098Z, before the set's startedAt 1970-01-01T00:00:00.001000099Z"))
        }
    }
}

/// The set index's `startedAt` and `completedAt` are claims too: checked against the parts.
final class ManifestSetTimesTests: XCTestCase {
    private let planDigest = String(repeating: "0f", count: 32)

    /// Two parts (starts 1000…0100 and …0200 ns, completions …0300 and …0400 ns after
    /// 2023-11-14T22:13:20Z) and their set as the builder makes it.
    private func parts() throws -> (files: [String: [UInt8]], set: ManifestSet) {
        let base: Int64 = 1_700_000_000_000_000_000
        var files: [String: [UInt8]] = [:]
        var builder = ManifestSetBuilder(plan: planDigest, count: 2)
        let ranges = [ShardRange(start: nil, end: Array("m".utf8)), ShardRange(start: Array("m".utf8), end: nil)]
        for i in 0..<2 {
            let h = ManifestHeader(role: .post, root: "/r", startedAtNs: base + 100 * Int64(i + 1), tool: "t",
                                   shardIndex: i, shardCount: 2, shardPlan: planDigest, shardRange: ranges[i])
            let sink = MemorySink()
            let w = try ManifestWriter(header: h, sink: sink, compressOn: .caller)
            try w.append(Fixtures.file(i == 0 ? "a" : "z"))
            let t = try w.finish(completedAtNs: base + 300 + 100 * Int64(i))
            files["s/part-\(i)"] = sink.bytes
            try builder.add(location: "part-\(i)", header: h, trailer: t)
        }
        return (files, try builder.build())
    }

    private func read(_ set: ManifestSet, _ files: [String: [UInt8]]) throws -> ManifestSetReader {
        let r = try ManifestSetReader(set: set, name: "s/x.set.json") { MemorySource(files[$0]!, name: $0) }
        while try r.next() != nil {}
        return r
    }

    func testTimesThatAreNotThePartsAreRejectedAtTheEnd() throws {
        let (files, good) = try parts()
        XCTAssertEqual(try read(good, files).trailer?.completedAtNs, 1_700_000_000_000_000_400)
        var set = good
        set.startedAtNs = 1_699_999_000_000_000_000
        XCTAssertThrowsError(try read(set, files)) {
            XCTAssertEqual($0 as? ManifestKitError, ManifestKitError(.invalidManifest, subject: "s/x.set.json",
                reason: "the set index states \"startedAt\" 2023-11-14T21:56:40.000000000Z, but the earliest part started at 2023-11-14T22:13:20.000000100Z"))
        }
        set = good
        set.completedAtNs = 1_700_000_000_000_000_300
        XCTAssertThrowsError(try read(set, files)) {
            XCTAssertEqual($0 as? ManifestKitError, ManifestKitError(.invalidManifest, subject: "s/x.set.json",
                reason: "the set index states \"completedAt\" 2023-11-14T22:13:20.000000300Z, but the latest part completed at 2023-11-14T22:13:20.000000400Z"))
        }
        // Absent times: nothing to check (the parts' are used).
        set = good
        set.startedAtNs = nil
        set.completedAtNs = nil
        XCTAssertEqual(try read(set, files).header.startedAtNs, 1_700_000_000_000_000_100)
        // Cut to the millisecond, as indexes written before nanoseconds were kept: accepted.
        set = good
        set.startedAtNs = 1_700_000_000_000_000_000
        set.completedAtNs = 1_700_000_000_000_000_000
        XCTAssertNoThrow(try read(set, files))
    }

    func testSameInstantIsExactOrAWholeMillisecondWithinOne() {
        XCTAssertTrue(ManifestSetReader.sameInstant(5, 5))
        XCTAssertTrue(ManifestSetReader.sameInstant(2_000_000, 1_999_999))
        XCTAssertTrue(ManifestSetReader.sameInstant(1_000_000, 1_999_999))
        XCTAssertFalse(ManifestSetReader.sameInstant(0, 1_000_000 + 1))
        XCTAssertFalse(ManifestSetReader.sameInstant(1_000_001, 1_000_002))
        XCTAssertTrue(ManifestSetReader.sameInstant(-1_000_000, -1_000_001))
        XCTAssertFalse(ManifestSetReader.sameInstant(Int64.min, Int64.max))
        XCTAssertFalse(ManifestSetReader.sameInstant(0, Int64.min))
    }
}
