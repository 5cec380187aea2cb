import Glibc
import XCTest
@testable import ManifestKit

/// The whole local pipeline across the module's parts: walk a real tree, write
/// the manifest, read it back validated, and diff it against a second walk.
final class WalkWriteReadDiffTests: XCTestCase {
    private func manifest(of root: String) throws -> (bytes: [UInt8], entries: [ManifestEntry]) {
        let sink = MemorySink()
        let header = ManifestHeader(role: .local, root: root, startedAtNs: 1_000, tool: "manifest-worker test")
        let writer = try ManifestWriter(header: header, sink: sink)
        var walked: [ManifestEntry] = []
        try TreeWalker(root: root, options: WalkOptions(concurrency: 4)).run { entry in
            walked.append(entry)
            try writer.append(entry)
        }
        _ = try writer.finish(completedAtNs: 2_000)
        XCTAssertTrue(sink.isFinished)
        return (sink.bytes, walked)
    }

    private func makeTree() throws -> WalkTestTree {
        let tree = try WalkTestTree()
        try tree.mkdir(b("a"))
        try tree.write(b("a/b"), b("abc"))
        try tree.write(b("a-c"), [])
        try tree.write([0x66, 0xFF], b("latin-1 name"))
        try tree.symlink(b("a/link"), to: b("../nowhere"))
        try tree.mkfifo(b("fifo"))
        try tree.link(b("a/hard"), to: b("a/b"))
        return tree
    }

    func testWalkedTreeRoundTripsThroughWriterAndReader() throws {
        let tree = try makeTree()
        let (bytes, walked) = try manifest(of: tree.root)
        let reader = try ManifestReader(source: MemorySource(bytes, name: "walked"))
        var read: [ManifestEntry] = []
        while let e = try reader.next() { read.append(e) }
        XCTAssertEqual(read, walked)
        XCTAssertEqual(read.map(\.path), [b("a"), b("a/b"), b("a/hard"), b("a/link"), b("a-c"), b("fifo"), [0x66, 0xFF]])
        XCTAssertEqual(read[1].sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(read[1].ino, read[2].ino)
        XCTAssertEqual(read[1].nlink, 2)
        XCTAssertEqual(read[3].target, b("../nowhere"))
        XCTAssertEqual(read[5].type, .fifo)
        XCTAssertNil(read[5].sha256)
        let trailer = try XCTUnwrap(reader.trailer)
        XCTAssertEqual(trailer.entries, 7)
        XCTAssertEqual(trailer.files, 4)
        XCTAssertEqual(trailer.bytes, 3 + 3 + 12)
    }

    func testDiffOfTwoWalksFindsTheCorruptedFileOnly() throws {
        let tree = try makeTree()
        let before = try manifest(of: tree.root).bytes
        // Same size, same mtime, different bytes: silent corruption.
        var st = stat()
        XCTAssertEqual(stat(tree.abs(b("a/b")), &st), 0)
        try tree.write(b("a/b"), b("abd"))
        var times = [st.st_atim, st.st_mtim]
        XCTAssertEqual(utimensat(AT_FDCWD, tree.abs(b("a/b")), &times, 0), 0)
        let after = try manifest(of: tree.root).bytes

        var diff = try MergeDiff(
            baseline: ManifestReader(source: MemorySource(before, name: "before")),
            post: nil,
            restored: ManifestReader(source: MemorySource(after, name: "after")),
            options: DiffOptions())
        var findings: [Finding] = []
        while let f = try diff.next() { findings.append(f) }
        // The hard link shares the inode, so both names carry the new bytes.
        XCTAssertEqual(findings.map(\.displayPath), ["a/b", "a/hard"])
        XCTAssertEqual(findings.map(\.verdict), [.corrupt, .corrupt])
        XCTAssertEqual(diff.tally[.match], 5)
    }
}
