/// A UTC date and time of the proleptic Gregorian calendar, and the calendar
/// arithmetic every date format here uses (Howard Hinnant's `days_from_civil` and
/// `civil_from_days`): no Foundation, no locale, no time-zone database.
///
/// The arithmetic wraps instead of trapping: it is exact for every `Int64` count of
/// seconds and for years within ±10^15, far beyond any 4-digit year a parser gives it.
public struct CivilTime: Equatable, Sendable {
    public var year: Int64
    /// 1–12.
    public var month: Int64
    /// 1–31.
    public var day: Int64
    public var hour: Int64
    public var minute: Int64
    public var second: Int64

    public init(year: Int64, month: Int64, day: Int64, hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0) {
        (self.year, self.month, self.day, self.hour, self.minute, self.second) = (year, month, day, hour, minute, second)
    }

    /// The civil time of `seconds` since 1970-01-01T00:00:00Z (any `Int64`).
    public init(secondsSince1970 seconds: Int64) {
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (y, m, d) = Self.civil(fromDays: days)
        self.init(year: y, month: m, day: d, hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60, second: secondOfDay % 60)
    }

    /// Seconds since 1970-01-01T00:00:00Z (fields taken as they are: no range check).
    public var secondsSince1970: Int64 {
        Self.days(fromCivil: year, month, day) &* 86_400 &+ hour &* 3600 &+ minute &* 60 &+ second
    }

    /// Day of the week: 0 Sunday … 6 Saturday.
    public var weekday: Int64 {
        let w = (Self.days(fromCivil: year, month, day) &+ 4) % 7  // 1970-01-01 was a Thursday
        return w < 0 ? w + 7 : w
    }

    /// True when the date fields name a real day and the time fields a real second
    /// (`second` 0–59: no leap seconds) of a year from 0000 to 9999.
    public var isValid: Bool {
        (0...9999).contains(year) && (1...12).contains(month) && day >= 1 && day <= Self.daysIn(month: month, year: year)
            && (0...23).contains(hour) && (0...59).contains(minute) && (0...59).contains(second)
    }

    /// Days since 1970-01-01 of a date (`days_from_civil`).
    public static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year &- 1 : year
        let era = (y >= 0 ? y : y &- 399) / 400
        let yoe = y &- era &* 400
        let mp = (month &+ 9) % 12
        let doy = (153 &* mp &+ 2) / 5 &+ day &- 1
        let doe = yoe &* 365 &+ yoe / 4 &- yoe / 100 &+ doy
        return era &* 146_097 &+ doe &- 719_468
    }

    /// The date (year, month 1–12, day 1–31) of a count of days since 1970-01-01
    /// (`civil_from_days`).
    public static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days &+ 719_468
        let era = (z >= 0 ? z : z &- 146_096) / 146_097
        let doe = z &- era &* 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe &+ era &* 400
        return (m <= 2 ? y &+ 1 : y, m, d)
    }

    public static func isLeap(year y: Int64) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    /// 28–31; 0 for a month outside 1–12.
    public static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: isLeap(year: year) ? 29 : 28
        case 4, 6, 9, 11: 30
        case 1, 3, 5, 7, 8, 10, 12: 31
        default: 0
        }
    }
}

/// Fixed-width decimal digits for the date formats.
enum Digits {
    /// Appends the low `width` decimal digits of `v` (≥ 0), zero-padded.
    static func append(_ v: Int64, width: Int, to out: inout [UInt8]) {
        var div: Int64 = 1
        for _ in 1..<width { div *= 10 }
        var v = v
        while div > 0 {
            out.append(UInt8(truncatingIfNeeded: 0x30 + v / div % 10))
            v %= div
            div /= 10
        }
    }

    /// The number of `count` ASCII digits at `from`; nil if one is not a digit or
    /// the bytes end first.
    static func parse(_ u: UnsafeBufferPointer<UInt8>, _ from: Int, _ count: Int) -> Int64? {
        guard from >= 0, count <= u.count - from else { return nil }
        var v: Int64 = 0
        for i in from..<(from + count) {
            let c = u[i]
            guard c >= 0x30, c <= 0x39 else { return nil }
            v = v * 10 + Int64(c - 0x30)
        }
        return v
    }
}
