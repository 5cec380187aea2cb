import Foundation
import TestSupport
import XCTest

@testable import AWSLite

final class S3Tests: XCTestCase {
    private func client(_ server: TestHTTPServer) throws -> S3Client { try S3Client(configuration: ClientHarness.configuration(server)) }

    func testPutObjectWireRequest() async throws {
        let server = try TestHTTPServer { _ in .text(200, "", headers: [("ETag", "\"abc\""), ("x-amz-checksum-sha256", "sum")]) }
        defer { server.stop() }
        let result = try await client(server).putObject(
            S3PutObjectRequest(bucket: "my-bucket", key: "runs/a b+c/état.json", body: Array("hello".utf8), contentType: "application/json", metadata: ["Run": "r1"]))
        XCTAssertEqual(result, S3PutObjectResult(eTag: "\"abc\"", checksumSHA256: "sum", versionId: nil))
        let r = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(r.method, "PUT")
        XCTAssertEqual(r.target, "/my-bucket/runs/a%20b%2Bc/%C3%A9tat.json")
        XCTAssertEqual(r.header("Content-Type"), "application/json")
        // SHA-256("hello") in base64 and hex.
        XCTAssertEqual(r.header("x-amz-checksum-sha256"), "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=")
        XCTAssertEqual(r.header("x-amz-sdk-checksum-algorithm"), "SHA256")
        XCTAssertEqual(r.header("x-amz-meta-run"), "r1")
        XCTAssertNil(r.header("If-None-Match"))
        XCTAssertEqual(r.header("Authorization"), "TEST s3 eu-west-1 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 s3")
        XCTAssertEqual(r.bodyText, "hello")
    }

    func testConditionalWritesSurfacePreconditionFailed() async throws {
        let server = try TestHTTPServer { _ in
            ClientHarness.xml(412, "<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>If-None-Match</Condition></Error>")
        }
        defer { server.stop() }
        let s3 = try client(server)
        for condition in [S3WriteCondition.ifNoneExists, .ifMatch(eTag: "\"e1\"")] {
            do {
                _ = try await s3.putObject(S3PutObjectRequest(bucket: "b", key: "state/run.json", body: [1], condition: condition))
                XCTFail("expected 412")
            } catch let error as AWSError {
                XCTAssertTrue(error.isPreconditionFailed)
                XCTAssertFalse(error.isNotFound)
                XCTAssertEqual(error.code, "PreconditionFailed")
            }
        }
        XCTAssertEqual(server.requests.map { $0.header("If-None-Match") }, ["*", nil])
        XCTAssertEqual(server.requests.map { $0.header("If-Match") }, [nil, "\"e1\""])
    }

    func testHeadObjectAndMissingObject() async throws {
        let server = try TestHTTPServer { r in
            r.path == "/b/there"
                ? .text(200, "", headers: [("Content-Length", "1234"), ("ETag", "\"e\""), ("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT"), ("x-amz-meta-role", "baseline")])
                : .text(404, "")
        }
        defer { server.stop() }
        let s3 = try client(server)
        let head = try await s3.headObject(bucket: "b", key: "there")
        XCTAssertEqual(head.contentLength, 1234)
        XCTAssertEqual(head.eTag, "\"e\"")
        XCTAssertEqual(head.lastModified, Date(timeIntervalSince1970: 1_445_412_480))
        XCTAssertEqual(head.metadata, ["role": "baseline"])
        do {
            _ = try await s3.headObject(bucket: "b", key: "missing")
            XCTFail("expected 404")
        } catch let error as AWSError {
            XCTAssertTrue(error.isNotFound)
            XCTAssertEqual(error.code, "NotFound")
        }
        XCTAssertEqual(server.requests.map(\.method), ["HEAD", "HEAD"])
    }

