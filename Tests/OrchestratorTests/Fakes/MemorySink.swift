import Foundation
import TestSupport
@testable import AWSLite
@testable import OrchestratorKit

final class MemorySink: LogSink, Sendable {
    let lines = Locked<[String]>([])
    func write(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.current }
    /// Parsed JSON log lines.
    var records: [[String: Any]] {
        all.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }
    func messages(level: String? = nil) -> [String] {
        records.filter { level == nil || ($0["level"] as? String) == level }.compactMap { $0["message"] as? String }
    }
}
