import Foundation

/// Builds the production services from the configuration (AWS clients); injected so the
/// executable stays thin and tests can pass fakes.
public typealias ServicesFactory = @Sendable (OrchestratorConfig, [String: String]) async throws -> Services

/// The `orchestrator` executable's logic: Lambda mode when `AWS_LAMBDA_RUNTIME_API` is set,
/// otherwise a small CLI for local use.
///
/// Exit codes: 0 success; 1 the event could not be handled; 2 bad usage or configuration.
public enum OrchestratorMain {
    public static let usage = """
        usage: orchestrator handle [--event FILE|-] [--timeout SECONDS]
               orchestrator reconcile [--timeout SECONDS]
               orchestrator config --list [--json]
               orchestrator --help

        Verifies AWS Backup recovery points of EFS file systems, one step per event.
        With AWS_LAMBDA_RUNTIME_API set it serves the Lambda Runtime API instead.

          handle      handle one event: an EventBridge event or {"action":…} from FILE or stdin
          reconcile   re-drive every open run and sweep expired temporary resources
          config      --list: print every EBV_* setting it reads (name, required, default,
                      meaning); --json: as a JSON array
          --event     the event file ("-" or absent: stdin)
          --timeout   seconds this invocation may run (default 900)

        Configuration comes from EBV_* environment variables (see docs/orchestrator.md).
        Exit status: 0 success, 1 the event could not be handled, 2 bad usage or configuration.
        """

    /// Runs the executable. `readInput` returns stdin's bytes.
    public static func run(
        arguments: [String], environment: [String: String], clock: any WallClock = SystemClock(),
        stdout: any LogSink = StandardOutputSink(), stderr: any LogSink = StandardErrorSink(),
        readInput: @Sendable () -> Data = { FileHandle.standardInput.readDataToEndOfFile() },
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
            stderr.write("orchestrator: \(error)")
            stderr.write(usage)
            return 2
        }
        if case .help = command {
            stdout.write(usage)
            return 0
        }
        if case .listSettings(let json) = command {
            stdout.write(json ? OrchestratorSettings.json() : OrchestratorSettings.text())
            return 0
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
            case .help, .listSettings:
                return 0
            case .reconcile(let timeout):
                response = try await orchestrator.handle(.reconcile, deadline: clock.now().addingTimeInterval(timeout))
            case .handle(let path, let timeout):
                let data = try path.map { try Data(contentsOf: URL(fileURLWithPath: $0)) } ?? readInput()
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
    case handle(eventPath: String?, timeout: TimeInterval)
    case reconcile(timeout: TimeInterval)
    case listSettings(json: Bool)

    static func parse(_ arguments: [String]) throws -> CLICommand {
        guard let verb = arguments.first else { throw OrchestratorError(.usage, "missing command") }
        if ["--help", "-h", "help"].contains(verb) { return .help }
        if verb == "config" { return try parseConfig(Array(arguments.dropFirst())) }
        var eventPath: String?
        var timeout: TimeInterval = 900
        var index = 1
        while index < arguments.count {
            let option = arguments[index]
            if option == "--help" || option == "-h" { return .help }
            guard index + 1 < arguments.count else { throw OrchestratorError(.usage, "\(option): missing value") }
            let value = arguments[index + 1]
            switch (verb, option) {
            case ("handle", "--event"):
                eventPath = value == "-" ? nil : value
            case (_, "--timeout"):
                guard let seconds = TimeInterval(value), seconds > 0 else {
                    throw OrchestratorError(.usage, "--timeout: not a positive number: \"\(value)\"")
                }
                timeout = seconds
            default:
                throw OrchestratorError(.usage, "unknown option \(option)")
            }
            index += 2
        }
        switch verb {
        case "handle": return .handle(eventPath: eventPath, timeout: timeout)
        case "reconcile": return .reconcile(timeout: timeout)
        default: throw OrchestratorError(.usage, "unknown command \(verb)")
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
            default: throw OrchestratorError(.usage, "unknown option \(option)")
            }
        }
        guard list else { throw OrchestratorError(.usage, "config: missing --list") }
        return .listSettings(json: json)
    }
}
