import AWSLite
import Foundation

/// The side effects of a finished run besides cleanup. Each is its own step: one that keeps
/// failing is retried on later ticks (bounded), counted in the `SideEffectFailures` metric,
/// and never holds back the others or the cleanup of billed resources.
public enum SideEffect: String, Sendable, Codable, CaseIterable {
    /// `report.json` and `summary.txt` (the findings are streamed by the diff itself).
    case report
    /// The SNS summary.
    case summary
    /// The run's EMF line.
    case metrics
    /// The restore-testing `PutRestoreValidationResult`.
    case validation

    /// The claim key of the once-only action (nil: repeating it is harmless).
    public var claimKey: ClaimKey? {
        switch self {
        case .report: return nil
        case .summary: return .notify
        case .metrics: return .metrics
        case .validation: return .validation
        }
    }
}

/// Failures of one side effect of a run.
public struct SideEffectFailure: Sendable, Codable, Equatable {
    /// Failed attempts so far.
    public var failures: Int
    /// The last failure, for people reading the run.
    public var lastError: String
    /// Not retried before this time.
    public var retryAt: Date
    /// True once `StepPlanner.sideEffectAttempts` attempts failed: the run goes on without it.
    public var gaveUp: Bool

    public init(failures: Int, lastError: String, retryAt: Date, gaveUp: Bool) {
        self.failures = failures
        self.lastError = lastError
        self.retryAt = retryAt
        self.gaveUp = gaveUp
    }
}

extension Run {
    /// Whether `effect` may be attempted now: never failed, or its retry time has come and
    /// it has not been given up.
    public func sideEffectDue(_ effect: SideEffect, now: Date) -> Bool {
        guard let failure = sideEffectFailures?[effect.rawValue] else { return true }
        return !failure.gaveUp && failure.retryAt <= now
    }

    /// Whether `effect` was given up after its bounded attempts.
    public func sideEffectGivenUp(_ effect: SideEffect) -> Bool {
        sideEffectFailures?[effect.rawValue]?.gaveUp == true
    }

    /// Records a failed attempt of `effect`: the next one waits `firstPause` doubled per
    /// earlier failure (at most an hour), and after
    /// `attempts` failures the effect is given up. Releases the effect's claim so a later
    /// attempt (this or another invocation) may take it.
    public mutating func recordSideEffectFailure(
        _ effect: SideEffect, _ reason: String, at time: Date, attempts: Int, firstPause: TimeInterval = 60
    ) {
        var record = sideEffectFailures?[effect.rawValue]
            ?? SideEffectFailure(failures: 0, lastError: "", retryAt: time, gaveUp: false)
        record.failures += 1
        record.lastError = String(reason.prefix(1000))
        record.retryAt = time.addingTimeInterval(Self.sideEffectBackoff(failures: record.failures, firstPause: firstPause))
        record.gaveUp = record.failures >= attempts
        var all = sideEffectFailures ?? [:]
        all[effect.rawValue] = record
        sideEffectFailures = all
        if let key = effect.claimKey, claims?[key] != nil { claims?[key] = nil }
        note(record.gaveUp ? "\(effect.rawValue) failed \(record.failures) times; given up: \(record.lastError)"
                           : "\(effect.rawValue) failed (attempt \(record.failures)); retried after \(Timestamps.rfc3339(record.retryAt))",
             at: time)
    }

    /// `firstPause` × 1, 2, 4, 8…, at most an hour.
    static func sideEffectBackoff(failures: Int, firstPause: TimeInterval) -> TimeInterval {
        let exponent = min(max(failures - 1, 0), 12)
        return min(firstPause * Double(1 << exponent), 3600)
    }
}
