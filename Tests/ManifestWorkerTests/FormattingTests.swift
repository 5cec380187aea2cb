@testable import ManifestWorker
import ManifestKit
import XCTest

/// The pure pieces of the executable: option parsing, configuration lookup,
/// the progress line, `show`'s escaping, JSON text.
final class FormattingTests: XCTestCase {
    func testParserSplitsOptionsAndArguments() throws {
        let parsed = try ArgumentParser.parse(["a", "-o", "-", "--role=post", "--json", "--", "--not-an-option", "-"],
                                              specs: CommandSpecs.generate, command: "generate")
        XCTAssertEqual(parsed.positionals, ["a", "--not-an-option", "-"])
        XCTAssertEqual(parsed.options, [.init(name: "--output", value: "-"), .init(name: "--role", value: "post"), .init(name: "--json", value: nil)])
        XCTAssertEqual(parsed.last("--output"), "-")
        XCTAssertThrowsError(try ArgumentParser.parse(["--role"], specs: CommandSpecs.generate, command: "generate")) { error in
            XCTAssertEqual((error as? CLIError)?.message, "manifest-worker: --role: needs a value (ROLE)\nTry 'manifest-worker generate --help'.\n")
        }
    }

    func testFlagWinsOverVariableAndEmptyVariableIsUnset() throws {
        let config = Configuration(environment: ["EBV_CONCURRENCY": "7", "EBV_ROLE": ""])
        let none = ParsedArguments()
        XCTAssertEqual(try config.concurrency(none), 7)
        XCTAssertEqual(try config.concurrency(ParsedArguments(options: [.init(name: "--concurrency", value: "9")])), 9)
        XCTAssertNil(config.value(.role, in: none))
        XCTAssertEqual(config.value(.concurrency, in: none), SourcedValue(value: "7", source: "EBV_CONCURRENCY"))
        XCTAssertEqual(try Configuration(environment: [:]).concurrency(none), 32)
    }

    func testProgressLineIsCutToTheTerminalWidth() {
        let sample = ProgressSample(files: 12_345, bytes: 2_500_000_000, errors: 2)
        XCTAssertEqual(ProgressLine.render(sample, elapsedNanoseconds: 5_000_000_000, width: 80),
                       "12345 files  2469 files/s  500.0 MB/s  2 errors")
        XCTAssertEqual(ProgressLine.render(sample, elapsedNanoseconds: 5_000_000_000, width: 20), "12345 files  2469 f")
        XCTAssertEqual(ProgressLine.render(ProgressSample(), elapsedNanoseconds: 0, width: 80), "0 files  0 files/s  0.0 MB/s  0 errors")
    }

    func testShowEscapesEveryClassOfCharacterThroughHumanText() {
        // Names are marked (quoted) only when they needed escaping.
        let cases: [([UInt8], String)] = [
            (Array("dir/é ü.txt".utf8), "dir/é ü.txt"),
            ([0x61, 0xFF, 0x62], "\"a\\xffb\""),
            ([0x61, 0x0A, 0x5C, 0x7F], "\"a\\n\\\\\\x7f\""),
            (Array("f\nPASS: no findings\n".utf8), "\"f\\nPASS: no findings\\n\""),
            (Array("red\u{1B}[31m\t".utf8), "\"red\\x1b[31m\\t\""),
            (Array("evil\u{202E}txt.exe".utf8), "\"evil\\u{202E}txt.exe\""),
            ([0xC3], "\"\\xc3\""), ([0xC0, 0xAF], "\"\\xc0\\xaf\""), ([0xED, 0xA0, 0x80], "\"\\xed\\xa0\\x80\""),
        ]
        for (bytes, shown) in cases {
            let entry = ManifestEntry(path: bytes, type: .symlink, size: 1, mode: 0o777, mtimeNs: 0, target: bytes,
                                      error: "EIO: \u{1B}[2J\nfake")
            XCTAssertEqual(ShowFormat.entryLine(entry),
                           "symlink            1  0777 0:0  1970-01-01T00:00:00Z  -                 \(shown) -> \(shown)  [error: EIO: \\x1b[2J\\nfake]")
        }
        let header = ManifestHeader(role: .local, root: "/mnt/a\nb", fileSystemId: "fs-\u{2066}", startedAtNs: 0, tool: "t\u{1B}")
        XCTAssertEqual(ShowFormat.headerLine(header),
                       "# manifest efs-backup-verifier/1  role local  started 1970-01-01T00:00:00Z  tool t\\x1b  root \"/mnt/a\\nb\"  fileSystemId \"fs-\\u{2066}\"")
    }

    func testErrorMessagesAreEscaped() {
        XCTAssertEqual(CLIError("dir\u{1B}]0;x\u{07}", "ENOENT: no such \u{202E}file").message,
                       "manifest-worker: \"dir\\x1b]0;x\\x07\": ENOENT: no such \\u{202E}file\n")
        XCTAssertEqual(CLI.message(for: ManifestKitError(.invalidManifest, subject: "m\n.gz", line: 3, reason: "bad \u{1B}[K")),
                       "manifest-worker: \"m\\n.gz\":3: bad \\x1b[K\n")
        XCTAssertEqual(CLI.message(for: ManifestKitError(.io, subject: "/data", reason: "ENOENT: No such file or directory")),
                       "manifest-worker: /data: ENOENT: No such file or directory\n")
    }

    func testProgressLineOfExtremeCountsDoesNotTrap() {
        let huge = ProgressSample(files: .max, bytes: .max, errors: .max)
        XCTAssertEqual(huge + huge, huge, "saturates")
        XCTAssertEqual(ProgressLine.render(huge, elapsedNanoseconds: 1, width: 200),
                       "18446744073709551615 files  9223372036854775807 files/s  18446744073709552.0 MB/s  18446744073709551615 errors")
        // A clock read as nonsense counts as the shortest interval (1 ms).
        XCTAssertEqual(ProgressLine.render(huge, elapsedNanoseconds: Int64.min, width: 200),
                       "18446744073709551615 files  9223372036854775807 files/s  18446744073709552.0 MB/s  18446744073709551615 errors")
        XCTAssertEqual(ProgressLine.oneDecimal(.nan), "0.0")
        XCTAssertEqual(ProgressLine.oneDecimal(.infinity), "0.0")
        XCTAssertEqual(ProgressLine.oneDecimal(-5), "0.0")
    }

    func testShowEntryLine() {
        let entry = ManifestEntry(path: Array("a/b".utf8), type: .file, size: 1234, mode: 0o4755, uid: 1000, gid: 100,
                                  mtimeNs: 1_767_323_045_999_999_999, sha256: String(repeating: "ab", count: 32),
                                  error: nil, unstable: true)
        XCTAssertEqual(ShowFormat.entryLine(entry),
                       "file            1234  4755 1000:100  2026-01-02T03:04:05Z  abababababababab  a/b  [unstable]")
        XCTAssertEqual(WallClock.utcSeconds(-1), "1969-12-31T23:59:59Z")
    }

    func testJSONTextKeepsKeyOrderAndEscapes() {
        let value = JSONValue.object([("z", .string("a\"b\\c\n\u{01}")), ("a", .array([.int(-1), .uint(2), .bool(true), .null, .double(1.5)]))])
        XCTAssertEqual(value.serialized(), "{\"z\":\"a\\\"b\\\\c\\n\\u0001\",\"a\":[-1,2,true,null,1.5]}")
    }
}
