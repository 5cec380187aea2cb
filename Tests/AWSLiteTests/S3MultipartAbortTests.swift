import Foundation
import TestSupport
import XCTest

@testable import AWSLite

/// `abort()` from another task while a request of the writer is in flight (what
/// manifest-worker does on SIGTERM): the request lands first, then the upload is
/// aborted, and nothing is created after the abort.
final class S3MultipartAbortTests: XCTestCase {
    private let mib = 1024 * 1024

    /// Serves a multipart upload (`up-1`), holding requests whose "METHOD query-prefix" is
    /// `held`; `arrived` is fulfilled by each request as it reaches the server.
    private func server(holding held: String, gate: Gate, arrived: XCTestExpectation) throws -> TestHTTPServer {
        try TestHTTPServer { request in
            arrived.fulfill()
            if "\(request.method) \(request.query)".hasPrefix(held) { gate.wait() }
            switch (request.method, request.query) {
            case ("POST", "uploads"):
                return ClientHarness.xml(200, "<InitiateMultipartUploadResult><UploadId>up-1</UploadId></InitiateMultipartUploadResult>")
            case ("PUT", let query) where query.hasPrefix("partNumber="):
                return .text(200, "", headers: [("ETag", "\"p\"")])
            case ("DELETE", "uploadId=up-1"):
                return .text(204, "")
            default:
                return .text(400, "unexpected \(request.method) \(request.target)")
            }
        }
    }

    /// A gate fulfilled once `count` requests reached the server.
    private func arrivals(_ count: Int) -> XCTestExpectation {
        let arrived = expectation(description: "\(count) requests reached the server")
        arrived.expectedFulfillmentCount = count
        arrived.assertForOverFulfill = false
        return arrived
    }

    /// Returns once an `abort()` is waiting for the held request to land (the actor's own
    /// state, not a guess at how long that takes).
    private func waitUntilAbortWaits(_ writer: S3MultipartWriter) async {
        let deadline = Date().addingTimeInterval(10)
        while await writer.abortsWaitingForRequests == 0 {
            guard Date() < deadline else { return XCTFail("abort() never waited for the request in flight") }
            await Task.yield()
        }
    }

    private func lines(_ server: TestHTTPServer) -> [String] {
        server.requests.map { "\($0.method) \($0.target)" }
    }

    func testAbortDuringUploadPartWaitsForThePartThenDeletesTheUpload() async throws {
        let gate = Gate()
        let arrived = arrivals(2)
        let server = try server(holding: "PUT partNumber=1", gate: gate, arrived: arrived)
        defer { server.stop() }
        let writer = try S3Client(configuration: ClientHarness.configuration(server)).multipartWriter(bucket: "b", key: "k", partSize: 5 * mib)
        let part = [UInt8](repeating: 7, count: 5 * mib)
        let writing = Task { try await writer.write(part) }
        await fulfillment(of: [arrived], timeout: 10)  // create answered, part 1 held
        XCTAssertEqual(server.requests.count, 2)

        let aborting = Task { await writer.abort() }
        await waitUntilAbortWaits(writer)
        XCTAssertEqual(lines(server), ["POST /b/k?uploads", "PUT /b/k?partNumber=1&uploadId=up-1"], "no DELETE while the part is in flight")
        gate.open()
        await aborting.value
        XCTAssertEqual(lines(server), ["POST /b/k?uploads", "PUT /b/k?partNumber=1&uploadId=up-1", "DELETE /b/k?uploadId=up-1"])

        do {
            try await writing.value
            XCTFail("the interrupted write succeeded")
        } catch let error as AWSError {
            XCTAssertEqual(error.message, "s3://b/k: writer was aborted")
        }
        await writer.abort()  // again: nothing more is sent
        XCTAssertEqual(server.requests.count, 3)
    }

    func testAbortDuringCreateMultipartUploadDeletesTheUploadItCreated() async throws {
        let gate = Gate()
        let arrived = arrivals(1)
        let server = try server(holding: "POST uploads", gate: gate, arrived: arrived)
        defer { server.stop() }
        let writer = try S3Client(configuration: ClientHarness.configuration(server)).multipartWriter(bucket: "b", key: "k", partSize: 5 * mib)
        let part = [UInt8](repeating: 7, count: 5 * mib)
        let writing = Task { try await writer.write(part) }
        await fulfillment(of: [arrived], timeout: 10)  // create held
        XCTAssertEqual(server.requests.count, 1)

        let aborting = Task { await writer.abort() }
        await waitUntilAbortWaits(writer)
        XCTAssertEqual(lines(server), ["POST /b/k?uploads"], "no DELETE while the create is in flight")
        gate.open()
        await aborting.value
        XCTAssertEqual(lines(server), ["POST /b/k?uploads", "DELETE /b/k?uploadId=up-1"], "no part after the abort, and the new upload deleted")
        do {
            try await writing.value
            XCTFail("the interrupted write succeeded")
        } catch let error as AWSError {
            XCTAssertEqual(error.message, "s3://b/k: writer was aborted")
        }
        let parts = await writer.uploadedParts
        XCTAssertEqual(parts, [])
    }
}
