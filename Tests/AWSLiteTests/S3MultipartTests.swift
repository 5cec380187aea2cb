import Foundation
import TestSupport
import XCTest

@testable import AWSLite

final class S3MultipartTests: XCTestCase {
    private let mib = 1024 * 1024

    func testWritesPartsWithChecksumsAndCompletes() async throws {
        let fake = MultipartServer()
        let server = try TestHTTPServer { fake.handle($0) }
        defer { server.stop() }
        let s3 = try S3Client(configuration: ClientHarness.configuration(server))
        let writer = s3.multipartWriter(bucket: "b", key: "m/x.gz", contentType: "application/gzip", partSize: 5 * mib)
        for _ in 0..<7 { try await writer.write([UInt8](repeating: 1, count: mib)) }
        let parts = await writer.uploadedParts
        XCTAssertEqual(parts.map(\.partNumber), [1])
        let result = try await writer.finish()
        XCTAssertEqual(result.eTag, "\"final-2\"")
        XCTAssertEqual(result.checksumSHA256, "c-2")
        XCTAssertEqual(fake.partBodies.current, [1: 5 * mib, 2: 2 * mib])

        let requests = server.requests
        XCTAssertEqual(requests.map { "\($0.method) \($0.target)" }, [
            "POST /b/m/x.gz?uploads", "PUT /b/m/x.gz?partNumber=1&uploadId=up%2F1", "PUT /b/m/x.gz?partNumber=2&uploadId=up%2F1", "POST /b/m/x.gz?uploadId=up%2F1",
        ])
        XCTAssertEqual(requests[0].header("x-amz-checksum-algorithm"), "SHA256")
        XCTAssertEqual(requests[0].header("Content-Type"), "application/gzip")
        let fiveMiBOfOnes = PayloadDigest(of: [UInt8](repeating: 1, count: 5 * mib)).base64
        let twoMiBOfOnes = PayloadDigest(of: [UInt8](repeating: 1, count: 2 * mib)).base64
        XCTAssertEqual(requests[1].header("x-amz-checksum-sha256"), fiveMiBOfOnes)
        XCTAssertEqual(requests[2].header("x-amz-checksum-sha256"), twoMiBOfOnes)
        XCTAssertEqual(requests[3].bodyText, """
            <CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\
            <Part><ChecksumSHA256>\(fiveMiBOfOnes)</ChecksumSHA256><ETag>&quot;etag-1&quot;</ETag><PartNumber>1</PartNumber></Part>\
            <Part><ChecksumSHA256>\(twoMiBOfOnes)</ChecksumSHA256><ETag>&quot;etag-2&quot;</ETag><PartNumber>2</PartNumber></Part>\
            </CompleteMultipartUpload>
            """)
    }

    func testFailedPartAbortsUpload() async throws {
        let fake = MultipartServer(failPart: 2)
        let server = try TestHTTPServer { fake.handle($0) }
        defer { server.stop() }
        let s3 = try S3Client(configuration: ClientHarness.configuration(server))
        let writer = s3.multipartWriter(bucket: "b", key: "k", partSize: 5 * mib)
        do {
            try await writer.write([UInt8](repeating: 2, count: 11 * mib))
            XCTFail("expected InvalidDigest")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "InvalidDigest")
        }
        XCTAssertEqual(server.requests.map { "\($0.method) \($0.query)" }, ["POST uploads", "PUT partNumber=1&uploadId=up%2F1", "PUT partNumber=2&uploadId=up%2F1", "DELETE uploadId=up%2F1"])
        do {
            _ = try await writer.finish()
            XCTFail("a failed writer must not finish")
        } catch let error as AWSError {
            XCTAssertEqual(error.message, "s3://b/k: writer was aborted")
        }
        XCTAssertEqual(server.requests.count, 4)
    }

    func testExplicitAbortAfterPartsDeletesUpload() async throws {
        let fake = MultipartServer()
        let server = try TestHTTPServer { fake.handle($0) }
        defer { server.stop() }
        let s3 = try S3Client(configuration: ClientHarness.configuration(server))
        let writer = s3.multipartWriter(bucket: "b", key: "k", partSize: 5 * mib)
        try await writer.write([UInt8](repeating: 3, count: 6 * mib))
        await writer.abort()
        await writer.abort()
        XCTAssertEqual(server.requests.map(\.method), ["POST", "PUT", "DELETE"])
    }

    func testSmallObjectIsOnePutObject() async throws {
        let fake = MultipartServer()
        let server = try TestHTTPServer { fake.handle($0) }
        defer { server.stop() }
        let s3 = try S3Client(configuration: ClientHarness.configuration(server))
        let writer = s3.multipartWriter(bucket: "b", key: "small")
        try await writer.write(Array("abc".utf8))
        let result = try await writer.finish()
        XCTAssertEqual(result.eTag, "\"single\"")
        XCTAssertEqual(server.requests.map { "\($0.method) \($0.target) \($0.bodyText)" }, ["PUT /b/small abc"])
        XCTAssertEqual(server.requests[0].header("x-amz-checksum-sha256"), "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=")
    }

    func testCompleteReturning200WithErrorBodyFails() async throws {
        let server = try TestHTTPServer { _ in ClientHarness.xml(200, "<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>") }
        defer { server.stop() }
        let s3 = try S3Client(configuration: ClientHarness.configuration(server))
        do {
            _ = try await s3.completeMultipartUpload(bucket: "b", key: "k", uploadId: "u", parts: [S3CompletedPart(partNumber: 1, eTag: "\"e\"", checksumSHA256: "c")])
            XCTFail("expected InternalError")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "InternalError")
        }
    }
}

final class S3LocationTests: XCTestCase {
    func testS3Location() {
        XCTAssertEqual(S3Location(url: "s3://bucket/dir/a b.gz"), S3Location(bucket: "bucket", key: "dir/a b.gz"))
        XCTAssertNil(S3Location(url: "s3://bucket/"))
        XCTAssertNil(S3Location(url: "s3://bucket"))
        XCTAssertNil(S3Location(url: "/local/path"))
        XCTAssertEqual(S3Location(bucket: "b", key: "k").description, "s3://b/k")
    }
}
