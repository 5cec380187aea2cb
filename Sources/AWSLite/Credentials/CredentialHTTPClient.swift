import Foundation

/// The one HTTP call credential providers make (a GET with a timeout), behind a
/// protocol so tests can point it anywhere.
public protocol CredentialHTTPClient: Sendable {
    /// GETs `url` with `headers`, giving up after `timeout` seconds.
    /// - Returns: the status code and body of any answer (non-2xx included).
    /// - Throws: when no answer came (refused, reset, timed out).
    func get(_ url: URL, headers: [(name: String, value: String)], timeout: TimeInterval) async throws -> (status: Int, body: Data)
}

/// ``CredentialHTTPClient`` over an ``HTTPTransport`` (by default the project's own
/// ``SocketHTTPTransport``): `timeout` bounds the connection and every wait for data,
/// answers are limited to 64 KiB, redirects are not followed.
public struct TransportCredentialHTTPClient: CredentialHTTPClient {
    public static let maxAnswerBytes = 64 * 1024
    public let transport: any HTTPTransport

    public init(transport: any HTTPTransport = SocketHTTPTransport()) {
        self.transport = transport
    }

    public func get(_ url: URL, headers: [(name: String, value: String)], timeout: TimeInterval) async throws -> (status: Int, body: Data) {
        do {
            let response = try await transport.send(
                HTTPRequest(method: "GET", url: url, headers: headers),
                limits: HTTPLimits(connectTimeout: timeout, idleTimeout: timeout, deadline: AWSDeadline.current, maxResponseBytes: Self.maxAnswerBytes))
            return (response.status, Data(response.body))
        } catch let error as HTTPTransportError {
            throw AWSError(kind: .transport, message: "GET \(url.absoluteString): \(error.message)")
        }
    }
}
