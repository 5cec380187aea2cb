import AWSLite
import Foundation
import ManifestKit
import XCTest
@testable import OrchestratorKit

/// `{"action":"baseline"}`: a scheduled baseline run — planned from the previous
/// baseline, K tasks, the set index written when all are in; it counts once complete.
final class BaselineActionTests: XCTestCase {
    let runId = "baseline-20250304T043000Z"
    let previousKey = "manifests/\(productionFS)/baseline/2025-03-03T04-30-00Z.ndjson.gz"
    var partsPrefix: String { "manifests/\(productionFS)/baseline-shards/\(runId)/" }

    func world(previousEntries: Int?, _ extra: [String: String] = [:]) async throws -> World {
        var environment = testEnvironment
        environment.merge(extra) { _, new in new }
        let world = try World(environment: environment)
        world.clock.advance(-4000)  // 2025-03-04T04:34:37Z, just after the schedule's time
        if let previousEntries {
            await world.manifests.setBaselines([
                ManifestRef(key: previousKey, completedAt: Timestamps.parse("2025-03-03T04:40:00Z")!, entries: previousEntries),
            ])
        }
        return world
    }

    func event(_ world: World) throws -> OrchestratorEvent { try world.decode("baseline-action.json") }

    func stopped(_ world: World, _ slot: TaskSlot, exitCode: Int) async throws -> OrchestratorEvent {
        guard case .task(var task) = try world.decode("ecs-task-stopped.json") else { throw OrchestratorError(.invalidEvent, "fixture") }
        let group = world.naming.taskGroup(fileSystemId: productionFS, runId: runId, slot: slot)
        let requests = await world.ecs.runRequests.filter { $0.group == group }
        let tokens = await world.ecs.tasksByToken
        task.taskArn = try XCTUnwrap(requests.last.flatMap { tokens[$0.clientToken] }, group)
        task.group = group
        task.exitCode = exitCode
        return .task(task)
    }

    func testTheEventDecodes() throws {
        let world = try World()
        XCTAssertEqual(try world.decode("baseline-action.json"),
                       .baseline(fileSystemId: productionFS, scheduledAt: Timestamps.parse("2025-03-04T04:30:00Z")))
    }

