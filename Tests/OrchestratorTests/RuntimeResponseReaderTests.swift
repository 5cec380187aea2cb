import Foundation
import XCTest

@testable import OrchestratorKit

/// The runtime client's HTTP response reader over a socket pair holding exactly
/// the given bytes (cases found by fuzzing: docs/fuzzing.md, target runtime-response).
final class RuntimeResponseReaderTests: XCTestCase {
    private func read(_ text: String) throws -> OrchestratorKit.HTTPResponse {
        var fds: [Int32] = [-1, -1]
        #if canImport(Glibc)
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds), 0)
        #else
        XCTAssertEqual(socketpair(AF_UNIX, SOCK_STREAM, 0, &fds), 0)
        #endif
        defer { close(fds[0]) }
        try BlockingHTTP.writeAll(fds[1], Data(text.utf8))
        close(fds[1])
        var reader = BlockingHTTP.Reader(fd: fds[0])
        return try reader.readResponse()
    }

    private func assertRuntimeError(_ text: String, _ message: String, line: UInt = #line) {
        XCTAssertThrowsError(try read(text), line: line) { error in
            XCTAssertEqual(error as? OrchestratorError, OrchestratorError(.runtime, message), line: line)
        }
    }

    func testChunkedBody() throws {
        let response = try read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.body, Data("abcde".utf8))
    }

    /// Found by fuzzing: `Int("-1", radix: 16)` is -1, and reading -1 bytes trapped.
    func testNegativeChunkSizeIsAnError() {
        assertRuntimeError("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\nabc\r\n0\r\n\r\n", "bad chunk size \"-1\"")
        assertRuntimeError("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-0\r\n\r\n", "bad chunk size \"-0\"")
    }

    func testBadContentLengthIsAnError() {
        assertRuntimeError("HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\nabc", "bad Content-Length \"-5\"")
        assertRuntimeError("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "connection closed inside the response body")
    }
}
