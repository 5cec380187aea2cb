import ManifestKit

/// What a command needs from the outside world, injected by `main.swift`
/// (and replaced in tests): the console, the configuration (environment),
/// and the clock.
struct CommandContext: Sendable {
    var console: Console
    var configuration: Configuration
    /// Nanoseconds since the epoch.
    var now: @Sendable () -> Int64
    /// How stderr lines are written (`--log-format`; set by ``CLI/run(_:context:)``).
    var logFormat: LogFormat = .text
}

/// Entry point of `manifest-worker`: dispatches to a command and maps every
/// error to a message on stderr and an exit status.
enum CLI {
    /// Runs the command line `words` (without the program name) and returns
    /// the exit status.
    static func run(_ words: [String], context: CommandContext) -> ExitStatus {
        var context = context
        let requested = LogFormat.requested(words, environment: context.configuration.environment)
        context.logFormat = LogFormat.resolve(words, environment: context.configuration.environment)
        let log = context.log
        InterruptGuard.shared.setLastWords { _, lines in log.log(.error, lines.joined()) }
        do {
            try LogFormat.check(requested)
            return try dispatch(words, context: context)
        } catch {
            // --json (and text logs): the error as one JSON object on stderr too.
            if ErrorJSON.requested(words) && context.logFormat != .json {
                context.console.err(ErrorJSON.line(for: error))
            } else {
                log.log(.error, message(for: error))
            }
            return .trouble
        }
    }

    /// The stderr line(s) for an error: `manifest-worker: <what>: <why>`.
    /// Whatever the error carries (file names, texts from a manifest) is
    /// escaped by ``HumanText``, so it stays on its line and cannot drive the terminal.
    static func message(for error: any Error) -> String {
        switch error {
        case let error as CLIError:
            return error.message
        case let error as ManifestKitError:
            return "\(Tool.name): \(error.humanDescription)\n"
        default:
            return "\(Tool.name): \(HumanText.line("\(error)"))\n"
        }
    }

    private static func dispatch(_ words: [String], context: CommandContext) throws -> ExitStatus {
        guard let commandIndex = try commandIndex(in: words) else {
            let arguments = try ArgumentParser.parse(words, specs: CommandSpecs.global, command: "")
            if arguments.has("--help") { return printHelp("", context) }
            if arguments.has("--version") { return printVersion(arguments, context) }
            if arguments.has("--list-settings") { return printSettings(arguments, context) }
            throw CLIError.usage("usage", "missing command (generate, diff, verify, check, show, plan-shards or join)", command: "")
        }
        let command = words[commandIndex]
        var rest = words
        rest.remove(at: commandIndex)

        if command == "help" {
            let arguments = try ArgumentParser.parse(rest, specs: CommandSpecs.global, command: "")
            if arguments.positionals.count > 1 {
                throw CLIError.usage("help", "unexpected argument \"\(arguments.positionals[1])\"", command: "")
            }
            let name = arguments.positionals.first ?? ""
            guard HelpText.text(for: name) != nil else {
                throw CLIError.usage(name, "unknown command", command: "")
            }
            return printHelp(name, context)
        }

        if command == "completion" {
            return try printCompletion(rest, context)
        }

        guard let specs = CommandSpecs.specs(for: command) else {
            throw CLIError.usage(command, "unknown command", command: "")
        }
        let arguments = try ArgumentParser.parse(rest, specs: specs, command: command)
        if arguments.has("--help") { return printHelp(command, context) }
        if arguments.has("--version") { return printVersion(arguments, context) }
        if arguments.has("--list-settings") { return printSettings(arguments, context) }
        // A bad --concurrency is named before the arguments are counted
        // (`generate --concurrency dir` took the directory as its value).
        if arguments.has("--concurrency") { _ = try context.configuration.concurrency(arguments) }
        _ = try Colour.enabled(arguments, environment: context.configuration.environment, stdoutIsTerminal: false)

        switch command {
        case "generate": return try GenerateCommand.run(arguments, context: context)
        case "diff": return try DiffCommand.run(arguments, context: context)
        case "verify": return try VerifyCommand.run(arguments, context: context)
        case "check": return try CheckCommand.run(arguments, context: context)
        case "plan-shards": return try PlanShardsCommand.run(arguments, context: context)
        case "join": return try JoinCommand.run(arguments, context: context)
        default: return try ShowCommand.run(arguments, context: context)
        }
    }

    /// The index of the first word that is neither an option nor the value of
    /// a global option (`--concurrency 8 generate …`).
    /// A global option's value that is a command's name (`--concurrency generate
    /// dir`) is taken as the value missing.
    private static func commandIndex(in words: [String]) throws(CLIError) -> Int? {
        var index = 0
        while index < words.count {
            let word = words[index]
            if word == "--" { return index + 1 < words.count ? index + 1 : nil }
            if word.hasPrefix("-") && word != "-" {
                let spec = CommandSpecs.global.first { ($0.name == word || $0.alias == word) && $0.takesValue }
                if let spec, index + 1 < words.count, CommandSpecs.specs(for: words[index + 1]) != nil || ["help", "completion"].contains(words[index + 1]) {
                    throw CLIError.usage(word, "needs a value (\(spec.valueName ?? "VALUE")) before the command", command: "")
                }
                index += spec != nil ? 2 : 1
                continue
            }
            return index
        }
        return nil
    }

    /// `completion bash|zsh|fish|man`: a script (``Completion``) or the man page (``ManPage``).
    private static func printCompletion(_ words: [String], _ context: CommandContext) throws -> ExitStatus {
        let arguments = try ArgumentParser.parse(words, specs: CommandSpecs.global, command: "completion")
        if arguments.has("--help") { return printHelp("completion", context) }
        guard let target = arguments.positionals.first else {
            throw CLIError.usage("completion", "missing shell (\(Completion.targets.joined(separator: ", ")))", command: "completion")
        }
        if arguments.positionals.count > 1 {
            throw CLIError.usage("completion", "unexpected argument \"\(arguments.positionals[1])\"", command: "completion")
        }
        guard let script = Completion.script(for: target) else {
            throw CLIError.usage(target, "unknown shell (\(Completion.targets.joined(separator: ", ")))", command: "completion")
        }
        context.console.out(script)
        return .success
    }

    private static func printHelp(_ command: String, _ context: CommandContext) -> ExitStatus {
        context.console.out(HelpText.text(for: command) ?? HelpText.topLevel)
        return .success
    }

    /// `--list-settings [--json]`: the environment variables (``EnvironmentVariable``).
    private static func printSettings(_ arguments: ParsedArguments, _ context: CommandContext) -> ExitStatus {
        context.console.out(arguments.has("--json") ? EnvironmentVariable.listingJSON() + "\n" : EnvironmentVariable.listingText())
        return .success
    }

    private static func printVersion(_ arguments: ParsedArguments, _ context: CommandContext) -> ExitStatus {
        if arguments.has("--json") {
            context.console.out(JSONValue.object([("tool", .string(Tool.name)), ("version", .string(Tool.version)), ("source", .string(Tool.source))]).serialized() + "\n")
        } else {
            context.console.out("\(Tool.identifier)\n")
        }
        return .success
    }
}
