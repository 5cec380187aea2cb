import ManifestKit
import Primitives

/// `--log-format` / `EBV_LOG_FORMAT`: how stderr lines are written.
enum LogFormat: String, Sendable, Equatable {
    /// Lines for people (the default).
    case text
    /// One JSON object per line, as the orchestrator logs: `level`, `message`,
    /// `timestamp` and the line's fields, keys sorted (CloudWatch Logs Insights reads them).
    case json

    /// The format from the command line (`--log-format X`, `--log-format=X`; the
    /// last wins) or else `EBV_LOG_FORMAT`; text when neither is given. Read
    /// before the command line is parsed, so that a usage error is logged in
    /// the format asked for. An invalid value is reported by ``check(_:)``.
    static func requested(_ words: [String], environment: [String: String]) -> SourcedValue? {
        var found: SourcedValue?
        var index = 0
        while index < words.count {
            let word = words[index]
            if word == "--" { break }
            if word == "--log-format", index + 1 < words.count {
                found = SourcedValue(value: words[index + 1], source: "--log-format")
                index += 1
            } else if word.hasPrefix("--log-format=") {
                found = SourcedValue(value: String(word.dropFirst("--log-format=".count)), source: "--log-format")
            }
            index += 1
        }
        if let found { return found }
        if let value = environment[EnvironmentVariable.logFormat.rawValue], !value.isEmpty {
            return SourcedValue(value: value, source: EnvironmentVariable.logFormat.rawValue)
        }
        return nil
    }

    /// The format asked for; text when none or when the value is invalid (the
    /// error then says so, in text).
    static func resolve(_ words: [String], environment: [String: String]) -> LogFormat {
        requested(words, environment: environment).flatMap { LogFormat(rawValue: $0.value) } ?? .text
    }

    /// Throws when the value asked for is neither text nor json.
    static func check(_ setting: SourcedValue?) throws(CLIError) {
        guard let setting, LogFormat(rawValue: setting.value) == nil else { return }
        throw CLIError(setting.source, "must be text or json (got \(JSONText.quoted(setting.value)))")
    }
}

/// Writes stderr lines in the ``LogFormat`` asked for. In text the line is
/// written as it is; in JSON it becomes `{"level":…,"message":…,"timestamp":…,…fields}`
/// with the keys sorted (the standard keys win over fields of the same name).
struct StderrLog: Sendable {
    enum Level: String, Sendable { case info, warn, error }

    var format: LogFormat
    var write: @Sendable (String) -> Void
    /// Nanoseconds since the epoch, for `timestamp`.
    var now: @Sendable () -> Int64

    /// Writes `text` (one or more lines, each ending in a newline) in text
    /// format; in JSON one object per line of `text`, with `manifest-worker: `
    /// taken off the front of the message.
    func log(_ level: Level, _ text: String) {
        switch format {
        case .text: write(text)
        case .json:
            let prefix = "\(Tool.name): "
            for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
                let message = line.hasPrefix(prefix) ? String(line.dropFirst(prefix.count)) : String(line)
                write(Self.jsonLine(level, message, [], now: now()))
            }
        }
    }

    /// A line with structured fields: `text` (without newline) in text, `message` and `fields` in JSON.
    func log(_ level: Level, text: String, message: String, fields: [(String, JSONValue)]) {
        switch format {
        case .text: write(text + "\n")
        case .json: write(Self.jsonLine(level, message, fields, now: now()))
        }
    }

    /// One JSON object and a newline; the timestamp to the millisecond, UTC.
    static func jsonLine(_ level: Level, _ message: String, _ fields: [(String, JSONValue)], now: Int64) -> String {
        let standard: [(String, JSONValue)] = [
            ("level", .string(level.rawValue)), ("message", .string(message)),
            ("timestamp", .string(Timestamp.format(ns: now, fractionDigits: 3))),
        ]
        let names = Set(standard.map(\.0))
        let members = (standard + fields.filter { !names.contains($0.0) })
            .sorted { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
        return JSONValue.object(members).serialized() + "\n"
    }
}
