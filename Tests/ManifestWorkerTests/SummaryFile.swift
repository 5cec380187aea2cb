import Foundation
import XCTest

/// `summary.txt` is stdout's summary, then `walks:` and one line per manifest read to its
/// trailer (docs/verdicts.md): `counts` per role are exact, the times and rates (the
/// manifests' own clock readings) are matched by their shape.
func assertSummaryFile(_ text: String, stdout: String, walks: [(role: String, counts: String)],
                       file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertTrue(text.hasPrefix(stdout), text, file: file, line: line)
    let rest = text.hasPrefix(stdout) ? String(text.dropFirst(stdout.count)) : text
    let time = #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#
    var pattern = #"^walks:\n"#
    for walk in walks {
        pattern += "  " + walk.role + ": " + #"(\d+h)?(\d+m)?\d+s, "# + NSRegularExpression.escapedPattern(for: walk.counts)
            + #", \d+\.\d+(e\+\d+)? files/s, \d+\.\d+(e\+\d+)? MB/s, "# + time + " → " + time + #"\n"#
    }
    let regex = try? NSRegularExpression(pattern: pattern + "$")
    XCTAssertEqual(regex?.numberOfMatches(in: rest, range: NSRange(rest.startIndex..., in: rest)), 1, rest, file: file, line: line)
}
