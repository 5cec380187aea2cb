#if DEBUG
import Foundation
@testable import OrchestratorKit

extension FuzzTarget {
    /// An invocation payload through the orchestrator's event decoder.
    static let orchestratorEvent = FuzzTarget(name: "orchestrator-event", summary: "an invocation payload (JSON)") { input in
        _ = try? EventDecoder(workerContainer: "manifest-worker").decode(Data(input))
    }

    /// Bytes a Lambda Runtime API endpoint might send, read by the runtime
    /// client's HTTP reader over a socket pair, then (for a 2xx answer to
    /// `/next`) turned into an `Invocation`.
    static let runtimeResponse = FuzzTarget(name: "runtime-response", summary: "an HTTP response from the Runtime API") { input in
        guard let response = readResponse(Array(input.prefix(65_536))) else { return }
        if (200..<300).contains(response.status) {
            _ = try? Invocation.from(headers: response.headers, body: response.body)
        }
    }

    /// Sends `bytes` into one end of a socket pair, closes it, and reads a
    /// response from the other end (the bytes fit the socket's buffer).
    private static func readResponse(_ bytes: [UInt8]) -> OrchestratorKit.HTTPResponse? {
        var fds: [Int32] = [-1, -1]
        #if canImport(Glibc)
        let type = Int32(SOCK_STREAM.rawValue)
        #else
        let type = SOCK_STREAM
        #endif
        guard socketpair(AF_UNIX, type, 0, &fds) == 0 else { fatalError("socketpair: \(errno)") }
        defer { close(fds[0]) }
        do {
            try BlockingHTTP.writeAll(fds[1], Data(bytes))
        } catch {
            fatalError("writing the fuzz input into a socket pair failed: \(error)")
        }
        close(fds[1])
        var reader = BlockingHTTP.Reader(fd: fds[0])
        return try? reader.readResponse()
    }
}
#endif
