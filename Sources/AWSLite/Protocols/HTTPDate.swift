import Foundation

/// RFC 7231 HTTP dates (`Sun, 22 Nov 2026 01:02:03 GMT`): `Last-Modified`,
/// `Retry-After`.
enum HTTPDate {
    /// The instant, or nil when `text` is nil or not an HTTP date.
    static func parse(_ text: String?) -> Date? {
        guard let text else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
