#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

// The whole process: gather the outside world, run, exit with the status.
// SIGPIPE is ignored so that a closed socket is an error, not death; a closed
// stdout ends the process as the signal would (Console), so `show m.gz | head` is quiet.
signal(SIGPIPE, SIG_IGN)
let context = CommandContext(
    console: .standard(),
    configuration: Configuration(environment: ProcessInfo.processInfo.environment),
    now: { WallClock.nowNanoseconds() }
)
exit(CLI.run(Array(CommandLine.arguments.dropFirst()), context: context).rawValue)
