/// RFC 3339 timestamps in UTC with nanoseconds, as manifests write them
/// (`2026-11-22T00:41:23.123456789Z`). Pure arithmetic: no Foundation date
/// formatters, no locale, no time zone database.
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
        var days = seconds / 86_400
        var secOfDay = seconds % 86_400
        if secOfDay < 0 {
            secOfDay += 86_400
            days -= 1
        }
        let (y, m, d) = civil(fromDays: days)
        digits(y, 4, &out); out.append(0x2D)
        digits(m, 2, &out); out.append(0x2D)
        digits(d, 2, &out); out.append(0x54)
        digits(secOfDay / 3600, 2, &out); out.append(0x3A)
        digits(secOfDay / 60 % 60, 2, &out); out.append(0x3A)
        digits(secOfDay % 60, 2, &out)
        let kept = min(max(fractionDigits, 0), 9)
        if kept > 0 {
            var scale: Int64 = 1
            for _ in kept..<9 { scale *= 10 }
            out.append(0x2E)
            digits(frac / scale, kept, &out)
        }
        out.append(0x5A)
    }

    /// Parses RFC 3339 (`YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, fraction of 1–9
    /// digits, `T`/`Z` in either case) to nanoseconds since the epoch.
    ///
    /// Returns nil for anything else: wrong shape, out-of-range fields (month 13,
    /// February 30, second 60), more than nine fraction digits, or an instant
    /// outside the `Int64` nanosecond range.
    public static func parse(_ text: String) -> Int64? {
        var copy = text
        return copy.withUTF8 { parse(utf8: $0) }
    }

    /// ``parse(_:)`` over UTF-8 bytes.
    public static func parse(utf8 u: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard u.count >= 20 else { return nil }
        func num(_ from: Int, _ len: Int) -> Int64? {
            var v: Int64 = 0
            for i in from..<(from + len) {
                let c = u[i]
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int64(c - 0x30)
            }
            return v
        }
        guard let y = num(0, 4), u[4] == 0x2D, let mo = num(5, 2), u[7] == 0x2D, let d = num(8, 2),
              u[10] == 0x54 || u[10] == 0x74,
              let h = num(11, 2), u[13] == 0x3A, let mi = num(14, 2), u[16] == 0x3A, let s = num(17, 2)
        else { return nil }
        guard (1...12).contains(mo), d >= 1, d <= daysIn(month: mo, year: y),
              h <= 23, mi <= 59, s <= 59 else { return nil }
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
            guard u.count - i == 6, let oh = num(i + 1, 2), u[i + 3] == 0x3A, let om = num(i + 4, 2),
                  oh <= 23, om <= 59 else { return nil }
            offset = (oh * 60 + om) * 60 * (u[i] == 0x2D ? -1 : 1)
            i += 6
        default:
            return nil
        }
        guard i == u.count else { return nil }
        let days = daysFromCivil(y, mo, d)
        let secs = days * 86_400 + h * 3600 + mi * 60 + s - offset
        // Borrow a second for negative instants so that Int64.min stays reachable.
        let (s2, f2) = secs < 0 && frac > 0 ? (secs + 1, frac - nsPerSecond) : (secs, frac)
        let (whole, o1) = s2.multipliedReportingOverflow(by: nsPerSecond)
        guard !o1 else { return nil }
        let (total, o2) = whole.addingReportingOverflow(f2)
        return o2 ? nil : total
    }

    // MARK: - Civil calendar (proleptic Gregorian; H. Hinnant's algorithms)

    static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d)
    }

    private static func daysIn(month m: Int64, year y: Int64) -> Int64 {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func digits(_ v: Int64, _ width: Int, _ out: inout [UInt8]) {
        var div: Int64 = 1
        for _ in 1..<width { div *= 10 }
        var v = v
        while div > 0 {
            out.append(UInt8(truncatingIfNeeded: 0x30 + v / div % 10))
            v %= div
            div /= 10
        }
    }
}
