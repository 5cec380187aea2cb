/// One option a command accepts.
struct OptionSpec: Sendable {
    /// The long form, e.g. `--output`; results are keyed by it.
    var name: String
    /// A short alias, e.g. `-o`.
    var alias: String?
    /// The value's placeholder in help (`FILE`); nil for a flag without value.
    var valueName: String?
    /// The values it accepts, when they are a fixed set (offered by shell completion).
    var choices: [String]

    init(_ name: String, alias: String? = nil, value: String? = nil, choices: [String] = []) {
        self.name = name
        self.alias = alias
        self.valueName = value
        self.choices = choices
    }

    var takesValue: Bool { valueName != nil }
}

/// A command line split into options and positional arguments.
struct ParsedArguments: Sendable, Equatable {
    /// Options in the order given (`value` is nil for flags).
    var options: [Option] = []
    var positionals: [String] = []

    struct Option: Sendable, Equatable {
        var name: String
        var value: String?
    }

    /// True when the flag or option was given at least once.
    func has(_ name: String) -> Bool { options.contains { $0.name == name } }

    /// The value of the last occurrence of `name`.
    func last(_ name: String) -> String? { options.last { $0.name == name }?.value }

    /// The values of every occurrence of `name`, in order.
    func all(_ name: String) -> [String] { options.filter { $0.name == name }.compactMap(\.value) }
}

/// The hand-written option parser.
///
/// Rules: `--name value` and `--name=value` for options with a value (the
/// next word is the value even if it starts with `-`, so `-o -` works);
/// `-x value` for short aliases; `--` ends options; a lone `-` is a
/// positional argument (stdin/stdout); anything else starting with `-` is an
/// unknown option. Options and positional arguments may be mixed.
enum ArgumentParser {
    /// Parses `words` against `specs`. `command` names the help to point at on
    /// a usage error ("" for the top level).
    static func parse(_ words: [String], specs: [OptionSpec], command: String) throws(CLIError) -> ParsedArguments {
        var result = ParsedArguments()
        var index = 0
        var optionsEnded = false
        while index < words.count {
            let word = words[index]
            index += 1
            if optionsEnded || word == "-" || !word.hasPrefix("-") {
                result.positionals.append(word)
                continue
            }
            if word == "--" {
                optionsEnded = true
                continue
            }
            var name = word
            var inlineValue: String?
            if word.hasPrefix("--"), let eq = word.firstIndex(of: "=") {
                name = String(word[..<eq])
                inlineValue = String(word[word.index(after: eq)...])
            }
            guard let spec = specs.first(where: { $0.name == name || $0.alias == name }) else {
                throw CLIError.usage(name, "unknown option", command: command)
            }
            if spec.takesValue {
                if let inlineValue {
                    result.options.append(.init(name: spec.name, value: inlineValue))
                } else if index < words.count {
                    result.options.append(.init(name: spec.name, value: words[index]))
                    index += 1
                } else {
                    throw CLIError.usage(name, "needs a value (\(spec.valueName ?? "VALUE"))", command: command)
                }
            } else {
                if inlineValue != nil {
                    throw CLIError.usage(name, "takes no value", command: command)
                }
                result.options.append(.init(name: spec.name, value: nil))
            }
        }
        return result
    }

    /// Checks the number of positional arguments against `names` (the
    /// placeholders, e.g. `["<baseline>", "<restored>"]`) and returns them.
    static func positionals(_ arguments: ParsedArguments, names: [String], command: String) throws(CLIError) -> [String] {
        let given = arguments.positionals
        if given.count < names.count {
            throw CLIError.usage(command, "missing \(names[given.count])", command: command)
        }
        if given.count > names.count {
            throw CLIError.usage(command, "unexpected argument \"\(given[names.count])\"", command: command)
        }
        return given
    }
}
