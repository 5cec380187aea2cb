import AWSLite
import Foundation
import ManifestKit

/// RFC 3339 (UTC, `Z`) for logs, tags, run documents and event fields: `Date` adapters over
/// ManifestKit's `Timestamp` (formatting) and AWSLite's `ISO8601Timestamp` (parsing).
public enum Timestamps {
    /// `2025-03-04T05:41:17.123Z` (milliseconds, truncated).
    public static func rfc3339Millis(_ date: Date) -> String {
        ManifestKit.Timestamp.format(ns: nanoseconds(date), fractionDigits: 3)
    }

    /// `2025-03-04T05:41:17Z` (whole seconds, as used in tags).
    public static func rfc3339(_ date: Date) -> String {
        ManifestKit.Timestamp.format(ns: nanoseconds(date), fractionDigits: 0)
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; nil when malformed.
    public static func parse(_ text: String) -> Date? {
        ISO8601Timestamp.parse(text)
    }

    /// Whole milliseconds (rounded down) as nanoseconds, clamped to what `Int64` holds
    /// (years 1677–2262).
    static func nanoseconds(_ date: Date) -> Int64 {
        let limit = 9_223_372_036_853.0
        let millis = min(max((date.timeIntervalSince1970 * 1000).rounded(.down), -limit), limit)
        return Int64(millis) * 1_000_000
    }
}
