import AWSLite
import Foundation
import TestSupport
import XCTest

/// An injected clock a test moves by hand.
final class CredTestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(_ start: Date) { current = start }
    var now: Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
    var closure: @Sendable () -> Date { { self.now } }
}

/// A provider that hands out numbered credentials expiring `lifetime` after the
/// clock's now, optionally slowly, optionally failing.
final class CredCountingProvider: CredentialProvider, @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var failing = false
    let clock: CredTestClock
    let lifetime: TimeInterval?
    let delay: Duration

    init(clock: CredTestClock, lifetime: TimeInterval?, delay: Duration = .zero) {
        self.clock = clock
        self.lifetime = lifetime
        self.delay = delay
    }

    var fetches: Int { lock.withLock { count } }
    func setFailing(_ value: Bool) { lock.withLock { failing = value } }

    func credentials() async throws -> Credentials {
        let (n, fail) = lock.withLock { count += 1; return (count, failing) }
        if delay > .zero { try await Task.sleep(for: delay) }
        if fail { throw AWSError(kind: .credentials, message: "fetch \(n) failed") }
        return Credentials(
            accessKeyId: "KEY\(n)", secretAccessKey: "S", sessionToken: "T\(n)",
            expiration: lifetime.map { clock.now.addingTimeInterval($0) })
    }
}

final class CredentialRefreshTests: XCTestCase {
    let start = Date(timeIntervalSince1970: 1_795_300_000)

    func testCachesUntilTheMarginThenRefreshes() async throws {
        let clock = CredTestClock(start)
        let base = CredCountingProvider(clock: clock, lifetime: 3600)
        let provider = RefreshingCredentialProvider(wrapping: base, refreshMargin: 300, now: clock.closure)
        var key = try await provider.credentials().accessKeyId
        XCTAssertEqual(key, "KEY1")
        clock.advance(3600 - 300 - 1)
        key = try await provider.credentials().accessKeyId
        XCTAssertEqual(key, "KEY1")
        XCTAssertEqual(base.fetches, 1)
        clock.advance(1)
        key = try await provider.credentials().accessKeyId
        XCTAssertEqual(key, "KEY2")
        XCTAssertEqual(base.fetches, 2)
        key = try await provider.credentials().accessKeyId
        XCTAssertEqual(key, "KEY2")
        XCTAssertEqual(base.fetches, 2)
    }

    func testCredentialsWithoutExpirationAreKept() async throws {
        let clock = CredTestClock(start)
        let base = CredCountingProvider(clock: clock, lifetime: nil)
        let provider = RefreshingCredentialProvider(wrapping: base, now: clock.closure)
        _ = try await provider.credentials()
        clock.advance(86_400 * 365)
        let key = try await provider.credentials().accessKeyId
        XCTAssertEqual(key, "KEY1")
        XCTAssertEqual(base.fetches, 1)
    }

    func testExpiredCredentialsAreRefetched() async throws {
        let clock = CredTestClock(start)
        let base = CredCountingProvider(clock: clock, lifetime: 900)
        let provider = RefreshingCredentialProvider(wrapping: base, refreshMargin: 0, now: clock.closure)
        _ = try await provider.credentials()
        clock.advance(900)
        let creds = try await provider.credentials()
        XCTAssertEqual(creds.accessKeyId, "KEY2")
        XCTAssertEqual(creds.expiration, start.addingTimeInterval(1800))
    }

    func testFailedRefreshKeepsUnexpiredCredentialsButNotExpiredOnes() async throws {
        let clock = CredTestClock(start)
        let base = CredCountingProvider(clock: clock, lifetime: 3600)
        let provider = RefreshingCredentialProvider(wrapping: base, refreshMargin: 300, now: clock.closure)
        _ = try await provider.credentials()
        base.setFailing(true)
        clock.advance(3600 - 120)
        let key = try await provider.credentials().accessKeyId
        XCTAssertEqual(key, "KEY1")
        XCTAssertEqual(base.fetches, 2)
        clock.advance(120)
        await assertThrowsAWSError(try await provider.credentials(), AWSError(kind: .credentials, message: "fetch 3 failed"))
        base.setFailing(false)
        let next = try await provider.credentials().accessKeyId
        XCTAssertEqual(next, "KEY4")
    }

    func testConcurrentCallersShareOneFetch() async throws {
        let clock = CredTestClock(start)
        let base = CredCountingProvider(clock: clock, lifetime: 3600, delay: .milliseconds(200))
        let provider = RefreshingCredentialProvider(wrapping: base, now: clock.closure)
        let keys = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<25 { group.addTask { try await provider.credentials().accessKeyId } }
            var keys: [String] = []
            for try await key in group { keys.append(key) }
            return keys
        }
        XCTAssertEqual(keys, Array(repeating: "KEY1", count: 25))
        XCTAssertEqual(base.fetches, 1)
        // And again once the credentials are due for refresh.
        clock.advance(3600)
        async let a = provider.credentials()
        async let b = provider.credentials()
        async let c = provider.credentials()
        let again = try await [a, b, c].map(\.accessKeyId)
        XCTAssertEqual(again, ["KEY2", "KEY2", "KEY2"])
        XCTAssertEqual(base.fetches, 2)
    }

    func testConcurrentCallersCauseOneContainerRequest() async throws {
        let clock = CredTestClock(Timestamps.parse("2026-11-22T05:00:00Z")!)
        let server = try TestHTTPServer { _ in
            Thread.sleep(forTimeInterval: 0.2)
            return .text(200, #"{"AccessKeyId":"ASIA1","SecretAccessKey":"S","Token":"T","Expiration":"2026-11-22T06:00:00Z"}"#)
        }
        defer { server.stop() }
        let provider = DefaultCredentialProvider.make(
            environment: ["HOME": "/nowhere", "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.baseURL + "/creds"],
            fileReader: inMemoryFiles([:]), now: clock.closure)
        let keys = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<10 { group.addTask { try await provider.credentials().accessKeyId } }
            var keys: [String] = []
            for try await key in group { keys.append(key) }
            return keys
        }
        XCTAssertEqual(keys, Array(repeating: "ASIA1", count: 10))
        XCTAssertEqual(server.requests.count, 1)
        clock.advance(55 * 60)
        _ = try await provider.credentials()
        XCTAssertEqual(server.requests.count, 2)
    }

    func testInvalidateForcesAFetch() async throws {
        let clock = CredTestClock(start)
        let base = CredCountingProvider(clock: clock, lifetime: nil)
        let provider = RefreshingCredentialProvider(wrapping: base, now: clock.closure)
        _ = try await provider.credentials()
        await provider.invalidate()
        let key = try await provider.credentials().accessKeyId
        XCTAssertEqual(key, "KEY2")
    }
}
