import AWSLite
import Foundation
import Primitives
import XCTest

/// Canonicalisation edge cases beyond the published suite.
final class SigV4CanonicalTests: XCTestCase {
    func testRemoveDotSegments() {
        XCTAssertEqual(SigV4.removeDotSegments("/a/./b/../c"), "/a/c")
        XCTAssertEqual(SigV4.removeDotSegments("//example//"), "/example/")
        XCTAssertEqual(SigV4.removeDotSegments("/example/.."), "/")
        XCTAssertEqual(SigV4.removeDotSegments("/../../a"), "/a")
        XCTAssertEqual(SigV4.removeDotSegments("/a/b/"), "/a/b/")
        XCTAssertEqual(SigV4.removeDotSegments("/"), "/")
        XCTAssertEqual(SigV4.removeDotSegments("/a/..%2F"), "/a/..%2F")
    }

    func testCanonicalURIStandardEncodesTheWirePathAgain() {
        XCTAssertEqual(SigV4.canonicalURI(path: "/a%3Ab%20c/./d", options: .standard), "/a%253Ab%2520c/d")
        XCTAssertEqual(SigV4.canonicalURI(path: "", options: .standard), "/")
        XCTAssertEqual(SigV4.canonicalURI(path: "", options: .s3), "/")
        XCTAssertEqual(SigV4.canonicalURI(path: "/b/a%3Ab%20c/./d", options: .s3), "/b/a%3Ab%20c/./d")
    }

    func testCanonicalQueryDecodesThenEncodes() {
        XCTAssertEqual(SigV4.canonicalQueryString("prefix=dir/"), "prefix=dir%2F")
        XCTAssertEqual(SigV4.canonicalQueryString("prefix=dir%2f"), "prefix=dir%2F")
        XCTAssertEqual(SigV4.canonicalQueryString("a=b+c"), "a=b%2Bc")
        XCTAssertEqual(SigV4.canonicalQueryString("a=50%"), "a=50%25")
        XCTAssertEqual(SigV4.canonicalQueryString("uploads"), "uploads=")
        XCTAssertEqual(SigV4.canonicalQueryString("b=1&a=2&a=1&A=3"), "A=3&a=1&a=2&b=1")
        XCTAssertEqual(SigV4.canonicalQueryString("x=1&&y=2"), "x=1&y=2")
        XCTAssertEqual(SigV4.canonicalQueryString(""), "")
        XCTAssertEqual(SigV4.canonicalQueryString("k=a=b"), "k=a%3Db")
    }

    func testCanonicalHeaders() {
        let result = SigV4.canonicalHeaders([
            (name: "X-B", value: "  one\n   two\tthree  "), (name: "host", value: "h"), (name: "x-b", value: "four"),
            (name: "X-Empty", value: "   "),
        ])
        XCTAssertEqual(result.canonical, "host:h\nx-b:one two three,four\nx-empty:\n")
        XCTAssertEqual(result.signedHeaders, "host;x-b;x-empty")
    }

    func testHeadersToSignSkipsUnsignedAndUsesHostField() {
        let request = SignableRequest(
            method: "GET", host: "example.com:8443", path: "/",
            headers: [(name: "User-Agent", value: "ebv"), (name: "Authorization", value: "old"), (name: "X-A", value: "1")])
        XCTAssertEqual(SigV4.headersToSign(request).map { "\($0.name)=\($0.value)" }, ["host=example.com:8443", "X-A=1"])
        let withHost = SignableRequest(method: "GET", host: "ignored", path: "/", headers: [(name: "Host", value: "real")])
        XCTAssertEqual(SigV4.headersToSign(withHost).map { "\($0.name)=\($0.value)" }, ["Host=real"])
    }

    func testResigningReplacesThePreviousSignatureHeaders() {
        let creds = Credentials(accessKeyId: "AKID", secretAccessKey: "secret", sessionToken: "tok")
        var request = SignableRequest(method: "PUT", host: "b.s3.us-east-1.amazonaws.com", path: "/k", headers: [(name: "Content-Length", value: "0")])
        let first = SigV4.sign(&request, credentials: creds, region: "us-east-1", service: "s3",
                               date: Date(timeIntervalSince1970: 1_700_000_000), payloadHash: SigV4.emptyPayloadHash, options: .s3)
        let second = SigV4.sign(&request, credentials: creds, region: "us-east-1", service: "s3",
                                date: Date(timeIntervalSince1970: 1_700_000_060), payloadHash: SigV4.emptyPayloadHash, options: .s3)
        XCTAssertNotEqual(first.signature, second.signature)
        XCTAssertEqual(request.headers.map(\.name), ["Content-Length", "X-Amz-Date", "X-Amz-Security-Token", "x-amz-content-sha256", "Authorization"])
        XCTAssertEqual(request.headers[1].value, "20231114T221420Z")
        XCTAssertEqual(second.signedHeaders, "content-length;host;x-amz-content-sha256;x-amz-date;x-amz-security-token")
    }

    func testAmzDate() {
        XCTAssertEqual(SigV4.amzDate(Date(timeIntervalSince1970: 0)), "19700101T000000Z")
        XCTAssertEqual(SigV4.amzDate(Date(timeIntervalSince1970: 1_440_938_160.9)), "20150830T123600Z")
        XCTAssertEqual(SigV4.amzDate(Date(timeIntervalSince1970: 951_825_599)), "20000229T115959Z")
        XCTAssertEqual(SigV4.amzDate(Date(timeIntervalSince1970: 4_107_542_399)), "21000228T235959Z")
        XCTAssertEqual(SigV4.dateStamp(Date(timeIntervalSince1970: 1_440_938_160)), "20150830")
    }

    func testSigningKey() {
        // (HMAC-SHA256 itself: RFC 4231 in PrimitivesTests.) The AWS documentation's derived key example (secret wJalr…, 20120215, us-east-1, iam).
        XCTAssertEqual(
            Hex.encode(SigV4.signingKey(secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", dateStamp: "20120215", region: "us-east-1", service: "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
        XCTAssertEqual(SHA256.hex(""), SigV4.emptyPayloadHash)
    }

    func testURIEncoding() {
        XCTAssertEqual(URIEncoding.encode("a b/c:d~é", keepSlash: true), "a%20b/c%3Ad~%C3%A9")
        XCTAssertEqual(URIEncoding.encode("a/b"), "a%2Fb")
        XCTAssertEqual(URIEncoding.decode("%41%zz%4"), Array("A%zz%4".utf8))
        XCTAssertEqual(URIEncoding.decode("a+b%2b"), Array("a+b+".utf8))
    }
}