    /// HeadBucket as botocore's model has it (`HEAD /{Bucket}`, `x-amz-expected-bucket-owner`),
    /// and its bodiless failures: 404, 403, and 301 naming the bucket's region.
    func testHeadBucketWireRequestAndBodilessFailures() async throws {
        let server = try TestHTTPServer { r in
            switch r.path {
            case "/there": return .text(200, "", headers: [("x-amz-bucket-region", "eu-west-1"), ("x-amz-access-point-alias", "false")])
            case "/elsewhere": return .text(301, "", headers: [("x-amz-bucket-region", "eu-central-1")])
            case "/theirs": return .text(403, "")
            default: return .text(404, "")
            }
        }
        defer { server.stop() }
        let s3 = try client(server)
        let head = try await s3.headBucket("there", expectedBucketOwner: "111122223333")
        XCTAssertEqual(head, S3BucketHead(region: "eu-west-1", accessPointAlias: false))
        func failure(_ bucket: String) async -> AWSError? {
            do {
                _ = try await s3.headBucket(bucket)
                XCTFail("expected a failure for \(bucket)")
                return nil
            } catch {
                return error as? AWSError
            }
        }
        let missing = await failure("missing")
        XCTAssertEqual(missing?.description, "s3.HeadBucket NotFound: HTTP 404 with no error message (HTTP 404)")
        XCTAssertTrue(missing?.isNotFound ?? false)
        let forbidden = await failure("theirs")
        XCTAssertEqual(forbidden?.description, "s3.HeadBucket Forbidden: HTTP 403 with no error message (HTTP 403)")
        let moved = await failure("elsewhere")
        XCTAssertEqual(moved?.description, "s3.HeadBucket PermanentRedirect: redirected (HTTP 301), not followed. "
            + "The bucket is in region eu-central-1: set AWS_REGION=eu-central-1 (or AWS_ENDPOINT_URL_S3 to that region's endpoint) (HTTP 301)")
        XCTAssertEqual(server.requests.map { "\($0.method) \($0.target)" },
                       ["HEAD /there", "HEAD /missing", "HEAD /theirs", "HEAD /elsewhere"])
        XCTAssertEqual(server.requests.map { $0.header("x-amz-expected-bucket-owner") }, ["111122223333", nil, nil, nil])
    }

    func testListObjectsV2FollowsContinuationTokens() async throws {
        let server = try TestHTTPServer { r in
            if r.query.contains("continuation-token=t%2F2") {
                return ClientHarness.xml(200, """
                    <ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>dir/c</Key><Size>3</Size></Contents></ListBucketResult>
                    """)
            }
            return ClientHarness.xml(200, """
                <?xml version="1.0" encoding="UTF-8"?>
                <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>dir/</Prefix>\
                <IsTruncated>true</IsTruncated><NextContinuationToken>t/2</NextContinuationToken>\
                <Contents><Key>dir/a &amp; b</Key><LastModified>2025-03-04T05:41:17.000Z</LastModified><ETag>"x"</ETag><Size>10</Size></Contents>\
                <Contents><Key>dir/b</Key><Size>0</Size></Contents></ListBucketResult>
                """)
        }
        defer { server.stop() }
        let all = try await client(server).listAllObjects(bucket: "b", prefix: "dir/")
        XCTAssertEqual(all.map(\.key), ["dir/a & b", "dir/b", "dir/c"])
        XCTAssertEqual(all.map(\.size), [10, 0, 3])
        XCTAssertEqual(all[0].lastModified, Date(timeIntervalSince1970: 1_741_066_877))
        XCTAssertEqual(server.requests.map(\.target), ["/b?list-type=2&prefix=dir%2F", "/b?list-type=2&continuation-token=t%2F2&prefix=dir%2F"])
    }

    func testDeleteObject() async throws {
        let server = try TestHTTPServer { _ in .text(204, "") }
        defer { server.stop() }
        try await client(server).deleteObject(bucket: "b", key: "k/1")
        XCTAssertEqual(server.requests.map { "\($0.method) \($0.target)" }, ["DELETE /b/k/1"])
    }
}

final class S3StreamingTests: XCTestCase {
    private func read(_ stream: S3ObjectStream) async throws -> [UInt8] {
        var all: [UInt8] = []
        for try await chunk in stream.chunks { all += chunk }
        return all
    }

