/// RFC 3986 percent-encoding as AWS expects it: everything but the unreserved
/// characters `A–Z a–z 0–9 - . _ ~` is encoded, space as `%20`.
enum PercentEncoding {
    /// Encodes `text`; characters in `keep` (ASCII) are left as they are.
    static func encode(_ text: String, keep: Set<UInt8> = []) -> String {
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for b in text.utf8 {
            switch b {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x2E, 0x5F, 0x7E:
                out.append(b)
            default:
                if keep.contains(b) {
                    out.append(b)
                } else {
                    out.append(0x25)
                    out.append(hex[Int(b >> 4)])
                    out.append(hex[Int(b & 0x0F)])
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A URI label that may not contain `/` (e.g. Backup's `{recoveryPointArn}`).
    static func label(_ text: String) -> String { encode(text) }

    /// A greedy label such as S3's `{Key+}`: `/` separates segments and stays.
    static func greedyLabel(_ text: String) -> String { encode(text, keep: [0x2F]) }

    /// `name=value&…` with both sides encoded, in the order given; a nil value
    /// gives a bare `name` (e.g. S3's `?uploads`).
    static func query(_ items: [(String, String?)]) -> String {
        items.map { name, value in
            guard let value else { return encode(name) }
            return encode(name) + "=" + encode(value)
        }.joined(separator: "&")
    }
}
