import AWSLite
import Foundation
import TestSupport
import XCTest

/// Every S3 operation AWSLite offers, against moto with signature checking on.
final class S3IntegrationTests: XCTestCase {
    private var aws: LocalAWS!
    private var s3: S3Client!
    private let bucket = "manifests"

    override func setUp() async throws {
        aws = try await Integration.freshHarness()
        try await aws.createBucket(bucket)
        s3 = try S3Client(configuration: Integration.configuration(aws))
    }

    func testPutObjectEchoesTheIndependentlyComputedChecksumAndHeadObjectDescribesIt() async throws {
        let body = Array("{\"path\":\"a b+c\"}\n".utf8) + Integration.bytes(count: 4096, seed: 7)
        let key = "runs/r 1/a+b=c/ünï.json"
        let put = try await s3.putObject(S3PutObjectRequest(
            bucket: bucket, key: key, body: body, contentType: "application/json", metadata: ["Run-Id": "r-1"]))
        XCTAssertEqual(put.checksumSHA256, Integration.sha256Base64(body))
        XCTAssertEqual(put.checksumSHA256?.count, 44)
        let eTag = try XCTUnwrap(put.eTag)

        let head = try await s3.headObject(bucket: bucket, key: key)
        XCTAssertEqual(head.contentLength, UInt64(body.count))
        XCTAssertEqual(head.eTag, eTag)
        XCTAssertEqual(head.contentType, "application/json")
        XCTAssertEqual(head.metadata, ["run-id": "r-1"])
        XCTAssertNotNil(head.lastModified)

        let missing = await assertAWSError { _ = try await self.s3.headObject(bucket: self.bucket, key: "runs/none") }
        XCTAssertEqual(missing?.httpStatus, 404)
        XCTAssertEqual(missing?.isNotFound, true)
    }

    func testGetObjectStreamsInChunksAndReadsRanges() async throws {
        let body = Integration.bytes(count: 10_000, seed: 11)
        let key = "objects/stream.bin"
        _ = try await s3.putObject(S3PutObjectRequest(bucket: bucket, key: key, body: body))

        let stream = try await s3.getObject(bucket: bucket, key: key, chunkSize: 3000)
        XCTAssertEqual(stream.length, 10_000)
        XCTAssertEqual(stream.head.contentLength, 10_000)
        var chunks: [[UInt8]] = []
        for try await chunk in stream.chunks { chunks.append(chunk) }
        XCTAssertEqual(chunks.map(\.count), [3000, 3000, 3000, 1000])
        XCTAssertEqual(Array(chunks.joined()), body)

        let middle = try await s3.getObject(bucket: bucket, key: key, range: S3ByteRange(start: 100, end: 4099), chunkSize: 1500)
        XCTAssertEqual(middle.length, 4000)
        var got: [UInt8] = []
        var count = 0
        while let chunk = try await middle.next() {
            got += chunk
            count += 1
        }
        XCTAssertEqual(count, 3)
        XCTAssertEqual(got, Array(body[100...4099]))

        let tail = try await s3.getObject(bucket: bucket, key: key, range: S3ByteRange(start: 9_990))
        let tailBytes = try await tail.next()
        XCTAssertEqual(tailBytes, Array(body[9_990...]))
        let afterTail = try await tail.next()
        XCTAssertNil(afterTail)

        _ = try await s3.putObject(S3PutObjectRequest(bucket: bucket, key: "objects/empty", body: []))
        let empty = try await s3.getObject(bucket: bucket, key: "objects/empty")
        XCTAssertEqual(empty.length, 0)
        let none = try await empty.next()
        XCTAssertNil(none)

        let missing = await assertAWSError { _ = try await self.s3.getObject(bucket: self.bucket, key: "objects/nope") }
        XCTAssertEqual(missing?.code, "NoSuchKey")
        XCTAssertEqual(missing?.httpStatus, 404)
    }

    func testListObjectsV2WithPrefixPagesAndDeleteObject() async throws {
        let keys = ["dir/a", "dir/b c", "dir/b+c", "dir/sub/d", "dir/é", "other/x", "dirt"]
        for key in keys {
            _ = try await s3.putObject(S3PutObjectRequest(bucket: bucket, key: key, body: Array(key.utf8)))
        }
        var pages: [[String]] = []
        var token: String?
        repeat {
            let page = try await s3.listObjectsV2(bucket: bucket, prefix: "dir/", continuationToken: token, maxKeys: 2)
            pages.append(page.objects.map(\.key))
            token = page.nextContinuationToken
        } while token != nil
        XCTAssertEqual(pages, [["dir/a", "dir/b c"], ["dir/b+c", "dir/sub/d"], ["dir/é"]])

        let all = try await s3.listAllObjects(bucket: bucket, prefix: "dir/")
        XCTAssertEqual(all.map(\.key), ["dir/a", "dir/b c", "dir/b+c", "dir/sub/d", "dir/é"])
        XCTAssertEqual(all.map(\.size), [5, 7, 7, 9, 6])
        let everything = try await s3.listAllObjects(bucket: bucket)
        XCTAssertEqual(everything.map(\.key), keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })

