#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ManifestKit

// The whole process: gather the outside world, run, exit with the status.
// First of all, the signals that end the run are blocked (InterruptGuard): from
// here on none is lost or acted on before the guard's thread takes it.
InterruptGuard.blockSignals()
// SIGPIPE is ignored so that a closed socket is an error, not death; a closed
// stdout ends the process as the signal would (Console), so `show m.gz | head` is quiet.
signal(SIGPIPE, SIG_IGN)
let environment = ProcessInfo.processInfo.environment
TestPause.at(.start, environment: environment)
InterruptGuard.shared.activate()
ResourceLimits.raiseOpenFiles()
let context = CommandContext(
    console: .standard(),
    configuration: Configuration(environment: environment),
    now: { WallClock.nowNanoseconds() }
)
exit(CLI.run(Array(CommandLine.arguments.dropFirst()), context: context).rawValue)
