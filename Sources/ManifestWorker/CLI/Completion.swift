/// Shell completion scripts, generated from ``CommandSpecs`` (the tables the
/// parser uses), so a new option is completed as soon as it is parsed.
enum Completion {
    static let shells = ["bash", "zsh", "fish"]
    /// What `completion` accepts: the shells and `man` (the roff man page).
    static let targets = shells + ["man"]
    /// Every word that can stand in the command's place.
    static let commandWords = CommandSpecs.commands + ["help", "completion"]

    static func script(for target: String) -> String? {
        switch target {
        case "bash": return bash()
        case "zsh": return zsh()
        case "fish": return fish()
        case "man": return ManPage.text()
        default: return nil
        }
    }

    /// The value placeholders that name a file or directory.
    static func completesFiles(_ spec: OptionSpec) -> Bool {
        ["FILE", "MANIFEST", "DIR", "WHERE"].contains(spec.valueName ?? "")
    }

    private static func words(_ specs: [OptionSpec]) -> String {
        specs.flatMap { [$0.alias, $0.name].compactMap { $0 } }.joined(separator: " ")
    }

    /// All options with a value, across commands, once each by name.
    private static var valueOptions: [OptionSpec] {
        var seen = Set<String>()
        var result: [OptionSpec] = []
        for spec in CommandSpecs.global + CommandSpecs.commands.flatMap({ CommandSpecs.specs(for: $0) ?? [] })
        where spec.takesValue && seen.insert(spec.name).inserted {
            result.append(spec)
        }
        return result
    }

    // MARK: bash

