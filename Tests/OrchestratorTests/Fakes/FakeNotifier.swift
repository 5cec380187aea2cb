import Foundation
@testable import AWSLite
@testable import OrchestratorKit

actor FakeNotifier: Notifier {
    var published: [(subject: String, message: String)] = []
    /// Every publish fails with this while set (a permanently failing topic).
    var failure: OrchestratorError?
    var attempts = 0
    func publish(subject: String, message: String) async throws {
        attempts += 1
        if let failure { throw failure }
        // SNS's own rules, as AWSLite's client checks them before sending.
        try SNSClient.validate(SNSPublishRequest(topicArn: "arn:aws:sns:us-east-1:123456789012:verifier", message: message, subject: subject))
        published.append((subject, message))
    }
    func setFailure(_ error: OrchestratorError?) { failure = error }
    func subjects() -> [String] { published.map(\.subject) }
}
