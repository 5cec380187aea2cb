import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The one HTTP call credential providers make (a GET with a timeout), behind a
/// protocol so tests can point it anywhere.
public protocol CredentialHTTPClient: Sendable {
    /// GETs `url` with `headers`, giving up after `timeout` seconds.
    /// - Returns: the status code and body of any answer (non-2xx included).
    /// - Throws: when no answer came (refused, reset, timed out).
    func get(_ url: URL, headers: [(name: String, value: String)], timeout: TimeInterval) async throws -> (status: Int, body: Data)
}

/// ``CredentialHTTPClient`` over an ephemeral `URLSession` (no cache, no cookies).
public final class URLSessionCredentialHTTPClient: CredentialHTTPClient {
    private let session: URLSession

    public init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
    }

    deinit { session.finishTasksAndInvalidate() }

    public func get(_ url: URL, headers: [(name: String, value: String)], timeout: TimeInterval) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "GET"
        for header in headers { request.addValue(header.value, forHTTPHeaderField: header.name) }
        let (data, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else {
            throw AWSError(kind: .transport, message: "GET \(url.absoluteString): not an HTTP response")
        }
        return (http.statusCode, data)
    }
}
