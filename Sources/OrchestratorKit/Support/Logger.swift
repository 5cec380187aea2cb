import AWSLite
import Foundation
import Primitives

/// Where log lines go. Production writes to stdout (CloudWatch Logs picks up every line);
/// tests collect lines in memory.
public protocol LogSink: Sendable {
    /// Writes one complete line (without the trailing newline).
    func write(_ line: String)
}

/// Writes each line to stdout and flushes, so Lambda sees it before the invocation ends.
public struct StandardOutputSink: LogSink {
    public init() {}
    public func write(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

/// Writes each line to stderr (used by the CLI for human-facing errors).
public struct StandardErrorSink: LogSink {
    public init() {}
    public func write(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// A structured logger: one JSON object per line with `level`, `message`, `timestamp`,
/// `requestId` and `runId` (when known) and any extra string fields, keys sorted.
///
/// Loggers are values: `with(runId:)` returns a copy that stamps every line with the run.
///
///     logger.with(runId: "a827…").info("restore started", ["restoreJobId": id])
///     // {"level":"info","message":"restore started","restoreJobId":"…","runId":"a827…",…}
public struct Logger: Sendable {
    public enum Level: String, Sendable { case debug, info, warn, error }

    public var sink: any LogSink
    public var clock: any WallClock
    public var requestId: String?
    public var runId: String?

    public init(sink: any LogSink, clock: any WallClock, requestId: String? = nil, runId: String? = nil) {
        self.sink = sink
        self.clock = clock
        self.requestId = requestId
        self.runId = runId
    }

    /// A copy whose lines carry `runId`.
    public func with(runId: String?) -> Logger {
        var copy = self
        copy.runId = runId
        return copy
    }

    /// A copy whose lines carry `requestId`.
    public func with(requestId: String?) -> Logger {
        var copy = self
        copy.requestId = requestId
        return copy
    }

    public func debug(_ message: String, _ fields: [String: String] = [:]) { log(.debug, message, fields) }
    public func info(_ message: String, _ fields: [String: String] = [:]) { log(.info, message, fields) }
    public func warn(_ message: String, _ fields: [String: String] = [:]) { log(.warn, message, fields) }
    public func error(_ message: String, _ fields: [String: String] = [:]) { log(.error, message, fields) }

    /// Writes one line. Extra fields never override the standard keys.
    public func log(_ level: Level, _ message: String, _ fields: [String: String]) {
        var object: [String: String] = fields
        object["level"] = level.rawValue
        object["message"] = message
        object["timestamp"] = Timestamps.rfc3339Millis(clock.now())
        if let requestId { object["requestId"] = requestId }
        if let runId { object["runId"] = runId }
        sink.write(LogJSON.object(object))
    }
}

/// Minimal deterministic JSON text for flat string maps (sorted keys, no slash escaping).
public enum LogJSON {
    /// `{"a":"x","b":"y"}` with keys in byte order.
    public static func object(_ fields: [String: String]) -> String {
        let parts = fields.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            .map { string($0) + ":" + string(fields[$0]!) }
        return "{" + parts.joined(separator: ",") + "}"
    }

    /// A JSON string literal for `text` (JSONText escaping: `"`, `\`, `\n`, `\r`, `\t`,
    /// other control characters as `\u00xx`).
    public static func string(_ text: String) -> String { JSONText.quoted(text, shortEscapes: true) }

    /// Serializes a JSON-compatible value (from `JSONSerialization` shapes) with sorted keys.
    public static func encode(_ value: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
    }
}
