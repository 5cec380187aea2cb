/// The one escaping of strings for the HTML report (`report.html`): every
/// string that comes from a file system, a manifest, an event or AWS goes
/// through ``markup(_:)`` on its way into the page, so that a file named
/// `<script>…</script>` or `"><img src=x onerror=…>` shows as text.
///
/// Two stages: first the visible form people read everywhere else
/// (``HumanText``: control characters, invalid UTF-8, bidi controls and
/// line separators shown as escapes, so nothing can reorder or hide text),
/// then the five characters HTML gives a meaning (`& < > " '`) as entities.
/// The result is safe in element content and in quoted attribute values.
///
/// ```swift
/// HTMLText.name(Array("<b>".utf8))         // &lt;b&gt;
/// HTMLText.name(Array("a\u{202E}b".utf8))  // &quot;a\u{202E}b&quot;
/// HTMLText.line("x & y")                   // x &amp; y
/// ```
public enum HTMLText {
    /// A path or other name (``HumanText/name(_:)-swift.type.method``), escaped for HTML.
    public static func name<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        markup(HumanText.name(bytes))
    }

    /// Free text (``HumanText/line(_:)``), escaped for HTML.
    public static func line(_ text: String) -> String {
        markup(HumanText.line(text))
    }

    /// The HTML stage alone: `&`, `<`, `>`, `"`, `'` as entities; everything
    /// else as it is. Only for text that already is in its visible form.
    static func markup(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
