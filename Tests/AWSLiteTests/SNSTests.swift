import Foundation
import TestSupport
import XCTest

@testable import AWSLite

final class SNSTests: XCTestCase {
    private let ok = ClientHarness.xml(200, """
        <PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>567910cd-659e-55d4-8ccb-5aaf14679dc0</MessageId></PublishResult>\
        <ResponseMetadata><RequestId>d74b8436</RequestId></ResponseMetadata></PublishResponse>
        """)

    func testPublishWireRequest() async throws {
        let ok = self.ok
        let server = try TestHTTPServer { _ in ok }
        defer { server.stop() }
        let sns = try SNSClient(configuration: ClientHarness.configuration(server))
        let id = try await sns.publish(
            SNSPublishRequest(
                topicArn: "arn:aws:sns:eu-west-1:123456789012:verify", message: "3 files differ & 1 missing\nsee s3://b/r", subject: "EFS verify: FAILED",
                messageAttributes: ["verdict": SNSMessageAttribute(stringValue: "FAILED"), "differences": SNSMessageAttribute(dataType: "Number", stringValue: "4")]))
        XCTAssertEqual(id, "567910cd-659e-55d4-8ccb-5aaf14679dc0")
        let r = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(r.method, "POST")
        XCTAssertEqual(r.target, "/")
        XCTAssertEqual(r.header("Content-Type"), "application/x-www-form-urlencoded; charset=utf-8")
        XCTAssertEqual(r.bodyText, "Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aeu-west-1%3A123456789012%3Averify"
            + "&Message=3%20files%20differ%20%26%201%20missing%0Asee%20s3%3A%2F%2Fb%2Fr&Subject=EFS%20verify%3A%20FAILED"
            + "&MessageAttributes.entry.1.Name=differences&MessageAttributes.entry.1.Value.DataType=Number&MessageAttributes.entry.1.Value.StringValue=4"
            + "&MessageAttributes.entry.2.Name=verdict&MessageAttributes.entry.2.Value.DataType=String&MessageAttributes.entry.2.Value.StringValue=FAILED")
        XCTAssertEqual(r.header("Authorization"), "TEST sns eu-west-1 \(PayloadDigest(of: r.body).hex) standard")
    }

    private func refused(_ request: SNSPublishRequest) async throws -> String? {
        let ok = self.ok
        let server = try TestHTTPServer { _ in ok }
        defer { server.stop() }
        let sns = try SNSClient(configuration: ClientHarness.configuration(server))
        do {
            _ = try await sns.publish(request)
            return nil
        } catch let error as AWSError {
            XCTAssertEqual(error.kind, .invalidRequest)
            XCTAssertEqual(server.requests.count, 0, "nothing may be sent")
            return error.message
        }
    }

    func testMessageSizeLimitInUTF8Bytes() async throws {
        let topic = "arn:aws:sns:eu-west-1:1:t"
        let atLimit = String(repeating: "é", count: 131_072)  // 262,144 bytes
        let ok = self.ok
        let server = try TestHTTPServer { _ in ok }
        defer { server.stop() }
        _ = try await SNSClient(configuration: ClientHarness.configuration(server)).publish(SNSPublishRequest(topicArn: topic, message: atLimit))
        let over = try await refused(SNSPublishRequest(topicArn: topic, message: atLimit + "x"))
        XCTAssertEqual(over, "message is 262145 bytes with attributes; SNS accepts at most 262144")
        let withAttribute = try await refused(SNSPublishRequest(topicArn: topic, message: atLimit, messageAttributes: ["a": SNSMessageAttribute(stringValue: "b")]))
        XCTAssertEqual(withAttribute, "message is 262152 bytes with attributes; SNS accepts at most 262144")
        let empty = try await refused(SNSPublishRequest(topicArn: topic, message: ""))
        XCTAssertEqual(empty, "message is empty")
    }

    func testSubjectRules() async throws {
        let topic = "arn:aws:sns:eu-west-1:1:t"
        let long = try await refused(SNSPublishRequest(topicArn: topic, message: "m", subject: String(repeating: "s", count: 100)))
        XCTAssertEqual(long, "subject is 100 characters; SNS requires fewer than 100")
        let newline = try await refused(SNSPublishRequest(topicArn: topic, message: "m", subject: "a\nb"))
        XCTAssertEqual(newline, "subject contains a line break or control character")
        let fine = try await refused(SNSPublishRequest(topicArn: topic, message: "m", subject: String(repeating: "s", count: 99)))
        XCTAssertNil(fine)
    }
}
