import AWSLite
import Foundation

/// The Runtime API over AWSLite's HTTP/1.1 client (`SocketHTTPTransport`, the one the
/// AWS clients use): one connection per request (`Connection: close`), a 10 s connect
/// timeout and no idle timeout (the `/next` long-poll may block for hours). The blocking
/// I/O runs on a Dispatch thread, never on the cooperative pool.
public struct RuntimeHTTPClient: RuntimeAPIClient {
    public var host: String
    public var port: UInt16
    /// The largest answer accepted (an invocation's payload is at most 6 MB).
    static let maxAnswerBytes = 16 * 1024 * 1024
    static let limits = HTTPLimits(connectTimeout: 10, idleTimeout: .infinity, maxResponseBytes: maxAnswerBytes)

    /// - Parameter endpoint: `AWS_LAMBDA_RUNTIME_API`, e.g. `127.0.0.1:9001`.
    public init(endpoint: String) throws {
        guard let colon = endpoint.lastIndex(of: ":"), let port = UInt16(endpoint[endpoint.index(after: colon)...]),
              colon != endpoint.startIndex
        else {
            throw OrchestratorError(.configuration, "\(RuntimeAPI.endpointVariable): not host:port: \"\(endpoint)\"")
        }
        self.host = String(endpoint[..<colon])
        self.port = port
    }

    public func next() async throws -> Invocation {
        let response = try await exchange(method: "GET", path: RuntimeAPI.nextPath, headers: [], body: Data())
        guard response.status == 200 else {
            throw OrchestratorError(.runtime, "GET \(RuntimeAPI.nextPath): HTTP \(response.status)", httpStatus: response.status)
        }
        return try Invocation.from(headers: response.headers, body: Data(response.body))
    }

    public func respond(requestId: String, body: Data) async throws {
        try await postExpectingSuccess(RuntimeAPI.responsePath(requestId), headers: [], body: body)
    }

    public func reportError(requestId: String, _ report: RuntimeErrorReport) async throws {
        try await postExpectingSuccess(RuntimeAPI.errorPath(requestId),
                                       headers: [(RuntimeAPI.Header.errorType, report.errorType)], body: report.body)
    }

    public func reportInitError(_ report: RuntimeErrorReport) async throws {
        try await postExpectingSuccess(RuntimeAPI.initErrorPath,
                                       headers: [(RuntimeAPI.Header.errorType, report.errorType)], body: report.body)
    }

    private func postExpectingSuccess(_ path: String, headers: [(String, String)], body: Data) async throws {
        let response = try await exchange(method: "POST", path: path, headers: headers, body: body)
        guard (200..<300).contains(response.status) else {
            let text = String(decoding: response.body.prefix(512), as: UTF8.self)
            throw OrchestratorError(.runtime, "POST \(path): HTTP \(response.status): \(text)", httpStatus: response.status)
        }
    }

    /// The request as sent: `headers`, then `Content-Type: application/json` for a POST.
    static func request(method: String, path: String, host: String, port: UInt16, headers: [(String, String)], body: Data) throws -> HTTPRequest {
        let bracketed = host.contains(":") ? "[\(host)]" : host
        guard let url = URL(string: "http://\(bracketed):\(port)\(path)") else {
            throw OrchestratorError(.runtime, "cannot form a URL from \(host):\(port)\(path)")
        }
        var all = headers.map { (name: $0.0, value: $0.1) }
        if method != "GET" { all.append((name: "Content-Type", value: "application/json")) }
        return HTTPRequest(method: method, url: url, headers: all, body: [UInt8](body))
    }

    /// The exact request bytes (exposed for tests).
    static func requestBytes(method: String, path: String, host: String, port: UInt16, headers: [(String, String)], body: Data) -> Data {
        guard let request = try? request(method: method, path: path, host: host, port: port, headers: headers, body: body),
              let bytes = try? SocketHTTPTransport.requestBytes(request)
        else { return Data() }
        return Data(bytes)
    }

    private func exchange(method: String, path: String, headers: [(String, String)], body: Data) async throws -> AWSLite.HTTPResponse {
        let request = try Self.request(method: method, path: path, host: host, port: port, headers: headers, body: body)
        do {
            return try await SocketHTTPTransport().send(request, limits: Self.limits)
        } catch let error as HTTPTransportError {
            throw OrchestratorError(.runtime, "\(method) \(path): \(error.message)")
        }
    }
}
