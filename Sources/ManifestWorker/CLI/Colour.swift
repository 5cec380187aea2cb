/// Colour for verdicts and severities on a terminal (pure logic; the decision
/// takes the flag, the environment and whether stdout is a terminal).
///
/// `--color=auto` (default): colour only when stdout is a terminal, `NO_COLOR`
/// is unset or empty and `TERM` is not `dumb`; `always` and `never` decide alone.
enum Colour {
    static func enabled(_ arguments: ParsedArguments, environment: [String: String], stdoutIsTerminal: Bool) throws(CLIError) -> Bool {
        switch arguments.last("--color") ?? "auto" {
        case "always": return true
        case "never": return false
        case "auto":
            return stdoutIsTerminal && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
        case let other:
            throw CLIError.usage("--color", "must be auto, always or never (got \"\(other)\")", command: "")
        }
    }

    private static let reset = "\u{1B}[0m"
    private static func code(_ severity: Substring) -> String? {
        switch severity {
        case "error": return "\u{1B}[31m"
        case "warning": return "\u{1B}[33m"
        case "info": return "\u{1B}[36m"
        case "ok": return "\u{1B}[32m"
        default: return nil
        }
    }

    /// The summary with PASS/FAIL and each class's `(severity)` coloured. Only
    /// the tool's own words are coloured; names keep their escaped form.
    static func summary(_ text: String) -> String {
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("PASS:") {
                lines.append("\u{1B}[1;32mPASS\(reset)" + line.dropFirst(4))
            } else if line.hasPrefix("FAIL:") {
                lines.append("\u{1B}[1;31mFAIL\(reset)" + line.dropFirst(4))
            } else if !line.hasPrefix(" "), line.hasSuffix(")"), let open = line.lastIndex(of: "("),
                      let colour = code(line[line.index(after: open)..<line.index(before: line.endIndex)]) {
                lines.append(String(line[..<open]) + colour + String(line[open...]) + reset)
            } else {
                lines.append(String(line))
            }
        }
        return lines.joined(separator: "\n")
    }
}
