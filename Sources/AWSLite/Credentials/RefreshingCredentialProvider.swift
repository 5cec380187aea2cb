import Foundation

/// Caches another provider's credentials and refreshes them before they expire.
///
/// - Credentials without `expiration` are kept for good.
/// - From `expiration - refreshMargin` on, the next caller triggers a refresh.
///   If that refresh fails while the cached credentials have not yet expired,
///   they are still returned (the next call tries again); once expired, the
///   error is thrown.
/// - One refresh at a time: concurrent callers await the same task.
/// - The clock is injected.
public actor RefreshingCredentialProvider: CredentialProvider {
    private let base: any CredentialProvider
    private let refreshMargin: TimeInterval
    private let now: @Sendable () -> Date
    private var cached: Credentials?
    private var inFlight: (id: Int, task: Task<Credentials, any Error>)?
    private var nextID = 0

    /// - Parameters:
    ///   - base: where credentials come from (e.g. ``CredentialProviderChain``).
    ///   - refreshMargin: how long before `expiration` to refresh (default 5 minutes).
    ///   - now: the clock.
    public init(wrapping base: any CredentialProvider, refreshMargin: TimeInterval = 300, now: @escaping @Sendable () -> Date = { Date() }) {
        self.base = base
        self.refreshMargin = refreshMargin
        self.now = now
    }

    public func credentials() async throws -> Credentials {
        if let cached, !needsRefresh(cached) { return cached }
        let (id, task) = startOrJoinRefresh()
        do {
            let fresh = try await task.value
            finish(id, with: fresh)
            return fresh
        } catch {
            finish(id, with: nil)
            if let cached, let expiration = cached.expiration, now() < expiration { return cached }
            throw error
        }
    }

    /// Drops the cached credentials so the next call fetches new ones (e.g. after
    /// AWS answered `ExpiredToken`).
    public func invalidate() { cached = nil }

    /// Drops the cached credentials if they are still `rejected` (when several requests
    /// are refused at once, only the first one causes a fetch; the others find the
    /// cache already renewed). Always `true`: the next call asks the base provider
    /// unless it has just been asked.
    public func invalidate(rejected: Credentials) async -> Bool {
        if cached == rejected { cached = nil }
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
