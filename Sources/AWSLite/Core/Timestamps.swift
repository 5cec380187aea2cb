import Foundation
import Primitives

/// `Date` adapters over Primitives' ``Timestamp`` (RFC 3339) and ``HTTPDate`` (RFC 7231):
/// logs, tags, run documents, event fields, credential expirations, S3 bodies and HTTP
/// headers. No `DateFormatter`: the same arithmetic as manifests.
public enum Timestamps {
    /// `2025-03-04T05:41:17.123Z` (milliseconds, truncated).
    public static func rfc3339Millis(_ date: Date) -> String {
        Timestamp.format(ns: nanoseconds(date), fractionDigits: 3)
    }

    /// `2025-03-04T05:41:17Z` (whole seconds, truncated; as used in tags and queries).
    public static func rfc3339(_ date: Date) -> String {
        Timestamp.format(ns: nanoseconds(date), fractionDigits: 0)
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (years 0000–9999, fraction of
    /// 1–9 digits); nil when malformed.
    public static func parse(_ text: String) -> Date? {
        Timestamp.parseInstant(text).map { date(seconds: $0.seconds, nanoseconds: $0.nanoseconds) }
    }

    /// Parses an HTTP date (IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`); nil when
    /// `text` is nil or not one.
    public static func parseHTTPDate(_ text: String?) -> Date? {
        text.flatMap(HTTPDate.parse).map { date(seconds: $0, nanoseconds: 0) }
    }

    /// Whole milliseconds (rounded down) as nanoseconds, clamped to what `Int64` holds
    /// (years 1677–2262).
    public static func nanoseconds(_ date: Date) -> Int64 {
        let limit = 9_223_372_036_853.0
        let millis = min(max((date.timeIntervalSince1970 * 1000).rounded(.down), -limit), limit)
        return millis.isNaN ? 0 : Int64(millis) * 1_000_000
    }

    /// Whole seconds since the epoch (rounded down), clamped to ±2^62 (NaN as 0).
    public static func seconds(_ date: Date) -> Int64 {
        let limit = 4_611_686_018_427_387_904.0
        let seconds = min(max(date.timeIntervalSince1970.rounded(.down), -limit), limit)
        return seconds.isNaN ? 0 : Int64(seconds)
    }

    private static func date(seconds: Int64, nanoseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1_000_000_000)
    }
}
