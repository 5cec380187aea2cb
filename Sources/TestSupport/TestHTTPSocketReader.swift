import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Buffered reading of HTTP/1.1 requests from a socket.
final class SocketReader {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0

    init(fd: Int32) { self.fd = fd }

    private func fill() -> Bool {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    private func readLine() -> String? {
        while true {
            if let i = buffer[start...].firstIndex(of: 0x0A) {
                var end = i
                if end > start && buffer[end - 1] == 0x0D { end -= 1 }
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = i + 1
                return line
            }
            guard fill() else { return nil }
        }
    }

    private func readBytes(_ count: Int) -> [UInt8]? {
        while buffer.count - start < count {
            guard fill() else { return nil }
        }
        let out = Array(buffer[start..<start + count])
        start += count
        return out
    }

    func readRequest() -> TestHTTPRequest? {
        guard var line = readLine() else { return nil }
        while line.isEmpty {
            guard let next = readLine() else { return nil }
            line = next
        }
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return nil }
        var headers: [(name: String, value: String)] = []
        while let h = readLine(), !h.isEmpty {
            guard let colon = h.firstIndex(of: ":") else { continue }
            let name = String(h[..<colon])
            let value = h[h.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers.append((name, value))
        }
        var request = TestHTTPRequest(method: String(parts[0]), target: String(parts[1]), headers: headers, body: [])
        if request.header("expect")?.lowercased() == "100-continue" {
            let cont = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
            _ = cont.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
        if request.header("transfer-encoding")?.lowercased().contains("chunked") == true {
            var body: [UInt8] = []
            while let sizeLine = readLine() {
                let hex = sizeLine.split(separator: ";")[0].trimmingCharacters(in: .whitespaces)
                guard let size = Int(hex, radix: 16) else { return nil }
                if size == 0 {
                    while let trailer = readLine(), !trailer.isEmpty {}
                    break
                }
                guard let chunk = readBytes(size) else { return nil }
                body += chunk
                _ = readLine()
            }
            request.body = body
        } else if let lengthText = request.header("content-length"), let length = Int(lengthText), length > 0 {
            guard let body = readBytes(length) else { return nil }
            request.body = body
        }
        return request
    }
}
