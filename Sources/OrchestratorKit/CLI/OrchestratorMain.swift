import Foundation

/// Builds the production services from the configuration (AWS clients); injected so the
/// executable stays thin and tests can pass fakes.
public typealias ServicesFactory = @Sendable (OrchestratorConfig, [String: String]) async throws -> Services

/// The `orchestrator` executable's logic: Lambda mode when `AWS_LAMBDA_RUNTIME_API` is set,
/// otherwise a small CLI for local use.
///
/// Exit codes: 0 success; 1 the event could not be handled; 2 bad usage or configuration.
public enum OrchestratorMain {
    /// The release, as `--version` prints it before the build's source.
    public static let version = "0.1.0"

    public static let usage = """
        usage: orchestrator handle [--event FILE|-] [--timeout SECONDS]
               orchestrator reconcile [--timeout SECONDS]
               orchestrator config --list [--json]
               orchestrator --help | --version

        Verifies AWS Backup recovery points of EFS file systems, one step per event.
        With AWS_LAMBDA_RUNTIME_API set it serves the Lambda Runtime API instead.

          handle      handle one event: an EventBridge event or {"action":…} from FILE or stdin
          reconcile   re-drive every open run and sweep expired temporary resources
          config      --list: print every EBV_* setting it reads (name, required, default,
                      meaning); --json: as a JSON array
          --event     the event file ("-" or absent: stdin)
          --timeout   seconds this invocation may run (default 900)
          --version   print the version and the git commit it was built from

        Configuration comes from EBV_* environment variables (see docs/orchestrator.md).
        Exit status: 0 success, 1 the event could not be handled, 2 bad usage or configuration.
        """

    /// Runs the executable. `readInput` returns stdin's bytes; `source` is what the build
    /// was made from (`commit <hex>, <date>` or `unknown commit`), for `--version`.
    public static func run(
        arguments: [String], environment: [String: String], source: String = "unknown commit", clock: any WallClock = SystemClock(),
        stdout: any LogSink = StandardOutputSink(), stderr: any LogSink = StandardErrorSink(),
        readInput: @Sendable () throws -> Data = EventInput.readStandardInput,
        makeServices: ServicesFactory
    ) async -> Int32 {
        if arguments.isEmpty, let endpoint = environment[RuntimeAPI.endpointVariable], !endpoint.isEmpty {
            let logger = Logger(sink: stdout, clock: clock)
            do {
                let client = try RuntimeHTTPClient(endpoint: endpoint)
                return await runLambda(client: client, environment: environment, logger: logger, makeServices: makeServices)
            } catch {
                logger.error("cannot start the runtime", OrchestratorError.logFields(error))
                return 2
            }
        }
        let command: CLICommand
        do {
            command = try CLICommand.parse(arguments)
        } catch {
            // One line and a pointer to the help, as the worker does.
            stderr.write("orchestrator: \(error)")
            stderr.write("Try 'orchestrator --help'.")
            return 2
        }
        if case .help = command {
            stdout.write(usage)
            return 0
        }
        if case .version = command {
            stdout.write("orchestrator \(version) (\(source))")
            return 0
        }
        if case .listSettings(let json) = command {
            stdout.write(json ? OrchestratorSettings.json() : OrchestratorSettings.text())
            return 0
        }
        // The event is read first: a file that cannot be read is a usage error (exit 2),
        // whatever the configuration.
        var eventData: Data?
        if case .handle(let path, _) = command {
            do {
                eventData = try path.map(EventInput.read(path:)) ?? readInput()
            } catch {
                stderr.write("orchestrator: \(error)")
                return 2
            }
        }
        let logger = Logger(sink: stderr, clock: clock)
        let orchestrator: Orchestrator
        do {
            orchestrator = try await makeOrchestrator(environment: environment, logger: logger, makeServices: makeServices)
        } catch {
            stderr.write("orchestrator: \(error)")
            return 2
        }
        do {
            let response: String
            switch command {
            case .help, .version, .listSettings:
                return 0
            case .reconcile(let timeout):
                response = try await orchestrator.handle(.reconcile, deadline: clock.now().addingTimeInterval(timeout))
            case .handle(_, let timeout):
                let data = eventData ?? Data()
                let event = try EventDecoder(workerContainer: orchestrator.config.workerContainer).decode(data)
                response = try await orchestrator.handle(event, deadline: clock.now().addingTimeInterval(timeout))
            }
            stdout.write(response)
            return 0
        } catch {
            stderr.write("orchestrator: \(error)")
            return 1
        }
    }