    static func bash() -> String {
        var lines = [
            "# bash completion for manifest-worker (generated: manifest-worker completion bash)",
            "_manifest_worker() {",
            "    local cur prev cmd opts i",
            "    cur=\"${COMP_WORDS[COMP_CWORD]}\"",
            "    prev=\"\"",
            "    if (( COMP_CWORD > 0 )); then prev=\"${COMP_WORDS[COMP_CWORD-1]}\"; fi",
            "    cmd=\"\"",
            "    for (( i = 1; i < COMP_CWORD; i++ )); do",
            "        case \"${COMP_WORDS[i]}\" in",
            "            \(commandWords.joined(separator: "|"))) cmd=\"${COMP_WORDS[i]}\"; break ;;",
            "        esac",
            "    done",
            "    case \"$prev\" in",
        ]
        for spec in valueOptions {
            let names = [spec.alias, spec.name].compactMap { $0 }.joined(separator: "|")
            if !spec.choices.isEmpty {
                lines.append("        \(names)) COMPREPLY=($(compgen -W \"\(spec.choices.joined(separator: " "))\" -- \"$cur\")); return ;;")
            } else if completesFiles(spec) {
                lines.append("        \(names)) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;")
            } else {
                lines.append("        \(names)) COMPREPLY=(); return ;;")
            }
        }
        lines += [
            "    esac",
            "    case \"$cmd\" in",
        ]
        for command in CommandSpecs.commands {
            lines.append("        \(command)) opts=\"\(words(CommandSpecs.specs(for: command) ?? []))\" ;;")
        }
        lines += [
            "        help) COMPREPLY=($(compgen -W \"\(CommandSpecs.commands.joined(separator: " "))\" -- \"$cur\")); return ;;",
            "        completion) COMPREPLY=($(compgen -W \"\(targets.joined(separator: " "))\" -- \"$cur\")); return ;;",
            "        *) opts=\"\(words(CommandSpecs.global))\" ;;",
            "    esac",
            "    if [[ \"$cur\" == -* ]]; then",
            "        COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))",
            "    elif [[ -z \"$cmd\" ]]; then",
            "        COMPREPLY=($(compgen -W \"\(commandWords.joined(separator: " "))\" -- \"$cur\"))",
            "    else",
            "        COMPREPLY=($(compgen -f -- \"$cur\"))",
            "    fi",
            "}",
            "complete -o filenames -F _manifest_worker manifest-worker",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: zsh

    /// A zsh `_arguments` spec for one name of an option.
    private static func zshSpec(_ name: String, _ spec: OptionSpec) -> String {
        guard let value = spec.valueName else { return "'\(name)'" }
        let separator = name.hasPrefix("--") ? "=" : "+"
        let action = !spec.choices.isEmpty ? "(\(spec.choices.joined(separator: " ")))" : completesFiles(spec) ? "_files" : " "
        return "'\(name)\(separator):\(value):\(action)'"
    }

    private static func zshArguments(_ specs: [OptionSpec], positional: String) -> [String] {
        var lines = ["            _arguments -s \\"]
        for spec in specs {
            for name in [spec.alias, spec.name].compactMap({ $0 }) {
                lines.append("                \(zshSpec(name, spec)) \\")
            }
        }
        lines.append("                \(positional)")
        return lines
    }

    static func zsh() -> String {
        var lines = [
            "#compdef manifest-worker",
            "# zsh completion for manifest-worker (generated: manifest-worker completion zsh)",
            "",
            "_manifest_worker() {",
            "    local -a commands",
            "    commands=(",
        ]
        for command in commandWords {
            lines.append("        '\(command):\(CommandSpecs.summaries[command] ?? command)'")
        }
        lines += [
            "    )",
            "    local cmd i",
            "    for (( i = 2; i < CURRENT; i++ )); do",
            "        case $words[i] in",
            "            \(commandWords.joined(separator: "|"))) cmd=$words[i]; break ;;",
            "        esac",
            "    done",
            "    case $cmd in",
        ]
        for command in CommandSpecs.commands {
            lines.append("        \(command))")
            lines += zshArguments(CommandSpecs.specs(for: command) ?? [], positional: "'*:file:_files'")
            lines.append("            ;;")
        }
        lines += [
            "        help) _values 'command' \(CommandSpecs.commands.joined(separator: " ")) ;;",
            "        completion) _values 'target' \(targets.joined(separator: " ")) ;;",
            "        *)",
            "            if [[ $PREFIX == -* ]]; then",
        ]
        lines += zshArguments(CommandSpecs.global, positional: "'*:command:'").map { "    " + $0 }
        lines += [
            "            else",
            "                _describe 'command' commands",
            "            fi",
            "            ;;",
            "    esac",
            "}",
            "",
            "_manifest_worker \"$@\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: fish

    private static func fishOption(_ spec: OptionSpec, condition: String) -> String {
        var line = "complete -c manifest-worker -n '\(condition)'"
        for name in [spec.name] + [spec.alias].compactMap({ $0 }) {
            line += name.hasPrefix("--") ? " -l \(name.dropFirst(2))" : " -s \(name.dropFirst())"
        }
        if spec.takesValue {
            if !spec.choices.isEmpty {
                line += " -x -a '\(spec.choices.joined(separator: " "))'"
            } else if completesFiles(spec) {
                line += " -r -F"
            } else {
                line += " -x"
            }
        }
        return line
    }

    static func fish() -> String {
        var lines = [
            "# fish completion for manifest-worker (generated: manifest-worker completion fish)",
            "complete -c manifest-worker -f",
        ]
        for command in commandWords {
            lines.append("complete -c manifest-worker -n '__fish_use_subcommand' -a \(command) -d '\(CommandSpecs.summaries[command] ?? command)'")
        }
        for spec in CommandSpecs.global {
            lines.append(fishOption(spec, condition: "__fish_use_subcommand"))
        }
        for command in CommandSpecs.commands {
            let condition = "__fish_seen_subcommand_from \(command)"
            for spec in CommandSpecs.specs(for: command) ?? [] {
                lines.append(fishOption(spec, condition: condition))
            }
            lines.append("complete -c manifest-worker -n '\(condition)' -F")
        }
        lines.append("complete -c manifest-worker -n '__fish_seen_subcommand_from help' -a '\(CommandSpecs.commands.joined(separator: " "))'")
        lines.append("complete -c manifest-worker -n '__fish_seen_subcommand_from completion' -a '\(targets.joined(separator: " "))'")
        return lines.joined(separator: "\n") + "\n"
    }
}
