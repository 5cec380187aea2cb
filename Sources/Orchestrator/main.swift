import Foundation
import OrchestratorKit

// Thin entry point: all logic lives in OrchestratorKit. The production services (AWSLite
// clients behind the OrchestratorKit protocols) are wired in `ProductionServices`.
let status = await OrchestratorMain.run(
    arguments: Array(CommandLine.arguments.dropFirst()),
    environment: ProcessInfo.processInfo.environment,
    source: BuildInfo.source,
    makeServices: { config, environment in try await ProductionServices.make(config: config, environment: environment) })
exit(status)
