import Foundation
import TestSupport
@testable import AWSLite
@testable import OrchestratorKit

final class MemoryMetrics: MetricsEmitter, Sendable {
    let lines = Locked<[String]>([])
    /// Every emit fails while set (a broken EMF sink).
    let failure = Locked<OrchestratorError?>(nil)
    func emit(_ line: String) throws {
        if let failure = failure.current { throw failure }
        lines.withLock { $0.append(line) }
    }
}
