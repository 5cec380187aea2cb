import XCTest
import TestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

final class TestHTTPServerTests: XCTestCase {
    func testServesAndRecordsRequests() async throws {
        let server = try TestHTTPServer { req in
            .text(201, "got \(req.method) \(req.path) q=\(req.query) body=\(req.bodyText)", headers: [("X-Test", "1")])
        }
        defer { server.stop() }
        var request = URLRequest(url: URL(string: server.baseURL + "/a%20b?x=1")!)
        request.httpMethod = "PUT"
        request.httpBody = Data("hello".utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try XCTUnwrap(response as? HTTPURLResponse)
        XCTAssertEqual(http.statusCode, 201)
        XCTAssertEqual(http.value(forHTTPHeaderField: "X-Test"), "1")
        XCTAssertEqual(String(decoding: data, as: UTF8.self), "got PUT /a%20b q=x=1 body=hello")
        XCTAssertEqual(server.requests.count, 1)
        XCTAssertEqual(server.requests[0].header("content-length"), "5")
    }

    func testDroppedConnectionSurfacesAsError() async throws {
        let server = try TestHTTPServer { _ in .dropConnection }
        defer { server.stop() }
        do {
            _ = try await URLSession.shared.data(from: URL(string: server.baseURL + "/")!)
            XCTFail("expected an error")
        } catch {
            XCTAssertTrue(error is URLError, "\(error)")
        }
    }
}
