import ManifestKit

/// Errors as JSON for `--json` runs: one object per line on stderr,
/// `{"level":"error","message":…,"path":…,"errno":…}` (`path` and `errno` null
/// when the error names no file or no system error). The texts are raw (JSON
/// escaping is exact), not escaped as human text is.
enum ErrorJSON {
    /// True when `--json` is among the options (before `--`).
    static func requested(_ words: [String]) -> Bool {
        words.prefix { $0 != "--" }.contains("--json")
    }

    static func line(for error: any Error) -> String {
        switch error {
        case let error as CLIError:
            // `what` is a file unless it is an option, a variable or a command.
            let isFile = !(error.what.hasPrefix("-") && error.what != "-") && !error.what.hasPrefix("EBV_")
                && CommandSpecs.specs(for: error.what) == nil && !["usage", "help", "stdout"].contains(error.what)
            var members = fields(level: "error", message: isFile ? error.why : "\(error.what): \(error.why)",
                                 path: isFile ? error.what : nil)
            if let topic = error.helpTopic {
                members.append(("help", .string(topic.isEmpty ? "\(Tool.name) --help" : "\(Tool.name) \(topic) --help")))
            }
            return JSONValue.object(members).serialized() + "\n"
        case let error as ManifestKitError:
            var members = fields(level: "error", message: error.reason, path: error.subject)
            if let line = error.line { members.append(("line", .int(Int64(line)))) }
            return JSONValue.object(members).serialized() + "\n"
        default:
            return JSONValue.object(fields(level: "error", message: "\(error)", path: nil)).serialized() + "\n"
        }
    }

    /// A per-entry failure of a walk (the entry is in the manifest with its `error`).
    static func entryLine(path: String, error: String) -> String {
        JSONValue.object(fields(level: "warning", message: error, path: path)).serialized() + "\n"
    }

    private static func fields(level: String, message: String, path: String?) -> [(String, JSONValue)] {
        [("level", .string(level)), ("message", .string(message)), ("path", path.map(JSONValue.string) ?? .null),
         ("errno", errnoName(in: message).map(JSONValue.string) ?? .null)]
    }

    /// The errno name a message starts with (`ENOENT: No such file or directory`).
    static func errnoName(in message: String) -> String? {
        guard let colon = message.firstIndex(of: ":") else { return nil }
        let name = message[..<colon]
        guard name.count >= 3, name.first == "E",
              name.dropFirst().allSatisfy({ ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") }) else { return nil }
        return String(name)
    }
}
