import Foundation

extension RunNaming {
    /// `runs/<fs>/<run>/report.html`.
    public func reportPageKey(fileSystemId: String, runId: String) -> String {
        reportPrefix(fileSystemId: fileSystemId, runId: runId) + "report.html"
    }

    /// The S3 console's page of the object at `key` (region from the topic ARN; the
    /// console's global address when the ARN has none).
    public func consoleURL(_ key: String) -> String {
        let parts = config.topicArn.split(separator: ":", omittingEmptySubsequences: false)
        let region = parts.count > 3 && !parts[3].isEmpty ? String(parts[3]) : ""
        let host = region.isEmpty ? "s3.console.aws.amazon.com" : region + ".console.aws.amazon.com"
        var url = "https://" + host + "/s3/object/" + Self.queryEncoded(config.bucket) + "?"
        if !region.isEmpty { url += "region=" + Self.queryEncoded(region) + "&" }
        return url + "prefix=" + Self.queryEncoded(key)
    }

    /// RFC 3986 unreserved characters and `/` kept, every other byte `%XX`.
    static func queryEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x2E, 0x5F, 0x7E, 0x2F:
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