    /// Lambda mode: configuration and services at init (an error goes to `/init/error` and
    /// ends the process with status 2), then the runtime loop.
    public static func runLambda(
        client: some RuntimeAPIClient, environment: [String: String], logger: Logger,
        maxInvocations: Int? = nil, setTraceId: @Sendable @escaping (String?) -> Void = Self.setTraceEnvironment,
        makeServices: ServicesFactory
    ) async -> Int32 {
        let orchestrator: Orchestrator
        do {
            orchestrator = try await makeOrchestrator(environment: environment, logger: logger, makeServices: makeServices)
        } catch {
            let report = RuntimeErrorReport(error)
            logger.error("init failed", ["errorType": report.errorType, "reason": report.errorMessage])
            do {
                try await client.reportInitError(report)
            } catch {
                logger.error("cannot report the init error", OrchestratorError.logFields(error))
            }
            return 2
        }
        let decoder = EventDecoder(workerContainer: orchestrator.config.workerContainer)
        do {
            try await runRuntimeLoop(client: client, logger: logger, maxInvocations: maxInvocations, setTraceId: setTraceId) {
                invocation, log in
                var handling = orchestrator
                handling.logger = log
                let event = try decoder.decode(invocation.body)
                return Data(try await handling.handle(event, deadline: invocation.deadline).utf8)
            }
            return 0
        } catch {
            logger.error("runtime loop ended", OrchestratorError.logFields(error))
            return 1
        }
    }

    /// Configuration, then services; any failure is a configuration error.
    static func makeOrchestrator(environment: [String: String], logger: Logger, makeServices: ServicesFactory) async throws -> Orchestrator {
        let config = try OrchestratorConfig(environment: environment)
        for warning in config.warnings { logger.warn(warning) }
        do {
            return Orchestrator(config: config, services: try await makeServices(config, environment), logger: logger)
        } catch let error as OrchestratorError {
            throw error
        } catch {
            throw OrchestratorError(.configuration, "\(error)")
        }
    }

    /// Sets (or unsets) `_X_AMZN_TRACE_ID` for the invocation.
    @Sendable public static func setTraceEnvironment(_ traceId: String?) {
        if let traceId {
            setenv(RuntimeAPI.traceIdVariable, traceId, 1)
        } else {
            unsetenv(RuntimeAPI.traceIdVariable)
        }
    }
}

/// The parsed command line.
enum CLICommand: Equatable {
    case help
    case version
    case handle(eventPath: String?, timeout: TimeInterval)
    case reconcile(timeout: TimeInterval)
    case listSettings(json: Bool)

    /// Parses the command line with the worker's rules: `--name value` or `--name=value`,
    /// options before or after the command, `--help` anywhere; an unknown option is named
    /// as unknown, an option without its value says which value it needs.
    static func parse(_ arguments: [String]) throws -> CLICommand {
        var verb: String?
        var eventPath: String?
        var timeout: TimeInterval = 900
        var rest: [String] = []
        var index = 0
        if arguments.contains(where: { $0 == "--help" || $0 == "-h" }) || arguments.first == "help" { return .help }
        if arguments == ["--version"] { return .version }
        if arguments.first == "config" { return try parseConfig(Array(arguments.dropFirst())) }
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            guard word.hasPrefix("-"), word != "-" else {
                if verb == nil { verb = word } else { rest.append(word) }
                continue
            }
            var name = word
            var inline: String?
            if word.hasPrefix("--"), let eq = word.firstIndex(of: "=") {
                name = String(word[..<eq])
                inline = String(word[word.index(after: eq)...])
            }
            let valueName: String
            switch name {
            case "--event": valueName = "FILE"
            case "--timeout": valueName = "SECONDS"
            default: throw OrchestratorError(.usage, "\(name): unknown option")
            }
            let value: String
            if let inline {
                value = inline
            } else if index < arguments.count {
                value = arguments[index]
                index += 1
            } else {
                throw OrchestratorError(.usage, "\(name): needs a value (\(valueName))")
            }
            if name == "--event" {
                eventPath = value == "-" ? nil : value
            } else {
                guard let seconds = TimeInterval(value), seconds.isFinite, seconds > 0 else {
                    throw OrchestratorError(.usage, "--timeout: not a positive number: \"\(value)\"")
                }
                timeout = seconds
            }
        }
        guard let verb else { throw OrchestratorError(.usage, "missing command (handle, reconcile or config)") }
        if let extra = rest.first { throw OrchestratorError(.usage, "\(verb): unexpected argument \"\(extra)\"") }
        switch verb {
        case "handle": return .handle(eventPath: eventPath, timeout: timeout)
        case "reconcile":
            if arguments.contains(where: { $0 == "--event" || $0.hasPrefix("--event=") }) {
                throw OrchestratorError(.usage, "--event: not an option of reconcile")
            }
            return .reconcile(timeout: timeout)
        default: throw OrchestratorError(.usage, "\(verb): unknown command")
        }
    }

    /// `config --list [--json]` (flags only, in any order).
    static func parseConfig(_ options: [String]) throws -> CLICommand {
        var list = false
        var json = false
        for option in options {
            switch option {
            case "--list": list = true
            case "--json": json = true
            case "--help", "-h": return .help
            default: throw OrchestratorError(.usage, "\(option): unknown option")
            }
        }
        guard list else { throw OrchestratorError(.usage, "config: missing --list") }
        return .listSettings(json: json)
    }
}
