import Foundation
import TestSupport
@testable import AWSLite
@testable import OrchestratorKit

final class FakeClock: WallClock, Sendable {
    let time: Locked<Date>
    let sleeps = Locked<[Double]>([])
    /// Called after each sleep (lets a test change the world while the step polls).
    let onSleep = Locked<(@Sendable () -> Void)?>(nil)
    init(_ start: Date) { time = Locked(start) }
    func now() -> Date { time.current }
    func sleep(seconds: Double) async {
        sleeps.withLock { $0.append(seconds) }
        time.withLock { $0 = $0.addingTimeInterval(seconds) }
        onSleep.current?()
    }
    func advance(_ seconds: Double) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
