import Foundation

/// A message attribute for SNS Publish (`DataType` `String`, `Number` or `String.Array`).
public struct SNSMessageAttribute: Sendable, Equatable {
    public var dataType: String
    public var stringValue: String

    public init(dataType: String = "String", stringValue: String) {
        self.dataType = dataType
        self.stringValue = stringValue
    }
}

/// An SNS Publish request.
public struct SNSPublishRequest: Sendable {
    public var topicArn: String
    public var message: String
    /// Under 100 characters, no line breaks or control characters.
    public var subject: String?
    public var messageAttributes: [String: SNSMessageAttribute]

    public init(topicArn: String, message: String, subject: String? = nil, messageAttributes: [String: SNSMessageAttribute] = [:]) {
        self.topicArn = topicArn
        self.message = message
        self.subject = subject
        self.messageAttributes = messageAttributes
    }
}

/// Amazon SNS (query protocol): Publish only.
public struct SNSClient: Sendable {
    /// The largest message SNS accepts: 256 KiB of UTF-8, counting message attributes.
    public static let maximumMessageBytes = 262_144
    /// Subjects must be shorter than this many characters.
    public static let subjectLimit = 100

    let executor: RequestExecutor

    public init(configuration: AWSClientConfiguration) throws {
        executor = try RequestExecutor(service: .sns, configuration: configuration)
    }

    /// Publishes a message; returns its `MessageId`.
    ///
    /// - Throws: `AWSError(.invalidRequest)` without sending anything when the
    ///   message is empty or over `maximumMessageBytes` (message plus attribute
    ///   names, types and values), or the subject breaks SNS's rules. Publish is
    ///   not idempotent: it is retried only when throttled or never sent.
    public func publish(_ request: SNSPublishRequest) async throws -> String {
        try Self.validate(request)
        let response = try await executor.send(
            OperationRequest(
                operation: "Publish", method: "POST", path: "/",
                headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                body: Array(PercentEncoding.query(Self.formFields(request)).utf8), idempotent: false))
        guard let id = XMLTree.parse(response.body)?.find("MessageId")?.text, !id.isEmpty else {
            throw AWSError(kind: .invalidResponse, service: "sns", operation: "Publish", message: "no MessageId in PublishResponse", httpStatus: response.status)
        }
        return id
    }

    /// The form fields of a Publish request, attributes sorted by name.
    static func formFields(_ request: SNSPublishRequest) -> [(String, String?)] {
        var fields: [(String, String?)] = [("Action", "Publish"), ("Version", "2010-03-31"), ("TopicArn", request.topicArn), ("Message", request.message)]
        if let subject = request.subject { fields.append(("Subject", subject)) }
        for (index, name) in request.messageAttributes.keys.sorted().enumerated() {
            let attribute = request.messageAttributes[name]!
            let prefix = "MessageAttributes.entry.\(index + 1)."
            fields.append((prefix + "Name", name))
            fields.append((prefix + "Value.DataType", attribute.dataType))
            fields.append((prefix + "Value.StringValue", attribute.stringValue))
        }
        return fields
    }

    static func validate(_ request: SNSPublishRequest) throws {
        func refuse(_ message: String) -> AWSError {
            AWSError(kind: .invalidRequest, service: "sns", operation: "Publish", message: message)
        }
        if request.message.isEmpty { throw refuse("message is empty") }
        var size = request.message.utf8.count
        for (name, attribute) in request.messageAttributes {
            size += name.utf8.count + attribute.dataType.utf8.count + attribute.stringValue.utf8.count
        }
        if size > maximumMessageBytes {
            throw refuse("message is \(size) bytes with attributes; SNS accepts at most \(maximumMessageBytes)")
        }
        if let subject = request.subject {
            if subject.isEmpty { throw refuse("subject is empty") }
            if subject.count >= subjectLimit { throw refuse("subject is \(subject.count) characters; SNS requires fewer than \(subjectLimit)") }
            if subject.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) {
                throw refuse("subject contains a line break or control character")
            }
        }
    }
}
