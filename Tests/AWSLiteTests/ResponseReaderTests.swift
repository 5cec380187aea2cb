import Foundation
import XCTest

@testable import AWSLite

/// A `ByteStream` that hands out fixed bytes a few at a time, then the end.
final class PiecewiseStream: ByteStream {
    private var bytes: [UInt8]
    private let piece: Int
    init(_ text: String, piece: Int = 3) {
        bytes = Array(text.utf8)
        self.piece = piece
    }
    init(bytes: [UInt8], piece: Int = 4096) {
        self.bytes = bytes
        self.piece = piece
    }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(piece, buffer.count, bytes.count)
        for index in 0..<count { buffer[index] = bytes[index] }
        bytes.removeFirst(count)
        return count
    }
    func write(_ bytes: UnsafeRawBufferPointer) throws -> Int { bytes.count }
}

final class ResponseReaderTests: XCTestCase {
    func read(_ text: String, method: String = "GET", limit: Int = 1000, truncate: Bool = false) throws -> (ResponseReader.Head, String) {
        var reader = ResponseReader(stream: PiecewiseStream(text))
        let head = try reader.readHead()
        guard ResponseReader.hasBody(method: method, status: head.status) else { return (head, "") }
        return (head, String(decoding: try reader.readBody(head, limit: limit, truncate: truncate), as: UTF8.self))
    }

    func failure(_ text: String, limit: Int = 1000) -> ResponseReader.Failure? {
        do {
            _ = try read(text, limit: limit)
            XCTFail("expected a failure for \(text.debugDescription)")
        } catch let failure as ResponseReader.Failure {
            return failure
        } catch {
            XCTFail("unexpected \(error)")
        }
        return nil
    }

