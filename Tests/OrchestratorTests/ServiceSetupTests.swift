import Foundation
import XCTest
@testable import OrchestratorKit

final class ServiceSetupTests: XCTestCase {
    func testServiceSetupFailureIsAConfigurationError() async throws {
        struct NoRegion: Error, CustomStringConvertible { var description: String { "no AWS region: set AWS_REGION" } }
        let err = MemorySink()
        let world = try World()
        let status = await OrchestratorMain.run(
            arguments: ["reconcile"], environment: testEnvironment, clock: world.clock, stdout: MemorySink(), stderr: err,
            readInput: { Data() }, makeServices: { _, _ in throw NoRegion() })
        XCTAssertEqual(status, 2)
        XCTAssertEqual(err.all, ["orchestrator: no AWS region: set AWS_REGION"])
    }
}