    func testGetObjectStreamsLargeBodyInBoundedChunks() async throws {
        let fake = RangeServer(size: 6 * 1024 * 1024 + 123)
        let server = try TestHTTPServer { fake.handle($0) }
        defer { server.stop() }
        let s3 = try S3Client(configuration: ClientHarness.configuration(server))
        let stream = try await s3.getObject(bucket: "b", key: "big.gz", chunkSize: 512 * 1024)
        XCTAssertEqual(stream.head.contentLength, UInt64(fake.object.count))
        var total = 0
        var digestInput: [UInt8] = []
        var index = 0
        while let chunk = try await stream.next() {
            XCTAssertLessThanOrEqual(chunk.count, 512 * 1024)
            let same = chunk.withUnsafeBytes { c in fake.object.withUnsafeBytes { o in memcmp(c.baseAddress!, o.baseAddress! + total, c.count) == 0 } }
            XCTAssertTrue(same, "chunk \(index) differs")
            total += chunk.count
            index += 1
            if index == 1 { digestInput = chunk }
        }
        XCTAssertEqual(total, fake.object.count)
        XCTAssertEqual(index, 13)
        XCTAssertEqual(fake.largestBody.current, 512 * 1024)
        XCTAssertEqual(digestInput.count, 512 * 1024)
        let requests = server.requests
        XCTAssertEqual(requests.count, 13)
        XCTAssertEqual(requests[0].header("Range"), "bytes=0-524287")
        XCTAssertNil(requests[0].header("If-Match"))
        XCTAssertEqual(requests[12].header("Range"), "bytes=6291456-6291578")
        XCTAssertEqual(requests[12].header("If-Match"), "\"v1\"")
    }

    func testRangeAndEmptyObject() async throws {
        let fake = RangeServer(size: 100)
        let server = try TestHTTPServer { fake.handle($0) }
        defer { server.stop() }
        let s3 = try S3Client(configuration: ClientHarness.configuration(server))
        let ranged = try await s3.getObject(bucket: "b", key: "k", range: S3ByteRange(start: 10, end: 44), chunkSize: 16)
        XCTAssertEqual(ranged.length, 35)
        let rangedBytes = try await read(ranged)
        XCTAssertEqual(rangedBytes, Array(fake.object[10...44]))
        XCTAssertEqual(server.requests.compactMap { $0.header("Range") }, ["bytes=10-25", "bytes=26-41", "bytes=42-44"])

        let empty = RangeServer(size: 0)
        let emptyServer = try TestHTTPServer { empty.handle($0) }
        defer { emptyServer.stop() }
        let s3e = try S3Client(configuration: ClientHarness.configuration(emptyServer))
        let stream = try await s3e.getObject(bucket: "b", key: "empty")
        let emptyBytes = try await read(stream)
        XCTAssertEqual(emptyBytes, [])
        XCTAssertEqual(emptyServer.requests.map { $0.header("Range") }, ["bytes=0-8388607", nil])
    }

    func testObjectReplacedMidReadFailsWithPreconditionFailed() async throws {
        let version = Locked("\"v1\"")
        let fake = RangeServer(size: 64)
        let server = try TestHTTPServer { r in
            if let m = r.header("If-Match"), m != version.current { return .text(412, "") }
            return fake.handle(r)
        }
        defer { server.stop() }
        let s3 = try S3Client(configuration: ClientHarness.configuration(server))
        let stream = try await s3.getObject(bucket: "b", key: "k", chunkSize: 32)
        _ = try await stream.next()
        version.withLock { $0 = "\"v2\"" }
        do {
            _ = try await stream.next()
            XCTFail("expected 412")
        } catch let error as AWSError {
            XCTAssertTrue(error.isPreconditionFailed)
        }
    }

    func testMissingObjectFailsOnOpen() async throws {
        let server = try TestHTTPServer { _ in ClientHarness.xml(404, "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>") }
        defer { server.stop() }
        let s3 = try S3Client(configuration: ClientHarness.configuration(server))
        do {
            _ = try await s3.getObject(bucket: "b", key: "nope")
            XCTFail("expected NoSuchKey")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "NoSuchKey")
            XCTAssertTrue(error.isNotFound)
        }
    }
}