    func testContentLengthChunkedAndUntilCloseBodies() throws {
        let (head, body) = try read("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\nx-a: 2\r\n\r\nhelloEXTRA")
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.headers["x-a"], "1, 2")
        XCTAssertEqual(body, "hello")
        let chunked = try read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nwiki\r\n5\r\npedia\r\n0\r\nTrailer: x\r\n\r\n")
        XCTAssertEqual(chunked.1, "wikipedia")
        XCTAssertEqual(try read("HTTP/1.0 200 OK\r\n\r\nto the end").1, "to the end")
    }

    func testInterimAnswersAreSkippedAndBodilessAnswersHaveNoBody() throws {
        let (head, body) = try read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n")
        XCTAssertEqual(head.status, 204)
        XCTAssertEqual(body, "")
        let headAnswer = try read("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", method: "HEAD")
        XCTAssertEqual(headAnswer.0.headers["content-length"], "99")
        XCTAssertEqual(headAnswer.1, "")
    }

    func testBodiesOverTheLimitAreRefusedOrCut() throws {
        XCTAssertEqual(failure("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n", limit: 10), .tooLarge(limit: 10))
        XCTAssertEqual(failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n", limit: 10), .tooLarge(limit: 10))
        XCTAssertEqual(failure("HTTP/1.1 200 OK\r\n\r\n12345678901", limit: 10), .tooLarge(limit: 10))
        let cut = try read("HTTP/1.1 500 Oops\r\nContent-Length: 20\r\n\r\n01234567890123456789", limit: 10, truncate: true)
        XCTAssertEqual(cut.1, "0123456789")
    }

    func testTruncatedAndMalformedAnswers() {
        XCTAssertEqual(failure(""), .truncated("before any response"))
        XCTAssertEqual(failure("HTTP/1.1 200 OK\r\nContent-"), .truncated("inside the response head"))
        XCTAssertEqual(failure("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345"), .truncated("the body ended 5 bytes early (expected 10)"))
        XCTAssertEqual(failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"), .truncated("the body ended 3 bytes early (expected 5)"))
        for length in ["-1", "1e3", "12 34", "", "99999999999999999999"] {
            XCTAssertEqual(failure("HTTP/1.1 200 OK\r\nContent-Length: \(length)\r\n\r\n"), .malformed("bad Content-Length \"\(length)\""))
        }
        XCTAssertEqual(failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), .malformed("bad chunk size \"zz\""))
        // Signs, which Int(_:radix:) accepts (the Runtime API reader once trapped on "-1": docs/fuzzing.md).
        for size in ["-1", "-0", "+5"] {
            XCTAssertEqual(failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\(size)\r\nabcde\r\n0\r\n\r\n"),
                           .malformed("bad chunk size \"\(size)\""))
        }
        XCTAssertEqual(failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n0\r\n\r\n"), .malformed("chunk end longer than 65536 bytes"))
        XCTAssertEqual(failure("SSH-2.0-OpenSSH\r\n\r\n"), .malformed("not an HTTP/1.1 status line: \"SSH-2.0-OpenSSH\""))
        XCTAssertEqual(failure("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n"), .malformed("not a header line: \"no colon here\""))
        let endless = "HTTP/1.1 200 OK\r\n" + String(repeating: "X-Pad: 0123456789012345678901234567890123456789\r\n", count: 2000)
        XCTAssertEqual(failure(endless), .malformed("response head longer than 65536 bytes"))
    }
}

final class WireFormatTests: XCTestCase {
    func testRequestHeadOwnsHostLengthAndConnection() throws {
        let request = HTTPRequest(
            method: "POST", url: URL(string: "https://s3.eu-west-1.amazonaws.com:443/b/a%20b?uploads")!,
            headers: [("Host", "evil"), ("Content-Length", "99"), ("X-Amz-Date", "20260101T000000Z"), ("Connection", "keep-alive")])
        XCTAssertEqual(
            String(decoding: try SocketHTTPTransport.requestBytes(request), as: UTF8.self),
            "POST /b/a%20b?uploads HTTP/1.1\r\nHost: s3.eu-west-1.amazonaws.com\r\nX-Amz-Date: 20260101T000000Z\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        let get = HTTPRequest(method: "GET", url: URL(string: "http://[::1]:4566")!, headers: [])
        XCTAssertEqual(
            String(decoding: try SocketHTTPTransport.requestBytes(get), as: UTF8.self), "GET / HTTP/1.1\r\nHost: [::1]:4566\r\nConnection: close\r\n\r\n")
        XCTAssertThrowsError(try SocketHTTPTransport.requestBytes(HTTPRequest(method: "GET", url: URL(string: "ftp://h/x")!, headers: [])))
    }

    func testTimeConversionsNeverTrap() {
        XCTAssertEqual(ExchangeTimer.nanoseconds(-1), 0)
        XCTAssertEqual(ExchangeTimer.nanoseconds(.nan), 0)
        XCTAssertEqual(ExchangeTimer.nanoseconds(1.5), 1_500_000_000)
        XCTAssertEqual(ExchangeTimer.nanoseconds(.infinity), 1_000_000_000_000_000_000)
        XCTAssertEqual(ExchangeTimer.nanoseconds(1e300), 1_000_000_000_000_000_000)
        XCTAssertEqual(SocketConnection.seconds(10), "10 s")
        XCTAssertEqual(SocketConnection.seconds(0.5), "0.5 s")
        XCTAssertEqual(SocketConnection.seconds(.infinity), "inf s")
    }
}

final class ResolverTests: XCTestCase {
    func testNumericAndNamedHostsAndFailures() throws {
        let cancel = try CancelSignal()
        let numeric = try Resolver.resolve(host: "127.0.0.1", port: 80, timeout: 5, cancel: cancel)
        XCTAssertEqual(numeric.map(\.family), [AF_INET])
        XCTAssertFalse(try Resolver.resolve(host: "localhost", port: 80, timeout: 5, cancel: cancel).isEmpty)
        XCTAssertThrowsError(try Resolver.resolve(host: "no-such-host.invalid", port: 80, timeout: 5, cancel: cancel)) { error in
            XCTAssertTrue((error as? HTTPTransportError)?.message.hasPrefix("cannot resolve no-such-host.invalid: ") == true, "\(error)")
        }
        cancel.cancel()
        XCTAssertThrowsError(try Resolver.resolve(host: "localhost", port: 80, timeout: 5, cancel: cancel)) { error in
            XCTAssertTrue(error is CancellationError, "\(error)")
        }
    }
}
