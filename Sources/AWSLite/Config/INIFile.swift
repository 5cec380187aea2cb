import Foundation

/// The INI dialect of `~/.aws/credentials` and `~/.aws/config`.
///
/// - `[section]` lines (whitespace inside the brackets trimmed; a comment may follow `]`).
/// - `key = value` lines; key and value trimmed; the last of a repeated key wins.
/// - Comments: a line whose first non-blank character is `#` or `;`, and in values
///   a `#` or `;` that follows whitespace (`key = v # note` gives `v`).
/// - An indented line after a property continues it (nested settings such as
///   `s3 =` / `  max_concurrent_requests = 10`); kept as `\n`-joined text.
/// - A repeated section is merged into the first.
/// - A property before any section, or a line that is neither, is an error naming
///   the file and line.
public struct INIFile: Sendable, Equatable {
    public struct Section: Sendable, Equatable {
        public var name: String
        public var properties: [String: String]
    }

    /// Sections in order of first appearance.
    public var sections: [Section]

    /// The properties of the section named `name`, if present.
    public func section(_ name: String) -> [String: String]? {
        sections.first { $0.name == name }?.properties
    }

    /// Parses `text`; `fileName` only labels errors.
    public static func parse(_ text: String, fileName: String) throws -> INIFile {
        var sections: [Section] = []
        var current: Int?
        var lastKey: String?
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            let error = { (why: String) in
                AWSError(kind: .configuration, message: "\(fileName) line \(index + 1): \(why)")
            }
            if trimmed.hasPrefix("[") {
                guard let close = trimmed.firstIndex(of: "]") else { throw error("section header without ']'") }
                let rest = stripComment(String(trimmed[trimmed.index(after: close)...]))
                guard rest.isEmpty else { throw error("unexpected text after section header") }
                let name = trimmed[trimmed.index(after: trimmed.startIndex)..<close].trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty else { throw error("empty section name") }
                if let existing = sections.firstIndex(where: { $0.name == name }) {
                    current = existing
                } else {
                    sections.append(Section(name: name, properties: [:]))
                    current = sections.count - 1
                }
                lastKey = nil
                continue
            }
            guard let section = current else { throw error("property outside any [section]") }
            let indented = line.first == " " || line.first == "\t"
            if indented, let key = lastKey {
                let previous = sections[section].properties[key] ?? ""
                sections[section].properties[key] = previous + "\n" + stripComment(trimmed)
                continue
            }
            guard let equals = trimmed.firstIndex(of: "=") else { throw error("expected 'key = value'") }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { throw error("empty key") }
            sections[section].properties[key] = stripComment(String(trimmed[trimmed.index(after: equals)...]))
            lastKey = key
        }
        return INIFile(sections: sections)
    }

    /// Drops a `#`/`;` comment that starts the text or follows whitespace, then trims.
    static func stripComment(_ text: String) -> String {
        var previousWasSpace = true
        var end = text.endIndex
        for i in text.indices {
            let c = text[i]
            if (c == "#" || c == ";") && previousWasSpace {
                end = i
                break
            }
            previousWasSpace = c == " " || c == "\t"
        }
        return text[..<end].trimmingCharacters(in: .whitespaces)
    }
}
