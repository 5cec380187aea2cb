import Glibc
import XCTest
@testable import ManifestKit

final class FileStreamTests: XCTestCase {
    private var tree: WalkTestTree!
    private var dir: String { tree.root }

    override func setUpWithError() throws {
        tree = try WalkTestTree()
    }

    override func tearDown() {
        tree = nil
    }

    private func listing() -> [String] {
        var names = [String]()
        guard let d = opendir(dir) else { return [] }
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { names.append(name) }
        }
        closedir(d)
        return names.sorted()
    }

    func testFinishRenamesIntoPlace() throws {
        let sink = try FileSink(path: "\(dir)/m.ndjson.gz")
        XCTAssertTrue(sink.temporaryPath!.hasPrefix("\(dir)/.m.ndjson.gz.tmp-"))
        try sink.write(Array("hello".utf8))
        XCTAssertEqual(listing().count, 1)
        XCTAssertNotEqual(listing(), ["m.ndjson.gz"])
        try sink.finish()
        XCTAssertEqual(listing(), ["m.ndjson.gz"])
        let src = try FileSource(path: "\(dir)/m.ndjson.gz")
        var buf = [UInt8](repeating: 0, count: 16)
        let n = try buf.withUnsafeMutableBytes { try src.read(into: $0) }
        XCTAssertEqual(Array(buf[0..<n]), Array("hello".utf8))
        XCTAssertThrowsError(try sink.write([1]))
    }

    func testAbortAndDeinitLeaveNothing() throws {
        let a = try FileSink(path: "\(dir)/a")
        try a.write([1, 2])
        a.abort()
        do {
            let b = try FileSink(path: "\(dir)/b")
            try b.write([1])
        }
        XCTAssertEqual(listing(), [])
    }

    func testWriterOnFileSinkAndReaderOnFileSource() throws {
        let path = "\(dir)/m.gz"
        let w = try ManifestWriter(header: Fixtures.header, sink: try FileSink(path: path))
        try w.append(Fixtures.file("x"))
        try w.finish(completedAtNs: 0)
        let r = try ManifestReader(path: path)
        XCTAssertEqual(try r.next(), Fixtures.file("x"))
        XCTAssertNil(try r.next())
    }

    func testIOErrorsNameTheFileAndCause() {
        XCTAssertThrowsError(try FileSource(path: "\(dir)/nope")) {
            XCTAssertEqual($0 as? ManifestKitError, ManifestKitError(.io, subject: "\(dir)/nope", reason: "ENOENT: No such file or directory"))
        }
        XCTAssertThrowsError(try FileSource(path: dir)) {
            XCTAssertEqual($0 as? ManifestKitError, ManifestKitError(.io, subject: dir, reason: "EISDIR: Is a directory"))
        }
        XCTAssertThrowsError(try FileSink(path: "\(dir)/missing/m.gz")) {
            XCTAssertEqual($0 as? ManifestKitError, ManifestKitError(.io, subject: "\(dir)/missing/m.gz", reason: "ENOENT: No such file or directory"))
        }
    }

    func testMemorySourceHonoursChunkSize() throws {
        let src = MemorySource([1, 2, 3, 4, 5], chunkSize: 2)
        var buf = [UInt8](repeating: 0, count: 10)
        XCTAssertEqual(try buf.withUnsafeMutableBytes { try src.read(into: $0) }, 2)
        XCTAssertEqual(try buf.withUnsafeMutableBytes { try src.read(into: $0) }, 2)
        XCTAssertEqual(try buf.withUnsafeMutableBytes { try src.read(into: $0) }, 1)
        XCTAssertEqual(try buf.withUnsafeMutableBytes { try src.read(into: $0) }, 0)
    }
}
