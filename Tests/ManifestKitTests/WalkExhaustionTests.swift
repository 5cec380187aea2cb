import Glibc
import Synchronization
import XCTest
@testable import ManifestKit

/// Running out of descriptors or memory is a fact about the process, never about
/// an entry: the walk retries and its entries are exactly those of an
/// unconstrained walk, or it stops with an error naming the limit.
final class WalkExhaustionTests: XCTestCase {
    private func makeTree() throws -> WalkTestTree {
        let t = try WalkTestTree()
        for d in 0..<30 {
            try t.mkdir(b("d\(d)"))
            try t.mkdir(b("d\(d)/sub"))
            try t.symlink(b("d\(d)/link"), to: b("../d\(d)"))
            for f in 0..<6 {
                try t.write(b("d\(d)/f\(f)"), Array("\(d)/\(f)".utf8))
                try t.write(b("d\(d)/sub/g\(f)"), Array(repeating: UInt8(f), count: 5000 * f))
            }
        }
        return t
    }

    /// A fake that fails a random share of the walker's calls with one of the
    /// exhaustion codes (a fixed seed per run; threads make the order vary).
    private func randomlyExhausted(seed: UInt64, share: UInt64) -> @Sendable (WalkStep, [UInt8]) -> Int32? {
        let state = Mutex(seed)
        let codes = [EMFILE, ENFILE, ENOMEM, ENOBUFS]
        return { _, _ in
            state.withLock { s -> Int32? in
                s = s &* 6364136223846793005 &+ 1442695040888963407
                let r = s >> 33
                return r % 100 < share ? codes[Int(r / 100 % 4)] : nil
            }
        }
    }

    func testRandomExhaustionNeverReachesTheEntries() throws {
        let t = try makeTree()
        let expected = try t.walk(WalkOptions(concurrency: 4))
        XCTAssertEqual(expected.count, 30 * 15)
        XCTAssertTrue(expected.allSatisfy { $0.error == nil })
        for (concurrency, perJob) in [(1, 1), (4, 8), (32, 1), (256, 8)] {
            var options = WalkOptions(concurrency: concurrency, mapLargeFiles: false)
            options.namesPerJob = perJob
            options.testHooks.injectErrno = randomlyExhausted(seed: UInt64(concurrency), share: 8)
            let progress = WalkProgress()
            let entries = try t.walk(options, progress: progress)
            XCTAssertEqual(entries, expected, "concurrency \(concurrency)")
            XCTAssertGreaterThan(progress.exhaustionRetries, 0)
            XCTAssertEqual(progress.errors, 0)
        }
    }

    func testExhaustionThatNeverEndsStopsTheWalkNamingTheLimit() throws {
        let t = try makeTree()
        for (code, limit) in [(EMFILE, "open-file limit (RLIMIT_NOFILE)"), (ENFILE, "fs.file-max"), (ENOMEM, "memory limit")] {
            var options = WalkOptions(concurrency: 8)
            options.testHooks.exhaustionAttempts = 3
            options.testHooks.injectErrno = { step, path in
                path == b("d7/sub/g3") && (step == .open || step == .stat) ? code : nil
            }
            var emitted: [ManifestEntry] = []
            let walker = try TreeWalker(root: t.root, options: options)
            XCTAssertThrowsError(try walker.run { emitted.append($0) }) { error in
                guard let error = error as? ManifestKitError else { return XCTFail("\(error)") }
                XCTAssertEqual(error.kind, .io)
                XCTAssertEqual(error.subject, t.root)
                XCTAssertTrue(error.reason.hasPrefix("\(SystemError.describe(code)): the walk cannot go on: "), error.reason)
                XCTAssertTrue(error.reason.contains(limit), error.reason)
            }
            XCTAssertFalse(emitted.contains { $0.error != nil }, "an exhaustion error reached an entry")
            XCTAssertFalse(emitted.contains { $0.path == b("d7/sub/g3") })
        }
    }

    func testDescriptorBudgetFollowsTheLimit() {
        XCTAssertEqual(DescriptorBudget.of(limit: 1 << 20, open: 10, concurrency: 256),
                       DescriptorBudget(jobsInFlight: 256, maxOpenDirectories: 512))
        XCTAssertEqual(DescriptorBudget.of(limit: 1024, open: 8, concurrency: 32),
                       DescriptorBudget(jobsInFlight: 32, maxOpenDirectories: 250))
        XCTAssertEqual(DescriptorBudget.of(limit: 64, open: 8, concurrency: 256),
                       DescriptorBudget(jobsInFlight: 10, maxOpenDirectories: 10))
        XCTAssertEqual(DescriptorBudget.of(limit: 32, open: 8, concurrency: 256),
                       DescriptorBudget(jobsInFlight: 2, maxOpenDirectories: 2))
        XCTAssertEqual(DescriptorBudget.of(limit: 16, open: 8, concurrency: 256),
                       DescriptorBudget(jobsInFlight: 1, maxOpenDirectories: 1))
    }

    func testOnlyResourceCodesCountAsExhaustion() {
        XCTAssertEqual([EMFILE, ENFILE, ENOMEM, ENOBUFS].filter(ResourceLimits.isExhaustion).count, 4)
        XCTAssertEqual([ENOENT, EACCES, EIO, EAGAIN, ESTALE, EXDEV, ELOOP].filter(ResourceLimits.isExhaustion), [])
    }

    /// A real limit: a child process cannot lower its own limit for the test, so
    /// this one lowers the soft limit of the test process around a walk.
    func testRealDescriptorLimitGivesTheSameEntries() throws {
        let t = try makeTree()
        let expected = try t.walk(WalkOptions(concurrency: 4))
        guard let open = ResourceLimits.openDescriptorCount(), let limits = ResourceLimits.openFiles() else {
            throw XCTSkip("no /proc/self/fd")
        }
        defer {
            var restore = rlimit(rlim_cur: rlim_t(limits.soft), rlim_max: rlim_t(limits.hard))
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &restore)
        }
        for extra in [4, 8, 24] {
            var low = rlimit(rlim_cur: rlim_t(open + extra), rlim_max: rlim_t(limits.hard))
            XCTAssertEqual(setrlimit(Int32(RLIMIT_NOFILE.rawValue), &low), 0)
            for concurrency in [1, 32, 256] {
                var options = WalkOptions(concurrency: concurrency)
                options.testHooks.exhaustionAttempts = 8
                do {
                    let entries = try t.walk(options)
                    XCTAssertEqual(entries, expected, "\(extra) spare descriptors, concurrency \(concurrency)")
                } catch let error as ManifestKitError {
                    XCTAssertTrue(error.reason.hasPrefix("EMFILE: Too many open files: the walk cannot go on"), error.reason)
                }
            }
        }
    }
}
