import Foundation
import TestSupport
import XCTest

@testable import AWSLite

/// A request the fake server holds until the test opens the gate.
private final class Gate: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    func wait() { semaphore.wait() }
    func open() { semaphore.signal() }
}

/// `abort()` from another task while a request of the writer is in flight (what
/// manifest-worker does on SIGTERM): the request lands first, then the upload is
/// aborted, and nothing is created after the abort.
final class S3MultipartAbortTests: XCTestCase {
    private let mib = 1024 * 1024

    /// Serves a multipart upload (`up-1`), holding requests whose "METHOD query-prefix" is `held`.
    private func server(holding held: String, gate: Gate) throws -> TestHTTPServer {
        try TestHTTPServer { request in
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

    private func waitForRequests(_ server: TestHTTPServer, count: Int) async throws {
        let deadline = Date().addingTimeInterval(10)
        while server.requests.count < count && Date() < deadline { try await Task.sleep(nanoseconds: 5_000_000) }
        XCTAssertEqual(server.requests.count, count)
    }

    private func lines(_ server: TestHTTPServer) -> [String] {
        server.requests.map { "\($0.method) \($0.target)" }
    }

    func testAbortDuringUploadPartWaitsForThePartThenDeletesTheUpload() async throws {
        let gate = Gate()
        let server = try server(holding: "PUT partNumber=1", gate: gate)
        defer { server.stop() }
        let writer = try S3Client(configuration: ClientHarness.configuration(server)).multipartWriter(bucket: "b", key: "k", partSize: 5 * mib)
        let part = [UInt8](repeating: 7, count: 5 * mib)
        let writing = Task { try await writer.write(part) }
        try await waitForRequests(server, count: 2)  // create answered, part 1 held

        let aborting = Task { await writer.abort() }
        try await Task.sleep(nanoseconds: 200_000_000)
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
        let server = try server(holding: "POST uploads", gate: gate)
        defer { server.stop() }
        let writer = try S3Client(configuration: ClientHarness.configuration(server)).multipartWriter(bucket: "b", key: "k", partSize: 5 * mib)
        let part = [UInt8](repeating: 7, count: 5 * mib)
        let writing = Task { try await writer.write(part) }
        try await waitForRequests(server, count: 1)  // create held

        let aborting = Task { await writer.abort() }
        try await Task.sleep(nanoseconds: 200_000_000)
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
