#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ManifestKit
import Primitives

/// Time helpers: the real clock (used only by `main.swift`) and UTC formatting.
enum WallClock {
    /// Nanoseconds since the epoch (CLOCK_REALTIME).
    static func nowNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// Monotonic nanoseconds, for rates and durations.
    static func monotonicNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// `2026-11-22T00:41:21Z` (whole seconds, UTC; floor for times before
    /// 1970): the manifest timestamp without its fraction.
    static func utcSeconds(_ nanoseconds: Int64) -> String {
        Timestamp.format(ns: nanoseconds, fractionDigits: 0)
    }
}