    func testWithoutAPreviousBaselineOneTaskReadsEverythingAndCountsWhenDone() async throws {
        let world = try await world(previousEntries: nil)
        let response = try await world.handle(event(world))
        XCTAssertEqual(response, #"{"fileSystemId":"\#(productionFS)","phase":"active","runId":"\#(runId)","status":"ok"}"#)
        let requests = await world.ecs.runRequests
        XCTAssertEqual(requests.count, 1)
        let output = "s3://verifier-bucket/manifests/\(productionFS)/baseline/\(runId).ndjson.gz"
        XCTAssertEqual(requests[0].group, "ebv:\(productionFS):\(runId):baseline-manifest")
        XCTAssertEqual(requests[0].clientToken, "ebv-baseline-manifest-\(runId)")
        XCTAssertEqual(requests[0].command, ["generate", "/mnt/efs", "-o", output, "--role", "baseline", "--file-system-id", productionFS])
        XCTAssertEqual(requests[0].environment, ["EBV_RUN_ID": runId, "EBV_ROLE": "baseline", "EBV_OUTPUT": output,
                                                 "EBV_FILE_SYSTEM_ID": productionFS])
        // A repeated delivery of the same schedule is the same run.
        _ = try await world.handle(event(world))
        let again = await world.ecs.distinctTasks()
        XCTAssertEqual(again, 1)

        _ = try await world.handle(stopped(world, TaskSlot(.baselineManifest), exitCode: 0))
        let run = try await world.run(runId)
        XCTAssertEqual(run.origin, .baseline)
        XCTAssertEqual(run.result, .passed)
        XCTAssertEqual(run.phase, .done)
        XCTAssertEqual(run.resultMessage, "baseline manifests/\(productionFS)/baseline/\(runId).ndjson.gz complete (full read)")
        let marker = try await world.store.get("runs/\(productionFS)/baseline-full.json")
        XCTAssertEqual(marker.map { String(decoding: $0.body, as: UTF8.self) },
                       #"{"completedAt":"2025-03-04T04:34:37Z","key":"manifests/\#(productionFS)/baseline/\#(runId).ndjson.gz","runId":"\#(runId)"}"#)
        let published = await world.publishedSubjects()
        XCTAssertEqual(published, [], "a baseline that completes is not news")
        let emitted = world.metrics.lines.current
        XCTAssertEqual(emitted, [], "a baseline is not a verified backup")
    }

    func testAShardedBaselineWritesItsSetLastAndReusesTheLastBaselineBetweenFullReads() async throws {
        let world = try await world(previousEntries: 5_000_000)
        await world.store.rawPut("runs/\(productionFS)/baseline-full.json", Data(#"{"completedAt":"2025-03-01T04:40:00Z"}"#.utf8))
        _ = try await world.handle(event(world))
        var run = try await world.run(runId)
        XCTAssertEqual(run.reuseFrom, previousKey)
        XCTAssertEqual(run.shardPlan?.requested, 3)
        let requests = await world.ecs.runRequests
        let plan = try XCTUnwrap(requests.last)
        XCTAssertEqual(plan.command, ["plan-shards", "s3://verifier-bucket/\(previousKey)", "--shards", "3",
                                      "-o", "s3://verifier-bucket/\(partsPrefix)plan.json"])
        let planBytes = ShardPlan(
            source: ShardPlan.Source(entries: 5_000_000, entriesSha256: String(repeating: "e", count: 64)),
            cost: ShardPlan.CostModel(perEntryMicros: 3000, bytesPerSecond: 1),
            shards: [ShardPlan.Shard(index: 0, range: ShardRange(start: nil, end: Array("m".utf8)), entries: 1, bytes: 1, cost: 1),
                     ShardPlan.Shard(index: 1, range: ShardRange(start: Array("m".utf8), end: nil), entries: 1, bytes: 1, cost: 1)]).encoded()
        await world.store.rawPut(partsPrefix + "plan.json", Data(planBytes))
        _ = try await world.handle(stopped(world, TaskSlot(.plan), exitCode: 0))
        let shards = await world.ecs.runRequests.filter { $0.group.contains(":baseline-manifest:") }
        XCTAssertEqual(shards.map(\.clientToken), ["ebv-baseline-manifest-s0-\(runId)", "ebv-baseline-manifest-s1-\(runId)"])
        XCTAssertEqual(shards[1].command, [
            "generate", "/mnt/efs", "-o", "s3://verifier-bucket/\(partsPrefix)baseline-manifest/part-0001.ndjson.gz",
            "--role", "baseline", "--file-system-id", productionFS,
            "--plan", "s3://verifier-bucket/\(partsPrefix)plan.json", "--shard", "1",
            "--reuse-from", "s3://verifier-bucket/\(previousKey)"])
        let digest = PlanFile.digest(Data(planBytes))
        for shard in 0..<2 {
            await world.manifests.setPart(partsPrefix + "baseline-manifest/part-000\(shard).ndjson.gz", PartRead(
                shardIndex: shard, shardCount: 2, planDigest: digest,
                summary: PartSummary(entries: 7, entriesSha256: String(repeating: "b", count: 64))))
        }
        let setKey = "manifests/\(productionFS)/baseline/\(runId).set.json"
        _ = try await world.handle(stopped(world, TaskSlot(.baselineManifest, shard: 1), exitCode: 0))
        var keys = await world.store.keys()
        XCTAssertFalse(keys.contains(setKey), "a baseline counts only once complete")
        run = try await world.run(runId)
        XCTAssertNil(run.result)
        _ = try await world.handle(stopped(world, TaskSlot(.baselineManifest, shard: 0), exitCode: 0))
        keys = await world.store.keys()
        XCTAssertTrue(keys.contains(setKey))
        run = try await world.run(runId)
        XCTAssertEqual(run.result, .passed)
        XCTAssertEqual(run.resultMessage, "baseline \(setKey) complete (reusing digests from \(previousKey), 2 shards)")
        let marker = try await world.store.get("runs/\(productionFS)/baseline-full.json")
        XCTAssertEqual(marker.map { String(decoding: $0.body, as: UTF8.self) }, #"{"completedAt":"2025-03-01T04:40:00Z"}"#,
                       "a reusing baseline is not a full read")
    }

    func testAFullReadIsDueAfterTheConfiguredDays() async throws {
        let world = try await world(previousEntries: 10, ["EBV_FULL_BASELINE_EVERY_DAYS": "2"])
        await world.store.rawPut("runs/\(productionFS)/baseline-full.json", Data(#"{"completedAt":"2025-03-02T04:34:36Z"}"#.utf8))
        _ = try await world.handle(event(world))
        let run = try await world.run(runId)
        XCTAssertNil(run.reuseFrom)
        XCTAssertTrue(run.history.contains { $0.hasSuffix("full read: every file is read (last full read 2025-03-02T04:34:36Z)") }, "\(run.history)")
        let command = await world.ecs.runRequests.last?.command ?? []
        XCTAssertFalse(command.contains("--reuse-from"))
        XCTAssertEqual(Array(command.suffix(2)), ["--expect", "s3://verifier-bucket/\(previousKey)"])
    }

    func testAFailedBaselineIsAlertedAndEmitsNoMetrics() async throws {
        let world = try await world(previousEntries: nil)
        _ = try await world.handle(event(world))
        _ = try await world.handle(stopped(world, TaskSlot(.baselineManifest), exitCode: 2))
        let run = try await world.run(runId)
        XCTAssertEqual(run.result, .taskFailed)
        XCTAssertEqual(run.resultMessage, "baseline-manifest manifest task exit code 2: Essential container in task exited")
        let published = await world.publishedSubjects()
        XCTAssertEqual(published.count, 1)
        XCTAssertEqual(world.metrics.lines.current, [])
        let marker = try await world.store.get("runs/\(productionFS)/baseline-full.json")
        XCTAssertNil(marker)
    }

    func testHostileBaselineEvents() throws {
        let decoder = EventDecoder(workerContainer: "manifest-worker")
        func assertInvalid(_ text: String, _ message: String, line: UInt = #line) {
            XCTAssertThrowsError(try decoder.decode(Data(text.utf8)), line: line) { error in
                XCTAssertEqual(error as? OrchestratorError, OrchestratorError(.invalidEvent, message), line: line)
            }
        }
        assertInvalid(#"{"action":"baseline"}"#, "fileSystemId: missing")
        assertInvalid(#"{"action":"baseline","fileSystemId":7}"#, "fileSystemId: expected a string")
        assertInvalid(#"{"action":"baseline","fileSystemId":"../../x"}"#, #"fileSystemId: contains "/": "../../x""#)
        assertInvalid(#"{"action":"baseline","fileSystemId":"vol-1"}"#, #"fileSystemId: not an fs-… id: "vol-1""#)
        assertInvalid(#"{"action":"baseline","fileSystemId":"fs-1","scheduledTime":"soon"}"#, #"scheduledTime: not an RFC 3339 time: "soon""#)
        assertInvalid(#"{"action":"baseline","fileSystemId":"fs-1","scheduledTime":5}"#, "scheduledTime: expected a string")
        XCTAssertEqual(try decoder.decode(Data(#"{"action":"baseline","fileSystemId":"fs-1"}"#.utf8)), .baseline(fileSystemId: "fs-1", scheduledAt: nil))
    }

    func testABaselineOfAnUnconfiguredFileSystemIsRefused() async throws {
        let world = try World()
        do {
            _ = try await world.handle(.baseline(fileSystemId: "fs-0000000000000000f", scheduledAt: nil))
            XCTFail("refused")
        } catch let error as OrchestratorError {
            XCTAssertEqual(error, OrchestratorError(.invalidEvent, "fileSystemId: fs-0000000000000000f is not under verification"))
        }
        let keys = await world.store.keys()
        XCTAssertEqual(keys, [])
    }

    func testBaselineRunIds() {
        XCTAssertEqual(RunNaming.baselineRunId(at: Timestamps.parse("2025-03-04T04:30:00.999Z")!), "baseline-20250304T043000Z")
        XCTAssertNil(RunNaming.idProblem(RunNaming.baselineRunId(at: Date(timeIntervalSince1970: 0))))
    }
}
