import AWSLite
import Foundation
import TestSupport
import XCTest

/// SNS Publish through AWSLite against moto with signature checking on; messages read
/// back through the harness.
final class SNSIntegrationTests: XCTestCase {
    private var aws: LocalAWS!
    private var sns: SNSClient!
    private var topicArn = ""

    override func setUp() async throws {
        aws = try await Integration.freshHarness()
        topicArn = try await aws.createTopic("verification-results")
        sns = try SNSClient(configuration: Integration.configuration(aws))
    }

    func testPublishWithSubjectAndMessageAttributesArrivesAsSent() async throws {
        let message = #"{"verdict":"PASS","run":"r-1","note":"a b+c & d=é"}"#
        let messageId = try await sns.publish(SNSPublishRequest(
            topicArn: topicArn, message: message, subject: "EFS restore verification: PASS",
            messageAttributes: [
                "verdict": SNSMessageAttribute(stringValue: "PASS"),
                "findings": SNSMessageAttribute(dataType: "Number", stringValue: "0"),
                "file-system": SNSMessageAttribute(stringValue: "fs-0123 + 4"),
            ]))
        XCTAssertFalse(messageId.isEmpty)

        let published = try await aws.publishedMessages()
        XCTAssertEqual(published.count, 1)
        let sent = try XCTUnwrap(published.first)
        XCTAssertEqual(sent["topicArn"], .string(topicArn))
        XCTAssertEqual(sent["messageId"], .string(messageId))
        XCTAssertEqual(sent["message"], .string(message))
        XCTAssertEqual(sent["subject"], "EFS restore verification: PASS")
        XCTAssertEqual(sent["messageAttributes"], [
            "verdict": ["Type": "String", "Value": "PASS"],
            "findings": ["Type": "Number", "Value": "0"],
            "file-system": ["Type": "String", "Value": "fs-0123 + 4"],
        ])
    }

    func testMessageAtTheLimitIsSentAndOneByteMoreIsRefusedLocally() async throws {
        let atLimit = String(repeating: "m", count: SNSClient.maximumMessageBytes)
        _ = try await sns.publish(SNSPublishRequest(topicArn: topicArn, message: atLimit))

        let tooLarge = String(repeating: "m", count: 262_145)
        let error = await assertAWSError { _ = try await self.sns.publish(SNSPublishRequest(topicArn: self.topicArn, message: tooLarge)) }
        XCTAssertEqual(error?.kind, .invalidRequest)
        XCTAssertEqual(error?.httpStatus, nil)
        XCTAssertEqual(error?.description, "sns.Publish: message is 262145 bytes with attributes; SNS accepts at most 262144")

        let published = try await aws.publishedMessages()
        XCTAssertEqual(published.map { $0["message"]?.stringValue?.count }, [262_144])
    }

    func testWrongSecretIsRefusedWith403() async throws {
        let bad = try SNSClient(configuration: Integration.wrongSecretConfiguration(aws))
        let error = await assertAWSError { _ = try await bad.publish(SNSPublishRequest(topicArn: self.topicArn, message: "x")) }
        XCTAssertEqual(error?.kind, .service)
        XCTAssertEqual(error?.httpStatus, 403)
        XCTAssertEqual(error?.code, "SignatureDoesNotMatch")
        XCTAssertEqual(error?.operation, "Publish")
        let published = try await aws.publishedMessages()
        XCTAssertEqual(published, [])
    }
}
