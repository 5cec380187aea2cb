import Foundation
import XCTest

/// `completion bash|zsh|fish|man`: every option each command's help lists is
/// in every script and in the man page, the bash script completes for real,
/// and the committed docs/manifest-worker.1 is the generated one.
final class CompletionTests: XCTestCase {
    static let commands = ["generate", "diff", "verify", "check", "show"]
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The options `<command> --help` lists (every word starting with `-` on
    /// a line that starts with an option, up to its first other word).
    private func options(of command: String) throws -> [String] {
        let help = try CLIRunner.run([command, "--help"])
        XCTAssertEqual(help.status, 0)
        var result: [String] = []
        for line in help.out.split(separator: "\n") where line.trimmingCharacters(in: .whitespaces).hasPrefix("-") {
            // The option's names: `-o, --output FILE  …` gives -o and --output.
            for word in line.split(separator: " ").map({ $0.hasSuffix(",") ? $0.dropLast() : $0 }) {
                guard word.hasPrefix("-"), word.count > 1 else { break }
                if !result.contains(String(word)) { result.append(String(word)) }
            }
        }
        return result
    }

    private func script(_ target: String) throws -> String {
        let result = try CLIRunner.run(["completion", target])
        XCTAssertEqual(result.status, 0, "\(result)")
        XCTAssertEqual(result.stderr, "")
        return result.out
    }

    func testHelpListsTheOptionsChecked() throws {
        XCTAssertEqual(Set(try options(of: "generate")), [
            "--output", "-o", "--role", "--file-system-id", "--recovery-point-arn", "--restored-root",
            "--reuse-from", "--rehash-sample", "--sample-seed", "--progress-interval", "--expect", "--json", "-q", "--quiet", "--concurrency", "-h", "--help",
            "--version", "--list-settings", "--log-format", "--color",
        ])
        XCTAssertEqual(Set(try options(of: "show")), ["--format", "--json", "-q", "--quiet", "--concurrency", "-h", "--help",
                                                      "--version", "--list-settings", "--log-format", "--color"])
        XCTAssertTrue(try options(of: "diff").contains("--list"))
        XCTAssertTrue(try options(of: "check").contains("--window-end"))
    }

    func testEveryOptionIsInEveryScriptAndTheManPage() throws {
        let bash = try script("bash"), zsh = try script("zsh"), fish = try script("fish"), man = try script("man")
        XCTAssertTrue(bash.hasSuffix("complete -o filenames -F _manifest_worker manifest-worker\n"))
        XCTAssertTrue(zsh.hasPrefix("#compdef manifest-worker\n"))
        for command in Self.commands {
            let bashLine = bash.split(separator: "\n").first { $0.hasPrefix("        \(command)) opts=\"") }
            let bashWords = bashLine.map { Set($0.dropFirst("        \(command)) opts=\"".count).dropLast(4).split(separator: " ").map(String.init)) } ?? []
            let zshBlock = zsh.components(separatedBy: "        \(command))\n").dropFirst().first?.components(separatedBy: ";;").first ?? ""
            let manSection = man.components(separatedBy: ".SS \(command)\n").dropFirst().first?.components(separatedBy: "\n.S").first ?? ""
            for option in try options(of: command) {
                XCTAssertTrue(bashWords.contains(option), "bash \(command) \(option)")
                XCTAssertTrue(zshBlock.contains("'\(option)'") || zshBlock.contains("'\(option)=:") || zshBlock.contains("'\(option)+:"),
                              "zsh \(command) \(option)")
                let fishName = option.hasPrefix("--") ? " -l \(option.dropFirst(2))" : " -s \(option.dropFirst())"
                XCTAssertTrue(fish.split(separator: "\n").contains {
                    $0.hasPrefix("complete -c manifest-worker -n '__fish_seen_subcommand_from \(command)'")
                        && ($0 + " ").contains(fishName + " ")
                }, "fish \(command) \(option)")
                let roff = "\\fB" + option.replacingOccurrences(of: "-", with: "\\-") + "\\fR"
                XCTAssertTrue(manSection.contains(roff), "man \(command) \(option)")
            }
        }
    }

    func testCommittedManPageIsTheGeneratedOne() throws {
        let committed = try String(contentsOf: Self.root.appendingPathComponent("docs/manifest-worker.1"), encoding: .utf8)
        XCTAssertEqual(committed, try script("man"), "regenerate: manifest-worker completion man > docs/manifest-worker.1")
    }

    func testBashScriptCompletes() throws {
        let bin = FileManager.default.temporaryDirectory.appendingPathComponent("completion-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: bin) }
        let scriptFile = bin.appendingPathComponent("mw.bash")
        try script("bash").write(to: scriptFile, atomically: true, encoding: .utf8)
        func complete(_ words: [String]) throws -> String {
            let quoted = words.map { "'\($0)'" }.joined(separator: " ")
            let program = "source '\(scriptFile.path)'; COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); "
                + "_manifest_worker; echo \"${COMPREPLY[*]}\""
            let result = try CLIRunner.run(["-c", program], executable: "/bin/bash")
            XCTAssertEqual(result.stderr, "")
            XCTAssertEqual(result.status, 0)
            return result.out
        }
        XCTAssertEqual(try complete(["manifest-worker", "gen"]), "generate\n")
        XCTAssertEqual(try complete(["manifest-worker", ""]), "generate diff verify check show help completion\n")
        XCTAssertEqual(try complete(["manifest-worker", "generate", "--ou"]), "--output\n")
        XCTAssertEqual(try complete(["manifest-worker", "--c"]), "--concurrency --color\n")
        XCTAssertEqual(try complete(["manifest-worker", "diff", "--fi"]), "--findings\n")
        XCTAssertEqual(try complete(["manifest-worker", "show", "--format", ""]), "text sha256sum\n")
        XCTAssertEqual(try complete(["manifest-worker", "generate", "--role", "r"]), "restored\n")
        XCTAssertEqual(try complete(["manifest-worker", "--color", "a"]), "auto always\n")
        XCTAssertEqual(try complete(["manifest-worker", "completion", ""]), "bash zsh fish man\n")
        XCTAssertEqual(try complete(["manifest-worker", "help", "ch"]), "check\n")
        XCTAssertEqual(try complete(["manifest-worker", "generate", "--concurrency", ""]), "\n")
    }

    func testBadTargetIsAUsageError() throws {
        let unknown = try CLIRunner.run(["completion", "tcsh"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertEqual(unknown.out, "")
        XCTAssertEqual(unknown.stderr, "manifest-worker: tcsh: unknown shell (bash, zsh, fish, man)\nTry 'manifest-worker completion --help'.\n")
        let missing = try CLIRunner.run(["completion"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.stderr, "manifest-worker: completion: missing shell (bash, zsh, fish, man)\nTry 'manifest-worker completion --help'.\n")
        let extra = try CLIRunner.run(["completion", "bash", "zsh"])
        XCTAssertEqual(extra.status, 2)
        XCTAssertEqual(extra.stderr, "manifest-worker: completion: unexpected argument \"zsh\"\nTry 'manifest-worker completion --help'.\n")
        let help = try CLIRunner.run(["completion", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.out.hasPrefix("Usage: manifest-worker completion bash|zsh|fish|man\n"))
    }
}
