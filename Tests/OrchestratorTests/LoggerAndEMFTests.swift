import AWSLite
import Foundation
import XCTest
@testable import OrchestratorKit

final class LoggerTests: XCTestCase {
    func testOneJSONObjectPerLineWithStandardKeys() {
        let sink = MemorySink()
        let clock = FakeClock(Timestamps.parse("2025-03-04T05:41:17.5Z")!)
        let logger = Logger(sink: sink, clock: clock).with(requestId: "req-1").with(runId: "run-1")
        logger.info("restore started", ["restoreJobId": "R1", "level": "ignored", "note": "quote \" and\nnewline"])
        Logger(sink: sink, clock: clock).warn("no ids")
        XCTAssertEqual(sink.all, [
            #"{"level":"info","message":"restore started","note":"quote \" and\nnewline","requestId":"req-1","restoreJobId":"R1","runId":"run-1","timestamp":"2025-03-04T05:41:17.500Z"}"#,
            #"{"level":"warn","message":"no ids","timestamp":"2025-03-04T05:41:17.500Z"}"#,
        ])
    }

    func testEMFDocumentShape() throws {
        let line = EMF.document(namespace: "NS", timestamp: Date(timeIntervalSince1970: 1_574_109_732.004),
                                dimensions: ["ResourceType": "EFS"], dimensionSets: [["ResourceType"]],
                                metrics: [EMFMetric("VerifyDuration", "Milliseconds", 1234)], properties: ["restoreJobId": "r"])
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? NSDictionary)
        let expected = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(#"{"ResourceType":"EFS","VerifyDuration":1234,"_aws":{"CloudWatchMetrics":[{"Dimensions":[["ResourceType"]],"Metrics":[{"Name":"VerifyDuration","Unit":"Milliseconds"}],"Namespace":"NS"}],"Timestamp":1574109732004},"restoreJobId":"r"}"#.utf8)) as? NSDictionary)
        XCTAssertEqual(parsed, expected)
        XCTAssertFalse(line.contains("\n"))
    }
}
