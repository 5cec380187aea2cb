import Foundation
import TestSupport
import XCTest

@testable import AWSLite

final class ErrorDecodingTests: XCTestCase {
    private func decode(_ service: AWSService, status: Int, headers: [String: String] = [:], body: String) -> AWSError {
        ErrorDecoder.decode(HTTPResponse(status: status, headers: headers, body: Array(body.utf8)), service: service, operation: "Op")
    }

    func testRestXML() {
        let e = decode(
            .s3, status: 404, headers: ["x-amz-request-id": "REQ1"],
            body: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>k</Key><RequestId>BODYREQ</RequestId></Error>")
        XCTAssertEqual(e, AWSError(kind: .service, service: "s3", operation: "Op", code: "NoSuchKey", message: "The specified key does not exist.", httpStatus: 404, requestId: "REQ1"))
        XCTAssertTrue(e.isNotFound)
        XCTAssertEqual(e.description, "s3.Op NoSuchKey: The specified key does not exist. (HTTP 404, request id REQ1)")
    }

    func testRestXMLWithoutBody() {
        let e = decode(.s3, status: 412, body: "")
        XCTAssertEqual(e.code, "PreconditionFailed")
        XCTAssertTrue(e.isPreconditionFailed)
        XCTAssertEqual(e.message, "HTTP 412 with no error message")
        XCTAssertEqual(decode(.s3, status: 404, body: "").code, "NotFound")
    }

    /// Found by fuzzing (aws-error-xml): FoundationXML trapped on an element name
    /// that is not UTF-8. Such a body is not XML to us: the code comes from the status.
    func testXMLBodyThatIsNotUTF8() {
        let body: [UInt8] = Array("<Error><Code>NoSuchKey</Code><Re".utf8) + [0xFF, 0xFF] + Array("estId>1</Re".utf8) + [0xFF, 0xFF] + Array("estId></Error>".utf8)
        let e = ErrorDecoder.decode(HTTPResponse(status: 404, headers: [:], body: body), service: .s3, operation: "Op")
        XCTAssertEqual(e, AWSError(kind: .service, service: "s3", operation: "Op", code: "NotFound", message: "HTTP 404 with no error message", httpStatus: 404, requestId: nil))
        XCTAssertNil(XMLTree.parse(Array("<a".utf8) + [0xFF] + Array(">x</a".utf8) + [0xFF] + Array(">".utf8)))
        XCTAssertNil(XMLTree.parse(Array("<a>".utf8) + [0xC3] + Array("</a>".utf8)))
        XCTAssertEqual(XMLTree.parse(Array("<a>\u{e9}\u{1F600}</a>".utf8)), XMLTree(name: "a", text: "\u{e9}\u{1F600}", children: []))
    }

    /// Found by fuzzing (aws-error-xml): FoundationXML read a null pointer for a
    /// processing instruction without data. Processing instructions (other than the
    /// leading declaration) and DTDs are not XML to us; comments and CDATA are.
    func testXMLBodyWithProcessingInstructionOrDTD() {
        XCTAssertNil(XMLTree.parse(Array("<?xmeutf1n?>N<!D\0\0\0\0".utf8)))
        XCTAssertNil(XMLTree.parse(Array("<Error><?pi?><Code>X</Code></Error>".utf8)))
        XCTAssertNil(XMLTree.parse(Array("<?xml version=\"1.0\"?><!DOCTYPE Error [<!ENTITY e \"x\">]><Error>&e;</Error>".utf8)))
        let e = decode(.s3, status: 403, body: "<?xml version=\"1.0\"?>\n<Error><?x?><Code>AccessDenied</Code></Error>")
        XCTAssertEqual(e.code, "Forbidden")
        XCTAssertEqual(XMLTree.parse(Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><!-- c --><Code>X</Code></Error>".utf8))?.value("Code"), "X")
        XCTAssertEqual(XMLTree.parse(Array("<Error><Code><![CDATA[x]]></Code></Error>".utf8))?.name, "Error")
    }

    func testQuery() {
        let body = """
            <ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>InvalidParameter</Code>\
            <Message>Invalid parameter: Subject</Message></Error><RequestId>9d3f-q</RequestId></ErrorResponse>
            """
        let e = decode(.sns, status: 400, body: body)
        XCTAssertEqual(e, AWSError(kind: .service, service: "sns", operation: "Op", code: "InvalidParameter", message: "Invalid parameter: Subject", httpStatus: 400, requestId: "9d3f-q"))
    }

    func testJSON11StripsNamespaceAndSuffix() {
        let e = decode(
            .ecs, status: 400, headers: ["x-amzn-RequestId": "ecs-req"],
            body: #"{"__type":"com.amazonaws.ecs.v20141113#ClientException:http://internal.amazon.com/coral/","message":"Task definition does not exist."}"#)
        XCTAssertEqual(e, AWSError(kind: .service, service: "ecs", operation: "Op", code: "ClientException", message: "Task definition does not exist.", httpStatus: 400, requestId: "ecs-req"))
        XCTAssertEqual(decode(.ecs, status: 400, body: #"{"__type":"ThrottlingException","Message":"Rate exceeded"}"#).message, "Rate exceeded")
    }

    func testRestJSONHeaderFirstThenBody() {
        let viaHeader = decode(
            .efs, status: 409, headers: ["x-amzn-ErrorType": "FileSystemInUse:http://internal.amazon.com/", "x-amzn-RequestId": "efs-req"],
            body: #"{"ErrorCode":"Other","Message":"File system 'fs-1' has mount targets."}"#)
        XCTAssertEqual(viaHeader, AWSError(kind: .service, service: "efs", operation: "Op", code: "FileSystemInUse", message: "File system 'fs-1' has mount targets.", httpStatus: 409, requestId: "efs-req"))
        XCTAssertEqual(decode(.backup, status: 400, body: #"{"code":"InvalidParameterValueException","message":"m"}"#).code, "InvalidParameterValueException")
        XCTAssertEqual(decode(.backup, status: 400, body: #"{"Code":"ResourceNotFoundException","Message":"m"}"#).code, "ResourceNotFoundException")
        XCTAssertEqual(decode(.backup, status: 400, body: #"{"__type":"a.b#MissingParameterValueException"}"#).code, "MissingParameterValueException")
        XCTAssertEqual(decode(.efs, status: 404, body: #"{"ErrorCode":"FileSystemNotFound","Message":"nope"}"#).code, "FileSystemNotFound")
    }

    func testUndecodableBodyKeepsStatus() {
        let e = decode(.backup, status: 502, body: "<html>Bad Gateway</html>")
        XCTAssertEqual(e.code, nil)
        XCTAssertEqual(e.httpStatus, 502)
        XCTAssertEqual(e.description, "backup.Op: HTTP 502 with no error message (HTTP 502)")
    }

    func testDecodedThroughClientWithRequestId() async throws {
        let server = try TestHTTPServer { _ in
            ClientHarness.json(400, #"{"message":"Invalid restore job id"}"#, headers: [("x-amzn-ErrorType", "InvalidParameterValueException"), ("x-amzn-RequestId", "rid-7")])
        }
        defer { server.stop() }
        let backup = try BackupClient(configuration: ClientHarness.configuration(server))
        do {
            _ = try await backup.describeRestoreJob("bad")
            XCTFail("expected an error")
        } catch let error as AWSError {
            XCTAssertEqual(error.description, "backup.DescribeRestoreJob InvalidParameterValueException: Invalid restore job id (HTTP 400, request id rid-7)")
        }
    }
}
