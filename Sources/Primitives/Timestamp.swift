/// RFC 3339 timestamps in UTC with nanoseconds, as manifests write them
/// (`2026-11-22T00:41:23.123456789Z`). Pure arithmetic (``CivilTime``): no Foundation
/// date formatters, no locale, no time zone database.
public enum Timestamp {
    private static let nsPerSecond: Int64 = 1_000_000_000

    /// Formats nanoseconds since the epoch as `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`
    /// (nine fraction digits by default, always `Z`).
    ///
    /// `fractionDigits` (0–9) keeps that many digits, truncating: 3 gives milliseconds
    /// (`…:05.921Z`), 0 whole seconds without a point (`…:05Z`).
    /// Every `Int64` is representable (years 1677–2262).
    public static func format(ns: Int64, fractionDigits: Int = 9) -> String {
        var out = [UInt8]()
        out.reserveCapacity(30)
        append(ns: ns, fractionDigits: fractionDigits, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the ``format(ns:fractionDigits:)`` text to `out` (no allocation of its own).
    public static func append(ns: Int64, fractionDigits: Int = 9, to out: inout [UInt8]) {
        var seconds = ns / nsPerSecond
        var frac = ns % nsPerSecond
        if frac < 0 {
            frac += nsPerSecond
            seconds -= 1
        }
        let c = CivilTime(secondsSince1970: seconds)
        Digits.append(c.year, width: 4, to: &out); out.append(0x2D)
        Digits.append(c.month, width: 2, to: &out); out.append(0x2D)
        Digits.append(c.day, width: 2, to: &out); out.append(0x54)
        Digits.append(c.hour, width: 2, to: &out); out.append(0x3A)
        Digits.append(c.minute, width: 2, to: &out); out.append(0x3A)
        Digits.append(c.second, width: 2, to: &out)
        let kept = min(max(fractionDigits, 0), 9)
        if kept > 0 {
            var scale: Int64 = 1
            for _ in kept..<9 { scale *= 10 }
            out.append(0x2E)
            Digits.append(frac / scale, width: kept, to: &out)
        }
        out.append(0x5A)
    }

    /// Parses RFC 3339 (`YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, fraction of 1–9
    /// digits, `T`/`Z` in either case) to nanoseconds since the epoch.
    ///
    /// Returns nil for anything else: wrong shape, out-of-range fields (month 13,
    /// February 30, second 60), more than nine fraction digits, or an instant
    /// outside the `Int64` nanosecond range (years 1677–2262).
    public static func parse(_ text: String) -> Int64? {
        var copy = text
        return copy.withUTF8 { parse(utf8: $0) }
    }

    /// ``parse(_:)`` over UTF-8 bytes.
    public static func parse(utf8 u: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard let (secs, frac) = parseInstant(utf8: u) else { return nil }
        // Borrow a second for negative instants so that Int64.min stays reachable.
        let (s2, f2) = secs < 0 && frac > 0 ? (secs + 1, frac - nsPerSecond) : (secs, frac)
        let (whole, o1) = s2.multipliedReportingOverflow(by: nsPerSecond)
        guard !o1 else { return nil }
        let (total, o2) = whole.addingReportingOverflow(f2)
        return o2 ? nil : total
    }

    /// The same grammar as ``parse(_:)`` for every year 0000–9999: whole seconds since
    /// the epoch and the nanoseconds (0–999,999,999) after them.
    public static func parseInstant(_ text: String) -> (seconds: Int64, nanoseconds: Int64)? {
        var copy = text
        return copy.withUTF8 { parseInstant(utf8: $0) }
    }

    /// ``parseInstant(_:)`` over UTF-8 bytes.
    public static func parseInstant(utf8 u: UnsafeBufferPointer<UInt8>) -> (seconds: Int64, nanoseconds: Int64)? {
        guard u.count >= 20 else { return nil }
        guard let y = Digits.parse(u, 0, 4), u[4] == 0x2D, let mo = Digits.parse(u, 5, 2), u[7] == 0x2D,
              let d = Digits.parse(u, 8, 2), u[10] == 0x54 || u[10] == 0x74,
              let h = Digits.parse(u, 11, 2), u[13] == 0x3A, let mi = Digits.parse(u, 14, 2), u[16] == 0x3A,
              let s = Digits.parse(u, 17, 2)
        else { return nil }
        let civil = CivilTime(year: y, month: mo, day: d, hour: h, minute: mi, second: s)
        guard civil.isValid else { return nil }
        var i = 19
        var frac: Int64 = 0
        if u[i] == 0x2E {
            i += 1
            var n = 0
            while i < u.count, u[i] >= 0x30, u[i] <= 0x39 {
                guard n < 9 else { return nil }
                frac = frac * 10 + Int64(u[i] - 0x30)
                n += 1
                i += 1
            }
            guard n > 0 else { return nil }
            while n < 9 { frac *= 10; n += 1 }
        }
        guard i < u.count else { return nil }
        var offset: Int64 = 0
        switch u[i] {
        case 0x5A, 0x7A:
            i += 1
        case 0x2B, 0x2D:
            guard u.count - i == 6, let oh = Digits.parse(u, i + 1, 2), u[i + 3] == 0x3A, let om = Digits.parse(u, i + 4, 2),
                  oh <= 23, om <= 59 else { return nil }
            offset = (oh * 60 + om) * 60 * (u[i] == 0x2D ? -1 : 1)
            i += 6
        default:
            return nil
        }
        guard i == u.count else { return nil }
        return (civil.secondsSince1970 - offset, frac)
    }
}
