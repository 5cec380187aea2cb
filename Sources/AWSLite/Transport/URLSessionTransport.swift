import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `HTTPTransport` over (Foundation­Networking's) URLSession.
///
/// Each request carries its own idle timeout; the whole exchange is bounded by
/// `resourceTimeout`. Bodies are sent from memory: callers keep them bounded
/// (S3 uploads go part by part, downloads range by range).
public struct URLSessionTransport: HTTPTransport {
    private let session: URLSession

    /// - Parameter resourceTimeout: the longest one request/response may take in total.
    public init(resourceTimeout: TimeInterval = 900) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForResource = resourceTimeout
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        self.session = URLSession(configuration: configuration)
    }

    /// Sends `request`; fails with `HTTPTransportError(.mayHaveBeenSent)` when no
    /// complete response arrived within `timeout` seconds (the task is cancelled).
    public func send(_ request: HTTPRequest, timeout: TimeInterval) async throws -> HTTPResponse {
        try await withThrowingTaskGroup(of: HTTPResponse?.self) { group in
            group.addTask { try await self.exchange(request, timeout: timeout) }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(max(0, timeout) * 1_000_000_000))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let response = first else {
                throw HTTPTransportError(stage: .mayHaveBeenSent, message: "\(request.method) \(request.url.host ?? ""): no response within \(timeout) s")
            }
            return response
        }
    }

    private func exchange(_ request: HTTPRequest, timeout: TimeInterval) async throws -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        urlRequest.httpMethod = request.method
        for header in request.headers { urlRequest.addValue(header.value, forHTTPHeaderField: header.name) }
        let data: Data
        let response: URLResponse
        do {
            if request.body.isEmpty {
                (data, response) = try await session.data(for: urlRequest)
            } else {
                (data, response) = try await session.upload(for: urlRequest, from: Data(request.body))
            }
        } catch let error as URLError {
            throw HTTPTransportError(stage: Self.stage(of: error.code), message: "\(request.method) \(request.url.host ?? ""): \(error.localizedDescription) (URLError \(error.code.rawValue))")
        } catch {
            throw HTTPTransportError(stage: .mayHaveBeenSent, message: "\(request.method) \(request.url.host ?? ""): \(error)")
        }
        guard let http = response as? HTTPURLResponse else {
            throw HTTPTransportError(stage: .mayHaveBeenSent, message: "not an HTTP response from \(request.url.host ?? "")")
        }
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
        }
        return HTTPResponse(status: http.statusCode, headers: headers, body: [UInt8](data))
    }

    /// Failures that happen before any byte of the request left this host.
    static func stage(of code: URLError.Code) -> HTTPTransportError.Stage {
        switch code {
        case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet,
            .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected:
            return .notSent
        default:
            return .mayHaveBeenSent
        }
    }
}
