import Foundation

/// Why the local AWS harness could not be started or a control call failed.
public enum LocalAWSError: Error, CustomStringConvertible, Equatable {
    /// No Python at `$EBV_VENV/bin/python` (or `<repo>/.venv/bin/python`).
    case venvMissing(path: String)
    /// `testenv/moto_server.py` is not where the repository root says it is.
    case serverScriptMissing(path: String)
    /// The harness process could not be launched.
    case launchFailed(reason: String)
    /// The harness did not print its JSON line within the timeout.
    case startupTimedOut(seconds: Double)
    /// The harness exited (or closed stdout) before printing its JSON line.
    case exitedBeforeReady(output: String)
    /// The first stdout line was not the expected JSON object.
    case badStartupLine(String)
    /// A `/_harness/...` control answered with a non-200 status.
    case controlFailed(path: String, status: Int, body: String)
    /// A control answer was not JSON.
    case badControlAnswer(path: String, body: String)

    public var description: String {
        switch self {
        case .venvMissing(let path):
            return "LocalAWS: no Python venv at \(path) — run scripts/setup (it creates .venv) or set EBV_VENV"
        case .serverScriptMissing(let path):
            return "LocalAWS: harness script missing at \(path) — set EBV_REPO_ROOT to the repository root"
        case .launchFailed(let reason):
            return "LocalAWS: could not launch the harness: \(reason)"
        case .startupTimedOut(let seconds):
            return "LocalAWS: the harness printed no startup line within \(seconds) s"
        case .exitedBeforeReady(let output):
            return "LocalAWS: the harness exited before it was ready (stdout: \(output.debugDescription))"
        case .badStartupLine(let line):
            return "LocalAWS: unexpected startup line \(line.debugDescription)"
        case .controlFailed(let path, let status, let body):
            return "LocalAWS: control \(path) answered \(status): \(body)"
        case .badControlAnswer(let path, let body):
            return "LocalAWS: control \(path) answered non-JSON: \(body.debugDescription)"
        }
    }
}
