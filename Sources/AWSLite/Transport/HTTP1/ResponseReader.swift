import Foundation

/// Reads one HTTP/1.1 response off a `ByteStream`: the head (status line and
/// headers, bounded), then a Content-Length, chunked, or until-close body, bounded
/// by a byte limit. Pure parsing over the stream; time limits live in the stream.
struct ResponseReader {
    /// The longest response head (status line and headers) accepted.
    static let maxHeadBytes = 64 * 1024

    enum Failure: Error, Equatable {
        /// The stream ended early; `what` says where.
        case truncated(String)
        /// Not an HTTP/1.x response.
        case malformed(String)
        /// The body is longer than the limit.
        case tooLarge(limit: Int)
    }

    struct Head {
        var status: Int
        var headers: [String: String]
    }

    let stream: any ByteStream
    private var buffer: [UInt8] = []
    private var position = 0
    private var ended = false

    init(stream: any ByteStream) { self.stream = stream }

    private var available: Int { buffer.count - position }

    /// Reads more bytes; false at the end of the stream.
    private mutating func fill() throws -> Bool {
        if ended { return false }
        if position > 0 && position == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            position = 0
        }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = try chunk.withUnsafeMutableBytes { try stream.read(into: $0) }
        if count == 0 {
            ended = true
            return false
        }
        buffer.append(contentsOf: chunk[0..<count])
        return true
    }

    /// One CRLF- (or LF-) terminated line, without the terminator.
    private mutating func line(budget: inout Int, what: String) throws -> String {
        while true {
            if let index = buffer[position...].firstIndex(of: 0x0A) {
                let length = index - position + 1
                guard length <= budget else { throw Failure.malformed("\(what) longer than \(Self.maxHeadBytes) bytes") }
                budget -= length
                let end = index > position && buffer[index - 1] == 0x0D ? index - 1 : index
                let text = String(decoding: buffer[position..<end], as: UTF8.self)
                position = index + 1
                return text
            }
            guard available <= budget else { throw Failure.malformed("\(what) longer than \(Self.maxHeadBytes) bytes") }
            guard try fill() else { throw Failure.truncated(position == 0 && buffer.isEmpty ? "before any response" : "inside the \(what)") }
        }
    }

    /// The status line and headers of the final response (1xx answers are skipped).
    /// Header names are lower-cased; repeated headers are joined with ", ".
    mutating func readHead() throws -> Head {
        var budget = Self.maxHeadBytes
        while true {
            let statusLine = try line(budget: &budget, what: "response head")
            let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3, let status = Int(parts[1]), status >= 100 else {
                throw Failure.malformed("not an HTTP/1.1 status line: \"\(String(statusLine.prefix(80)))\"")
            }
            var headers: [String: String] = [:]
            while true {
                let header = try line(budget: &budget, what: "response head")
                if header.isEmpty { break }
                guard let colon = header.firstIndex(of: ":") else {
                    throw Failure.malformed("not a header line: \"\(String(header.prefix(80)))\"")
                }
                let name = header[..<colon].lowercased()
                let value = header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                headers[name] = headers[name].map { $0 + ", " + value } ?? value
            }
            if (100...199).contains(status) { continue }
            return Head(status: status, headers: headers)
        }
    }

    /// Whether a response to `method` with `status` has a body at all.
    static func hasBody(method: String, status: Int) -> Bool {
        !(method == "HEAD" || status == 204 || status == 304 || (100...199).contains(status))
    }

    /// The body. More than `limit` bytes: throws `.tooLarge`, or, when `truncate`, returns
    /// the first `limit` bytes and stops reading (the connection is not reused).
    mutating func readBody(_ head: Head, limit: Int, truncate: Bool) throws -> [UInt8] {
        var out: [UInt8] = []
        func append(_ bytes: ArraySlice<UInt8>) throws -> Bool {
            if out.count + bytes.count > limit {
                guard truncate else { throw Failure.tooLarge(limit: limit) }
                out += bytes.prefix(limit - out.count)
                return false
            }
            out += bytes
            return true
        }
        if head.headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            var budget = Int.max
            while true {
                let sizeLine = try line(budget: &budget, what: "chunk size line")
                let hex = sizeLine.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                // Hex digits only: Int(_:radix:) would also take a sign ("-1", "+5", "-0").
                guard !hex.isEmpty, hex.count <= 15, hex.allSatisfy(\.isHexDigit), let size = Int(hex, radix: 16) else {
                    throw Failure.malformed("bad chunk size \"\(String(sizeLine.prefix(40)))\"")
                }
                if size == 0 {
                    var trailerBudget = Self.maxHeadBytes
                    while try !line(budget: &trailerBudget, what: "trailer").isEmpty {}
                    return out
                }
                guard try copy(size, into: append) else { return out }
                var crlfBudget = 2
                guard try line(budget: &crlfBudget, what: "chunk end").isEmpty else { throw Failure.malformed("chunk not followed by CRLF") }
            }
        }
        if let text = head.headers["content-length"] {
            guard !text.isEmpty, text.count <= 18, text.allSatisfy({ $0.isASCII && $0.isNumber }), let length = Int(text) else {
                throw Failure.malformed("bad Content-Length \"\(String(text.prefix(40)))\"")
            }
            if length > limit && !truncate { throw Failure.tooLarge(limit: limit) }
            _ = try copy(length, into: append)
            return out
        }
        while true {
            if available > 0 {
                let slice = buffer[position...]
                position = buffer.count
                guard try append(slice) else { return out }
            }
            guard try fill() else { return out }
        }
    }

    /// Hands exactly `count` bytes to `sink`; false when the sink stopped early.
    private mutating func copy(_ count: Int, into sink: (ArraySlice<UInt8>) throws -> Bool) throws -> Bool {
        var left = count
        while left > 0 {
            if available == 0 {
                guard try fill() else { throw Failure.truncated("the body ended \(left) bytes early (expected \(count))") }
            }
            let take = min(left, available)
            let slice = buffer[position..<(position + take)]
            position += take
            left -= take
            guard try sink(slice) else { return false }
        }
        return true
    }
}