        try await s3.deleteObject(bucket: bucket, key: "dir/b+c")
        try await s3.deleteObject(bucket: bucket, key: "dir/never-existed")
        let left = try await s3.listAllObjects(bucket: bucket, prefix: "dir/b")
        XCTAssertEqual(left.map(\.key), ["dir/b c"])
        let gone = await assertAWSError { _ = try await self.s3.headObject(bucket: self.bucket, key: "dir/b+c") }
        XCTAssertEqual(gone?.isNotFound, true)
    }

    func testMultipartUploadThroughTheStreamingWriterChecksumsEveryPart() async throws {
        let partSize = S3MultipartWriter.minimumPartSize
        let body = Integration.bytes(count: 2 * partSize + 123_457, seed: 3)
        let key = "manifests/big.ndjson.gz"
        let writer = s3.multipartWriter(bucket: bucket, key: key, contentType: "application/gzip", partSize: partSize)
        var offset = 0
        while offset < body.count {  // uneven 1 MB writes: parts are cut by the writer
            let end = min(body.count, offset + 1_000_000)
            try await writer.write(Array(body[offset..<end]))
            offset = end
        }
        let result = try await writer.finish()

        let parts = await writer.uploadedParts
        let slices = [body[0..<partSize], body[partSize..<2 * partSize], body[(2 * partSize)...]]
        XCTAssertEqual(parts.map(\.partNumber), [1, 2, 3])
        XCTAssertEqual(parts.map(\.checksumSHA256), slices.map { Integration.sha256Base64(Array($0)) })
        XCTAssertTrue(result.eTag?.hasSuffix("-3\"") ?? false, "\(String(describing: result.eTag))")

        let head = try await s3.headObject(bucket: bucket, key: key)
        XCTAssertEqual(head.contentLength, UInt64(body.count))
        XCTAssertEqual(head.contentType, "application/gzip")
        var read: [UInt8] = []
        for try await chunk in try await s3.getObject(bucket: bucket, key: key).chunks { read += chunk }
        XCTAssertEqual(read.count, body.count)
        XCTAssertTrue(read == body)
        let open = try await openMultipartUploadKeys(aws, bucket: bucket)
        XCTAssertEqual(open, [])
    }

    func testAbortedMultipartUploadLeavesNoObjectAndNoOpenUpload() async throws {
        let key = "manifests/interrupted.ndjson.gz"
        let writer = s3.multipartWriter(bucket: bucket, key: key, partSize: S3MultipartWriter.minimumPartSize)
        try await writer.write(Integration.bytes(count: S3MultipartWriter.minimumPartSize + 10, seed: 5))
        let uploaded = await writer.uploadedParts
        XCTAssertEqual(uploaded.count, 1)
        let openBefore = try await openMultipartUploadKeys(aws, bucket: bucket)
        XCTAssertEqual(openBefore, [key])

        await writer.abort()
        let openAfter = try await openMultipartUploadKeys(aws, bucket: bucket)
        XCTAssertEqual(openAfter, [])
        let head = await assertAWSError { _ = try await self.s3.headObject(bucket: self.bucket, key: key) }
        XCTAssertEqual(head?.httpStatus, 404)
        let listed = try await s3.listAllObjects(bucket: bucket)
        XCTAssertEqual(listed, [])
        let reuse = await assertAWSError { _ = try await writer.finish() }
        XCTAssertEqual(reuse?.kind, .invalidRequest)
        XCTAssertEqual(reuse?.message, "s3://manifests/manifests/interrupted.ndjson.gz: writer was aborted")
    }

    func testConditionalWritesLoseWithPreconditionFailed() async throws {
        let key = "state/run.json"
        let first = try await s3.putObject(S3PutObjectRequest(bucket: bucket, key: key, body: Array("v1".utf8), condition: .ifNoneExists))
        let second = await assertAWSError {
            _ = try await self.s3.putObject(S3PutObjectRequest(bucket: self.bucket, key: key, body: Array("v2".utf8), condition: .ifNoneExists))
        }
        XCTAssertEqual(second?.httpStatus, 412)
        XCTAssertEqual(second?.code, "PreconditionFailed")
        XCTAssertEqual(second?.isPreconditionFailed, true)

        let staleETag = try XCTUnwrap(first.eTag)
        let replaced = try await s3.putObject(S3PutObjectRequest(bucket: bucket, key: key, body: Array("v2".utf8), condition: .ifMatch(eTag: staleETag)))
        let currentETag = try XCTUnwrap(replaced.eTag)
        XCTAssertNotEqual(currentETag, staleETag)
        let stale = await assertAWSError {
            _ = try await self.s3.putObject(S3PutObjectRequest(bucket: self.bucket, key: key, body: Array("v3".utf8), condition: .ifMatch(eTag: staleETag)))
        }
        XCTAssertEqual(stale?.httpStatus, 412)
        XCTAssertEqual(stale?.code, "PreconditionFailed")

        var body: [UInt8] = []
        for try await chunk in try await s3.getObject(bucket: bucket, key: key).chunks { body += chunk }
        XCTAssertEqual(String(decoding: body, as: UTF8.self), "v2")
    }

    func testWrongSecretIsRefusedWith403() async throws {
        let bad = try S3Client(configuration: Integration.wrongSecretConfiguration(aws))
        let error = await assertAWSError {
            _ = try await bad.putObject(S3PutObjectRequest(bucket: self.bucket, key: "k", body: [1, 2, 3]))
        }
        XCTAssertEqual(error?.kind, .service)
        XCTAssertEqual(error?.httpStatus, 403)
        XCTAssertEqual(error?.code, "SignatureDoesNotMatch")
        XCTAssertEqual(error?.service, "s3")
        XCTAssertEqual(error?.operation, "PutObject")
        let listed = try await s3.listAllObjects(bucket: bucket)
        XCTAssertEqual(listed, [])
    }
}
