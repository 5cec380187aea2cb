#if DEBUG
import Foundation
@testable import AWSLite
@testable import OrchestratorKit

extension FuzzTarget {
    /// An invocation payload through the orchestrator's event decoder.
    static let orchestratorEvent = FuzzTarget(name: "orchestrator-event", summary: "an invocation payload (JSON)") { input in
        _ = try? EventDecoder(workerContainer: "manifest-worker").decode(Data(input))
    }

    /// Bytes a Lambda Runtime API endpoint might send, read by the HTTP/1.1 response
    /// reader the runtime client uses (AWSLite's), then (for a 2xx answer to `/next`)
    /// turned into an `Invocation`.
    static let runtimeResponse = FuzzTarget(name: "runtime-response", summary: "an HTTP response from the Runtime API") { input in
        var reader = ResponseReader(stream: FuzzByteStream(Array(input.prefix(65_536))))
        guard let head = try? reader.readHead(),
              let body = try? reader.readBody(head, limit: 6 * 1024 * 1024, truncate: false) else { return }
        if (200..<300).contains(head.status) {
            _ = try? Invocation.from(headers: head.headers, body: Data(body))
        }
    }
}

/// The fuzz input as a stream, handed out in pieces of up to 7 bytes (so the reader's
/// refills are exercised), then the end.
final class FuzzByteStream: ByteStream {
    private var bytes: [UInt8]
    private var position = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(7, buffer.count, bytes.count - position)
        for index in 0..<count { buffer[index] = bytes[position + index] }
        position += count
        return count
    }
    func write(_ bytes: UnsafeRawBufferPointer) throws -> Int { bytes.count }
}
#endif
