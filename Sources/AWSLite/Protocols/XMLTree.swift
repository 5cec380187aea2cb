import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A small XML element tree for reading S3 and SNS responses.
struct XMLTree: Sendable, Equatable {
    var name: String
    var text: String
    var children: [XMLTree]

    /// The first child element called `name`.
    func child(_ name: String) -> XMLTree? { children.first { $0.name == name } }

    /// All child elements called `name`.
    func children(_ name: String) -> [XMLTree] { children.filter { $0.name == name } }

    /// The text of the first child called `name`.
    func value(_ name: String) -> String? { child(name)?.text }

    /// The first element called `name` here or below (depth first).
    func find(_ name: String) -> XMLTree? {
        if self.name == name { return self }
        for child in children { if let hit = child.find(name) { return hit } }
        return nil
    }

    /// Parses `bytes`; nil when they are not well-formed XML or fall outside what
    /// AWS sends (see ``isPlainXML(_:)``).
    static func parse(_ bytes: [UInt8]) -> XMLTree? {
        guard isPlainXML(bytes) else { return nil }
        let parser = XMLParser(data: Data(bytes))
        let builder = Builder()
        parser.delegate = builder
        parser.shouldProcessNamespaces = false
        guard parser.parse(), let root = builder.root else { return nil }
        return root
    }

    /// True for UTF-8 text with no processing instruction other than a leading
    /// XML declaration and no `<!` markup other than comments and CDATA (no DTD):
    /// all AWS sends. FoundationXML traps on the rest (an element name that is not
    /// UTF-8, a processing instruction without data), found by fuzzing.
    static func isPlainXML(_ bytes: [UInt8]) -> Bool {
        guard isValidUTF8(bytes) else { return false }
        let declaration = Array("<?xml ".utf8)
        var index = bytes.starts(with: declaration) ? declaration.count : 0
        while index < bytes.count {
            defer { index += 1 }
            guard bytes[index] == 0x3C, index + 1 < bytes.count else { continue }
            switch bytes[index + 1] {
            case 0x3F:  // "<?"
                return false
            case 0x21:  // "<!"
                let rest = bytes[(index + 2)...]
                guard rest.starts(with: Array("--".utf8)) || rest.starts(with: Array("[CDATA[".utf8)) else { return false }
            default:
                continue
            }
        }
        return true
    }

    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var stack: [XMLTree] = []
        var root: XMLTree?

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            stack.append(XMLTree(name: elementName, text: "", children: []))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            guard let done = stack.popLast() else { return }
            if stack.isEmpty { root = done } else { stack[stack.count - 1].children.append(done) }
        }
    }
}

/// Escapes text for an XML element body or attribute.
enum XMLEscape {
    static func text(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for ch in value {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(ch)
            }
        }
        return out
    }
}
