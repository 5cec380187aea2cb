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
        let pending = PendingGet()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(status: Int, body: Data), any Error>) in
                let task = session.dataTask(with: request) { data, response, error in
                    if let error {
                        pending.finish(.failure(AWSError(kind: .transport, message: "GET \(url.absoluteString): \(error.localizedDescription)")))
                    } else if let http = response as? HTTPURLResponse {
                        pending.finish(.success((http.statusCode, data ?? Data())))
                    } else {
                        pending.finish(.failure(AWSError(kind: .transport, message: "GET \(url.absoluteString): not an HTTP response")))
                    }
                }
                pending.start(continuation, task: task)
                // Enforced here: URLRequest.timeoutInterval is not honoured everywhere.
                DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                    pending.finish(.failure(AWSError(kind: .transport, message: "GET \(url.absoluteString): no answer within \(timeout) s")))
                }
            }
        } onCancel: {
            pending.finish(.failure(CancellationError()))
        }
    }
}

/// One GET's continuation, resumed exactly once (answer, timeout or cancellation);
/// the data task is cancelled when something else finished first.
private final class PendingGet: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<(status: Int, body: Data), any Error>?
    private var task: URLSessionDataTask?
    private var early: Result<(status: Int, body: Data), any Error>?
    private var done = false

    func start(_ continuation: CheckedContinuation<(status: Int, body: Data), any Error>, task: URLSessionDataTask) {
        let finished: Result<(status: Int, body: Data), any Error>? = lock.withLock {
            if done { return early }
            self.continuation = continuation
            self.task = task
            return nil
        }
        if let finished {
            continuation.resume(with: finished)
        } else {
            task.resume()
        }
    }

    func finish(_ result: Result<(status: Int, body: Data), any Error>) {
        let (continuation, task): (CheckedContinuation<(status: Int, body: Data), any Error>?, URLSessionDataTask?) = lock.withLock {
            if done { return (nil, nil) }
            done = true
            if self.continuation == nil { early = result }
            defer { self.continuation = nil; self.task = nil }
            return (self.continuation, self.task)
        }
        continuation?.resume(with: result)
        if case .failure = result { task?.cancel() }
    }
}
