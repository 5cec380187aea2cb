/// Publishes alerts and run summaries (production: SNS Publish to the configured topic).
public protocol Notifier: Sendable {
    /// Publishes one message. `subject` is printable ASCII under 100 characters and
    /// `message` at most 262,144 UTF-8 bytes; `Notification` guarantees both.
    func publish(subject: String, message: String) async throws
}

/// Where EMF metric documents go (production: one line on stdout).
public protocol MetricsEmitter: Sendable {
    /// Emits one complete EMF JSON document (a single line).
    func emit(_ line: String) throws
}

/// Emits EMF documents as lines on a log sink (stdout on Lambda).
public struct SinkMetricsEmitter: MetricsEmitter {
    public var sink: any LogSink
    public init(sink: any LogSink) { self.sink = sink }
    public func emit(_ line: String) { sink.write(line) }
}
