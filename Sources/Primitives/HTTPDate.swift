/// HTTP dates (RFC 7231 §7.1.1.1) in the preferred IMF-fixdate form,
/// `Sun, 06 Nov 1994 08:49:37 GMT`: `Date`, `Last-Modified`, `Retry-After`.
///
/// Only IMF-fixdate is read: it is what every HTTP/1.1 server sends (AWS included).
/// The obsolete RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime
/// (`Sun Nov  6 08:49:37 1994`) forms are refused (nil), as is any zone but `GMT`.
/// The day name must be one of the seven, but is not checked against the date.
public enum HTTPDate {
    private static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].map { Array($0.utf8) }
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        .map { Array($0.utf8) }

    /// Seconds since the epoch of an IMF-fixdate (years 0000–9999), or nil.
    public static func parse(_ text: String) -> Int64? {
        var copy = text
        return copy.withUTF8 { parse(utf8: $0) }
    }

    /// ``parse(_:)`` over UTF-8 bytes.
    public static func parse(utf8 u: UnsafeBufferPointer<UInt8>) -> Int64? {
        // "Sun, 06 Nov 1994 08:49:37 GMT": 29 bytes, fixed positions.
        guard u.count == 29, dayNames.contains(where: { matches(u, 0, $0) }), u[3] == 0x2C, u[4] == 0x20,
              let day = Digits.parse(u, 5, 2), u[7] == 0x20,
              let month = monthNames.firstIndex(where: { matches(u, 8, $0) }), u[11] == 0x20,
              let year = Digits.parse(u, 12, 4), u[16] == 0x20,
              let hour = Digits.parse(u, 17, 2), u[19] == 0x3A, let minute = Digits.parse(u, 20, 2), u[22] == 0x3A,
              let second = Digits.parse(u, 23, 2), u[25] == 0x20, matches(u, 26, Array("GMT".utf8))
        else { return nil }
        let civil = CivilTime(year: year, month: Int64(month + 1), day: day, hour: hour, minute: minute, second: second)
        return civil.isValid ? civil.secondsSince1970 : nil
    }

    /// The IMF-fixdate of `seconds` since the epoch; nil outside years 0000–9999.
    public static func format(seconds: Int64) -> String? {
        let c = CivilTime(secondsSince1970: seconds)
        guard (0...9999).contains(c.year) else { return nil }
        var out = dayNames[Int(c.weekday)]
        out += [0x2C, 0x20]
        Digits.append(c.day, width: 2, to: &out); out.append(0x20)
        out += monthNames[Int(c.month - 1)]; out.append(0x20)
        Digits.append(c.year, width: 4, to: &out); out.append(0x20)
        Digits.append(c.hour, width: 2, to: &out); out.append(0x3A)
        Digits.append(c.minute, width: 2, to: &out); out.append(0x3A)
        Digits.append(c.second, width: 2, to: &out)
        out += Array(" GMT".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    private static func matches(_ u: UnsafeBufferPointer<UInt8>, _ at: Int, _ word: [UInt8]) -> Bool {
        word.indices.allSatisfy { u[at + $0] == word[$0] }
    }
}
