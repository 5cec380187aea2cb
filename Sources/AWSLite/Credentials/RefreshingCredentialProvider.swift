import Foundation

/// Caches another provider's credentials and refreshes them before they expire.
///
/// - Credentials without `expiration` are kept for good.
/// - From `expiration - refreshMargin` on, the next caller triggers a refresh.
///   If that refresh fails while the cached credentials have not yet expired,
///   they are still returned (the next call tries again); once expired, the
///   error is thrown.
/// - When a refresh fails, or answers credentials that need refreshing already
///   (expired, or inside the margin — e.g. a container endpoint serving stale
///   keys), the cached ones are used without asking again for a back-off period
///   (`minBackoff`, doubling up to `maxBackoff`) instead of on every request;
///   credentials already expired are reported once through `warn`.
/// - One refresh at a time: concurrent callers await the same task.
/// - The clock is injected.
public actor RefreshingCredentialProvider: CredentialProvider {
    private let base: any CredentialProvider
    private let refreshMargin: TimeInterval
    private let now: @Sendable () -> Date
    private var cached: Credentials?
    private var inFlight: (id: Int, task: Task<Credentials, any Error>)?
    private var nextID = 0
    private let minBackoff: TimeInterval
    private let maxBackoff: TimeInterval
    private let warn: @Sendable (String) -> Void
    private var backoff: TimeInterval = 0
    private var notBefore: Date?
    private var warnedExpired = false

    /// - Parameters:
    ///   - base: where credentials come from (e.g. ``CredentialProviderChain``).
    ///   - refreshMargin: how long before `expiration` to refresh (default 5 minutes).
    ///   - minBackoff, maxBackoff: the pause before asking `base` again after a refresh
    ///     that failed or brought stale credentials (doubling each time).
    ///   - now: the clock.
    ///   - warn: receives the one warning about expired credentials (default: stderr).
    public init(
        wrapping base: any CredentialProvider, refreshMargin: TimeInterval = 300, minBackoff: TimeInterval = 5, maxBackoff: TimeInterval = 300,
        now: @escaping @Sendable () -> Date = { Date() }, warn: @escaping @Sendable (String) -> Void = RefreshingCredentialProvider.standardError
    ) {
        self.base = base
        self.refreshMargin = refreshMargin
        self.minBackoff = minBackoff
        self.maxBackoff = max(minBackoff, maxBackoff)
        self.now = now
        self.warn = warn
    }

    /// Writes `message` and a newline to the standard error.
    public static let standardError: @Sendable (String) -> Void = { message in
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    public func credentials() async throws -> Credentials {
        if let cached, !needsRefresh(cached) { return cached }
        if let cached, let notBefore, now() < notBefore { return cached }
        let (id, task) = startOrJoinRefresh()
        do {
            let fresh = try await task.value
            finish(id, with: fresh)
            if needsRefresh(fresh) {
                backOff()
                if let expiration = fresh.expiration, now() >= expiration, !warnedExpired {
                    warnedExpired = true
                    warn("warning: the AWS credentials just fetched expired at \(Timestamps.rfc3339(expiration)); using them anyway, asking again in \(Int(backoff)) s")
                }
            } else {
                backoff = 0
                notBefore = nil
            }
            return fresh
        } catch {
            finish(id, with: nil)
            if let cached, let expiration = cached.expiration, now() < expiration {
                backOff()
                return cached
            }
            throw error
        }
    }

    private func backOff() {
        backoff = backoff == 0 ? minBackoff : min(maxBackoff, backoff * 2)
        notBefore = now().addingTimeInterval(backoff)
    }

    /// Drops the cached credentials so the next call fetches new ones (e.g. after
    /// AWS answered `ExpiredToken`).
    public func invalidate() {
        cached = nil
        notBefore = nil
    }

    /// Drops the cached credentials if they are still `rejected` (when several requests
    /// are refused at once, only the first one causes a fetch; the others find the
    /// cache already renewed). Always `true`: the next call asks the base provider
    /// unless it has just been asked.
    public func invalidate(rejected: Credentials) async -> Bool {
        if cached == rejected {
            cached = nil
            notBefore = nil
        }
        return true
    }

    private func needsRefresh(_ credentials: Credentials) -> Bool {
        guard let expiration = credentials.expiration else { return false }
        return now() >= expiration.addingTimeInterval(-refreshMargin)
    }

    private func startOrJoinRefresh() -> (Int, Task<Credentials, any Error>) {
        if let inFlight { return (inFlight.id, inFlight.task) }
        nextID += 1
        let base = self.base
        let task = Task { try await base.credentials() }
        inFlight = (nextID, task)
        return (nextID, task)
    }

    private func finish(_ id: Int, with credentials: Credentials?) {
        guard inFlight?.id == id else { return }
        inFlight = nil
        if let credentials { cached = credentials }
    }
}
