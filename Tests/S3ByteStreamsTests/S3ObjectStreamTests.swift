import AWSLite
import Foundation
import ManifestKit
import S3ByteStreams
import TestSupport
import XCTest

/// `S3ObjectSink` and `S3ObjectSource` against fake S3 endpoints. Synchronous tests: they
/// run on the main thread, as a CLI's generate/diff would.
final class S3ObjectStreamTests: XCTestCase {
    private func client(_ server: TestHTTPServer) throws -> S3Client {
        try S3Client(configuration: AWSClientConfiguration(
            region: "eu-west-1", credentials: StaticCredentialProvider(Credentials(accessKeyId: "AKIDTEST", secretAccessKey: "secret")),
            endpoint: URL(string: server.baseURL)!))
    }

    func testSinkUploadsPartsAndCompletes() throws {
        let fake = MultipartServer()
        let server = try TestHTTPServer { fake.handle($0) }
        defer { server.stop() }
        let sink = S3ObjectSink(client: try client(server), bucket: "b", key: "k", contentType: "application/gzip", partSize: 5 * 1024 * 1024)
        XCTAssertEqual(sink.name, "s3://b/k")
        let block = [UInt8](repeating: 9, count: 100_000)
        for _ in 0..<60 { try block.withUnsafeBytes { try sink.write($0) } }  // 6,000,000 bytes
        try sink.finish()
        XCTAssertEqual(sink.result?.eTag, "\"final-2\"")
        XCTAssertEqual(fake.partBodies.current, [1: 5 * 1024 * 1024, 2: 6_000_000 - 5 * 1024 * 1024])
        XCTAssertEqual(server.requests.first?.header("Content-Type"), "application/gzip")
    }

    func testSinkAbortLeavesNoObject() throws {
        let fake = MultipartServer()
        let server = try TestHTTPServer { fake.handle($0) }
        defer { server.stop() }
        let s3 = try client(server)
        let sink = S3ObjectSink(writer: s3.multipartWriter(bucket: "b", key: "k", partSize: 5 * 1024 * 1024))
        let block = [UInt8](repeating: 9, count: 6 * 1024 * 1024)
        try block.withUnsafeBytes { try sink.write($0) }
        sink.abort()
        XCTAssertEqual(server.requests.map(\.method), ["POST", "PUT", "DELETE"])
    }

    func testSinkWriteFailureAbortsUpload() throws {
        let fake = MultipartServer(failPart: 1)
        let server = try TestHTTPServer { fake.handle($0) }
        defer { server.stop() }
        let sink = S3ObjectSink(client: try client(server), bucket: "b", key: "k", contentType: "application/gzip", partSize: 5 * 1024 * 1024)
        let block = [UInt8](repeating: 9, count: 6 * 1024 * 1024)
        XCTAssertThrowsError(try block.withUnsafeBytes { try sink.write($0) }) { error in
            XCTAssertEqual((error as? AWSError)?.code, "InvalidDigest")
        }
        XCTAssertEqual(server.requests.map(\.method), ["POST", "PUT", "DELETE"])
        XCTAssertNil(sink.result)
    }

    func testSourceReadsWholeObject() throws {
        let fake = RangeServer(size: 1000)
        let server = try TestHTTPServer { fake.handle($0) }
        defer { server.stop() }
        let source = try S3ObjectSource(client: try client(server), bucket: "b", key: "m.gz", chunkSize: 300)
        XCTAssertEqual(source.name, "s3://b/m.gz")
        var all: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 128)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { break }
            all += buffer[0..<n]
        }
        XCTAssertEqual(all, fake.object)
        XCTAssertEqual(server.requests.count, 4)
        XCTAssertEqual(fake.largestBody.current, 300)
    }

    func testSourceOfMissingObjectFailsWhenOpened() throws {
        let server = try TestHTTPServer { _ in
            .text(404, "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>",
                  headers: [("Content-Type", "application/xml")])
        }
        defer { server.stop() }
        XCTAssertThrowsError(try S3ObjectSource(client: try client(server), bucket: "b", key: "missing.gz")) { error in
            XCTAssertEqual((error as? AWSError)?.code, "NoSuchKey")
        }
        XCTAssertEqual(server.requests.map { "\($0.method) \($0.target)" }, ["GET /b/missing.gz"])
    }
}
