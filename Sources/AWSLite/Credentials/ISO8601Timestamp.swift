import Foundation

/// Parses the ISO-8601 timestamps of credential responses:
/// `2026-11-22T06:30:00Z`, with optional fractional seconds and a `Z` or `±HH:MM` offset.
public enum ISO8601Timestamp {
    /// The instant, or nil when `text` is not of that form.
    public static func parse(_ text: String) -> Date? {
        let u = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= u.count else { return nil }
            var value = 0
            for b in u[start..<(start + count)] {
                guard b >= 0x30, b <= 0x39 else { return nil }
                value = value * 10 + Int(b - 0x30)
            }
            return value
        }
        func char(_ i: Int, _ c: Character) -> Bool { i < u.count && u[i] == c.asciiValue! }
        guard let year = number(0, 4), char(4, "-"), let month = number(5, 2), char(7, "-"), let day = number(8, 2),
            char(10, "T") || char(10, "t"), let hour = number(11, 2), char(13, ":"), let minute = number(14, 2),
            char(16, ":"), let second = number(17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        var fraction = 0.0
        if char(i, ".") {
            i += 1
            var scale = 0.1
            let start = i
            while i < u.count, u[i] >= 0x30, u[i] <= 0x39 {
                fraction += Double(u[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        var offset = 0
        if char(i, "Z") || char(i, "z") {
            i += 1
        } else if char(i, "+") || char(i, "-") {
            guard let oh = number(i + 1, 2), char(i + 3, ":"), let om = number(i + 4, 2) else { return nil }
            offset = (oh * 3600 + om * 60) * (char(i, "-") ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == u.count else { return nil }
        let civil = UTCTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return Date(timeIntervalSince1970: Double(civil.secondsSince1970 - offset) + fraction)
    }
}
