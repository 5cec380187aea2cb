import AWSLite
import Foundation
import ManifestKit
import XCTest
@testable import OrchestratorKit

/// Sharded runs: the plan task, one task per shard with its own token, a shard's one
/// retry, parts read as they arrive (in any order), the set index, the diff over sets.
final class ShardedRunTests: XCTestCase {
    let baselineKey = "manifests/\(productionFS)/baseline/2025-03-04T04-30-00Z.ndjson.gz"
    let runPrefix = "manifests/\(productionFS)/runs/\(backupJobId)/"
    /// A plan of three ranges, as `manifest-worker plan-shards` writes it (ManifestKit's `ShardPlan`).
    let planJSON: String = {
        let bounds: [[UInt8]?] = [nil, Array("g".utf8), Array("p".utf8), nil]
        let plan = ShardPlan(
            source: ShardPlan.Source(entries: 6_000_000, entriesSha256: String(repeating: "e", count: 64)),
            cost: ShardPlan.CostModel(perEntryMicros: 3000, bytesPerSecond: 100_000_000),
            shards: (0..<3).map { ShardPlan.Shard(index: $0, range: ShardRange(start: bounds[$0], end: bounds[$0 + 1]),
                                                  entries: 2_000_000, bytes: 1, cost: 1) })
        return String(decoding: plan.encoded(), as: UTF8.self)
    }()

    var planDigest: String { sha256Hex(planJSON) }

    /// A world whose baseline has 6,000,000 entries: 3 shards at the default 2,000,000 per shard.
    func shardedWorld(_ extra: [String: String] = [:]) async throws -> World {
        var environment = testEnvironment
        environment.merge(extra) { _, new in new }
        let world = try World(environment: environment)
        await world.standardSetup()
        await world.manifests.setBaselines([
            ManifestRef(key: baselineKey, completedAt: Timestamps.parse("2025-03-04T04:40:00Z")!, entries: 6_000_000),
        ])
        return world
    }

    func partKey(_ role: String, _ shard: Int) -> String { runPrefix + "\(role)/part-000\(shard).ndjson.gz" }

    /// The parts the fake catalog answers for `role`, each naming its shard and the plan.
    func addParts(_ world: World, role: String, count: Int = 3) async {
        for shard in 0..<count {
            await world.manifests.setPart(partKey(role, shard), PartRead(
                shardIndex: shard, shardCount: count, planDigest: planDigest,
                summary: PartSummary(entries: UInt64(100 + shard), entriesSha256: String(repeating: String(shard), count: 64))))
        }
    }

    /// A STOPPED event of the latest task started in `slot`.
    func stopped(_ world: World, _ slot: TaskSlot, exitCode: Int?) async throws -> OrchestratorEvent {
        guard case .task(var task) = try world.decode("ecs-task-stopped.json") else { throw OrchestratorError(.invalidEvent, "fixture") }
        let group = world.naming.taskGroup(fileSystemId: productionFS, runId: backupJobId, slot: slot)
        let requests = await world.ecs.runRequests.filter { $0.group == group }
        let tokens = await world.ecs.tasksByToken
        task.taskArn = try XCTUnwrap(requests.last.flatMap { tokens[$0.clientToken] }, "no task in \(group)")
        task.group = group
        task.exitCode = exitCode
        task.version = 5
        if exitCode == nil { task.stopCode = "TaskFailedToStart"; task.stoppedReason = "ResourceInitializationError: mount" }
        return .task(task)
    }

    /// Backup completed → plan task → plan read → three post shards.
    func runToPostShards(_ world: World) async throws {
        _ = try await world.handle(world.backupCompleted())
        var run = try await world.run()
        XCTAssertEqual(run.shardPlan, ShardPlanRecord(key: runPrefix + "plan.json", sourceKey: baselineKey, requested: 3))
        XCTAssertNil(run.tasks[.post], "the post manifest waits for the plan")
        let requests = await world.ecs.runRequests
        let plan = try XCTUnwrap(requests.last)
        XCTAssertEqual(plan.group, "ebv:\(productionFS):\(backupJobId):plan")
        XCTAssertEqual(plan.clientToken, "ebv-plan-\(backupJobId)")
        XCTAssertEqual(plan.command, ["plan-shards", "s3://verifier-bucket/\(baselineKey)", "--shards", "3",
                                      "-o", "s3://verifier-bucket/\(runPrefix)plan.json"])
        await world.store.rawPut(runPrefix + "plan.json", Data(planJSON.utf8))
        _ = try await world.handle(stopped(world, TaskSlot(.plan), exitCode: 0))
        run = try await world.run()
        XCTAssertEqual(run.shardPlan?.count, 3)
        XCTAssertEqual(run.shardPlan?.digest, planDigest)
    }

    func testThreeShardsHappyPathWritesSetsAndDiffsThemAsATask() async throws {
        let world = try await shardedWorld()
        try await runToPostShards(world)
        let posts = await world.ecs.runRequests.filter { $0.group.contains(":post") }
        XCTAssertEqual(posts.map(\.group), (0..<3).map { "ebv:\(productionFS):\(backupJobId):post:\($0)" })
        XCTAssertEqual(posts.map(\.clientToken), (0..<3).map { "ebv-post-s\($0)-\(backupJobId)" })
        XCTAssertEqual(posts[1].command, [
            "generate", "/mnt/efs", "-o", "s3://verifier-bucket/\(partKey("post", 1))", "--role", "post",
            "--file-system-id", productionFS, "--recovery-point-arn", recoveryPointArn,
            "--plan", "s3://verifier-bucket/\(runPrefix)plan.json", "--shard", "1",
            "--reuse-from", "s3://verifier-bucket/\(baselineKey)"])
        XCTAssertEqual(posts[1].environment["EBV_PLAN"], "s3://verifier-bucket/\(runPrefix)plan.json")
        XCTAssertEqual(posts[1].environment["EBV_SHARD"], "1")
        XCTAssertNil(posts[1].environment["EBV_EXPECT"], "a whole manifest would overstate one shard")

        // The restore completes: three restored shards, read in full, below the restored root.
        world.clock.advance(5400)
        await world.restoreCompletes()
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
        let restored = await world.ecs.runRequests.filter { $0.group.contains(":restored") }
        XCTAssertEqual(restored.map(\.clientToken), (0..<3).map { "ebv-restored-s\($0)-\(backupJobId)" })
        XCTAssertEqual(restored[2].command, [
            "generate", "/mnt/efs", "-o", "s3://verifier-bucket/\(partKey("restored", 2))", "--role", "restored",
            "--file-system-id", restoredFS, "--recovery-point-arn", recoveryPointArn, "--restored-root", "auto",
            "--plan", "s3://verifier-bucket/\(runPrefix)plan.json", "--shard", "2"])

        // Parts arrive out of order; each is read once, as it arrives.
        await addParts(world, role: "post")
        await addParts(world, role: "restored")
        for shard in [2, 0, 1] {
            _ = try await world.handle(stopped(world, TaskSlot(.post, shard: shard), exitCode: 0))
        }
        var run = try await world.run()
        XCTAssertEqual(run.manifestSets?[.post], runPrefix + "post.set.json")
        for shard in [1, 2, 0] {
            _ = try await world.handle(stopped(world, TaskSlot(.restored, shard: shard), exitCode: 0))
        }
        let read = await world.manifests.partsRead
        XCTAssertEqual(read, [2, 0, 1].map { partKey("post", $0) } + [1, 2, 0].map { partKey("restored", $0) })

        let stored = try await world.store.get(runPrefix + "restored.set.json")
        let set = try XCTUnwrap(stored)
        let expected = #"{"manifestSet":"efs-backup-verifier/set-1","plan":"\#(planDigest)","role":"restored","parts":["#
            + (0..<3).map { "\n" + #"{"index":\#($0),"location":"s3://verifier-bucket/\#(partKey("restored", $0))","entries":\#(100 + $0),"entriesSha256":"\#(String(repeating: String($0), count: 64))"}"# }.joined(separator: ",")
            + "]}\n"
        XCTAssertEqual(String(decoding: set.body, as: UTF8.self), expected)

        run = try await world.run()
        XCTAssertNil(run.result)
        let all = await world.ecs.runRequests
        let diff = try XCTUnwrap(all.first { $0.group.hasSuffix(":diff") })
        XCTAssertEqual(Array(diff.command.prefix(5)), [
            "diff", "s3://verifier-bucket/\(baselineKey)", "--post", "s3://verifier-bucket/\(runPrefix)post.set.json",
            "s3://verifier-bucket/\(runPrefix)restored.set.json"])
        XCTAssertTrue(run.history.contains { $0.hasSuffix("the manifests are sets of 3 parts") }, "\(run.history)")
        let inLambda = await world.differ.requests.count
        XCTAssertEqual(inLambda, 0)
        _ = try await world.handle(world.taskStopped(role: .diff, exitCode: 0))
        run = try await world.run()
        XCTAssertEqual(run.result, .passed)
        XCTAssertEqual(run.phase, .done)
    }

    /// The last restored part arrives, the diff task is started, and another invocation writes
    /// the run before the task is recorded (a sharded run's events arrive together): the task
    /// is recorded on the re-read run, so a reconcile tick can follow it — not left unknown
    /// until the verdict claim expires.
    func testTheDiffTaskIsRecordedWhenItsWriteLosesARace() async throws {
        let world = try await shardedWorld()
        try await runToPostShards(world)
        world.clock.advance(5400)
        await world.restoreCompletes()
        _ = try await world.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"))
        await addParts(world, role: "post")
        await addParts(world, role: "restored")
        for shard in 0..<3 { _ = try await world.handle(stopped(world, TaskSlot(.post, shard: shard), exitCode: 0)) }
        for shard in 0..<2 { _ = try await world.handle(stopped(world, TaskSlot(.restored, shard: shard), exitCode: 0)) }
        let key = world.naming.runKey(fileSystemId: productionFS, runId: backupJobId)
        let at = world.clock.now()
        await world.store.setInterference(prefix: key, when: { (try? Run.decoded(from: $0))?.tasks[.diff] != nil }) { store in
            guard var other = try? await store.run(key) else { return }
            other.note("another invocation's write", at: at)
            await store.rawPut(key, (try? other.encoded()) ?? Data())
        }
        _ = try await world.handle(stopped(world, TaskSlot(.restored, shard: 2), exitCode: 0))

        var run = try await world.run()
        let requests = await world.ecs.runRequests.filter { $0.group.hasSuffix(":diff") }
        XCTAssertEqual(requests.count, 1)
        let tokens = await world.ecs.tasksByToken
        XCTAssertEqual(run.tasks[.diff]?.taskArn, tokens["ebv-diff-\(backupJobId)"])
        XCTAssertTrue(run.history.contains { $0.hasSuffix("the manifests are sets of 3 parts") }, "\(run.history)")
        _ = try await world.handle(world.taskStopped(role: .diff, exitCode: 0))
        run = try await world.run()
        XCTAssertEqual(run.result, .passed)
    }

    func testAShardFailingOnceIsStartedAgainAndTheRunGoesOn() async throws {
        let world = try await shardedWorld()
        try await runToPostShards(world)
        _ = try await world.handle(stopped(world, TaskSlot(.post, shard: 1), exitCode: 3))
        var run = try await world.run()
        XCTAssertNil(run.result)
        let record = try XCTUnwrap(run.record(TaskSlot(.post, shard: 1)))
        XCTAssertEqual(record.attempt, 2)
        XCTAssertEqual(record.restartedAfterExit, true)
        XCTAssertEqual(record.clientToken, "ebv-post-s1-2-\(backupJobId)")
        XCTAssertNil(record.lastStatus == .stopped ? record : nil, "the new start is not stopped")
        XCTAssertTrue(run.history.contains { $0.contains("post shard 1 of 3 task") && $0.hasSuffix("(start 2, after exit code 3)") }, "\(run.history)")
        // A late duplicate STOPPED event of the first start changes nothing.
        let first = await world.ecs.runRequests.first { $0.clientToken == "ebv-post-s1-\(backupJobId)" }
        XCTAssertNotNil(first)
        await addParts(world, role: "post")
        for shard in 0..<3 {
            _ = try await world.handle(stopped(world, TaskSlot(.post, shard: shard), exitCode: 0))
        }
        run = try await world.run()
        XCTAssertNil(run.result)
        XCTAssertEqual(run.manifestSets?[.post], runPrefix + "post.set.json")
    }

    func testAShardFailingTwiceFailsTheRunNamingTheShard() async throws {
        let world = try await shardedWorld()
        try await runToPostShards(world)
        _ = try await world.handle(stopped(world, TaskSlot(.post, shard: 2), exitCode: 3))
        _ = try await world.handle(stopped(world, TaskSlot(.post, shard: 2), exitCode: 4))
        let run = try await world.run()
        XCTAssertEqual(run.result, .taskFailed)
        XCTAssertEqual(run.resultMessage, "post shard 2 of 3 manifest task exit code 4: Essential container in task exited (start 2)")
        let started = await world.ecs.runRequests.filter { $0.group.hasSuffix(":post:2") }.map(\.clientToken)
        XCTAssertEqual(started, ["ebv-post-s2-\(backupJobId)", "ebv-post-s2-2-\(backupJobId)"])
    }

    func testAShardThatCannotStartGetsTheConfiguredStartsThenFails() async throws {
        let world = try await shardedWorld(["EBV_TASK_START_ATTEMPTS": "2", "EBV_TASK_START_BACKOFF_SECONDS": "10"])
        try await runToPostShards(world)
        _ = try await world.handle(stopped(world, TaskSlot(.post, shard: 0), exitCode: nil))
        var run = try await world.run()
        XCTAssertEqual(run.record(TaskSlot(.post, shard: 0))?.attempt, 2, "started again after the back-off")
        XCTAssertNil(run.record(TaskSlot(.post, shard: 0))?.restartedAfterExit)
        _ = try await world.handle(stopped(world, TaskSlot(.post, shard: 0), exitCode: nil))
        run = try await world.run()
        XCTAssertEqual(run.result, .taskFailed)
        XCTAssertEqual(run.resultMessage, "post shard 0 of 3 manifest task no exit code: ResourceInitializationError: mount (start 2)")
    }

    func testAPartOfAnotherShardOrPlanEndsTheRunInError() async throws {
        let world = try await shardedWorld()
        try await runToPostShards(world)
        await world.manifests.setPart(partKey("post", 0), PartRead(
            shardIndex: 0, shardCount: 3, planDigest: String(repeating: "f", count: 64),
            summary: PartSummary(entries: 1, entriesSha256: String(repeating: "a", count: 64))))
        _ = try await world.handle(stopped(world, TaskSlot(.post, shard: 0), exitCode: 0))
        let run = try await world.run()
        XCTAssertEqual(run.result, .error)
        XCTAssertEqual(run.resultMessage, "post shard 0 of 3: part \(partKey("post", 0)) is not this shard: header names plan \(String(repeating: "f", count: 64)), not \(planDigest)")
    }

    /// Ends (a part's header and trailer beside it) naming another shard: the run ends in
    /// error naming the ends, as for a part itself.
    func testEndsOfAnotherShardEndTheRunInErrorNamingThem() async throws {
        let world = try await shardedWorld()
        try await runToPostShards(world)
        let ends = partKey("post", 2) + ".ends.ndjson"
        await world.manifests.setPart(partKey("post", 2), PartRead(
            shardIndex: 1, shardCount: 3, planDigest: planDigest,
            summary: PartSummary(entries: 1, entriesSha256: String(repeating: "a", count: 64)), readFrom: ends))
        _ = try await world.handle(stopped(world, TaskSlot(.post, shard: 2), exitCode: 0))
        let run = try await world.run()
        XCTAssertEqual(run.result, .error)
        XCTAssertEqual(run.resultMessage, "\(TaskSlot(.post, shard: 2).describe(count: 3)): part \(partKey("post", 2)) is not this shard "
                       + "(by its ends \(ends)): header says shard 1 of 3")
        XCTAssertNil(run.manifestSets?[.post])
    }

    func testAFailedPlanTaskFallsBackToOneTaskPerManifest() async throws {
        let world = try await shardedWorld()
        _ = try await world.handle(world.backupCompleted())
        _ = try await world.handle(stopped(world, TaskSlot(.plan), exitCode: 2))
        let run = try await world.run()
        XCTAssertNil(run.result)
        XCTAssertEqual(run.shardPlan?.count, 1)
        XCTAssertNotNil(run.tasks[.post])
        XCTAssertNil(run.shardTasks)
        XCTAssertTrue(run.history.contains { $0.hasSuffix("plan task exit code 2: Essential container in task exited; walking with one task per manifest") }, "\(run.history)")
    }

    func testAnUnusablePlanFileFallsBackToOneTask() async throws {
        let world = try await shardedWorld()
        _ = try await world.handle(world.backupCompleted())
        await world.store.rawPut(runPrefix + "plan.json", Data(#"{"plan":"other"}"#.utf8))
        _ = try await world.handle(stopped(world, TaskSlot(.plan), exitCode: 0))
        let run = try await world.run()
        XCTAssertEqual(run.shardPlan?.count, 1)
        XCTAssertTrue(run.history.contains { $0.contains("plan unusable: \(runPrefix)plan.json") && $0.hasSuffix("; walking with one task per manifest") }, "\(run.history)")
    }

    func testOneShardWritesNoPlanAndNoSet() async throws {
        let world = try await shardedWorld(["EBV_ENTRIES_PER_SHARD": "6000000"])
        _ = try await world.handle(world.backupCompleted())
        let run = try await world.run()
        XCTAssertNil(run.shardPlan)
        XCTAssertNil(run.shardTasks)
        XCTAssertEqual(run.tasks[.post]?.clientToken, "ebv-post-\(backupJobId)")
        let keys = await world.store.keys()
        XCTAssertFalse(keys.contains { $0.hasSuffix("plan.json") || $0.hasSuffix(".set.json") }, "\(keys)")
    }

    func testAShardedRunDocumentRoundTrips() async throws {
        let world = try await shardedWorld()
        try await runToPostShards(world)
        let run = try await world.run()
        let data = try run.encoded()
        XCTAssertEqual(try Run.decoded(from: data), run)
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains(#""shardTasks" : {"#), text)
        XCTAssertTrue(text.contains(#""shard" : 2"#), text)
    }

    func testABaselineSetIsPassedAsItIsForReuseAndExpectation() async throws {
        let world = try World()
        await world.standardSetup()
        let setKey = "manifests/\(productionFS)/baseline/baseline-20250304T043000Z.set.json"
        await world.manifests.setBaselines([ManifestRef(key: setKey, completedAt: Timestamps.parse("2025-03-04T04:40:00Z")!, entries: 10)])
        _ = try await world.handle(world.backupCompleted())
        let requests = await world.ecs.runRequests
        let post = try XCTUnwrap(requests.first)
        XCTAssertEqual(Array(post.command.suffix(4)), ["--reuse-from", "s3://verifier-bucket/\(setKey)", "--expect", "s3://verifier-bucket/\(setKey)"])
        XCTAssertEqual(post.environment["EBV_EXPECT"], "s3://verifier-bucket/\(setKey)")
    }

    func testReconcileFindsShardsThatStoppedWithoutAnEvent() async throws {
        let world = try await shardedWorld()
        try await runToPostShards(world)
        await addParts(world, role: "post")
        var run = try await world.run()
        for shard in [0, 2] {
            let arn = try XCTUnwrap(run.record(TaskSlot(.post, shard: shard))?.taskArn)
            await world.ecs.setDescribed(TaskInfo(taskArn: arn, lastStatus: "STOPPED", exitCode: 0))
        }
        _ = try await world.handle(.reconcile)
        run = try await world.run()
        XCTAssertEqual(run.shardTasks?[.post]?.map(\.succeeded), [true, false, true])
        XCTAssertEqual(run.shardTasks?[.post]?.map { $0.part != nil }, [true, false, true])
        XCTAssertNil(run.manifestSets?[.post])
        // Finished, the run stops the shard still running (and only it: ECS knows the others stopped).
        let planArn = try XCTUnwrap(run.tasks[.plan]?.taskArn)
        await world.ecs.setDescribed(TaskInfo(taskArn: planArn, lastStatus: "STOPPED", exitCode: 0))
        world.clock.advance(25 * 3600)
        _ = try await world.handle(.reconcile)
        run = try await world.run()
        XCTAssertEqual(run.result, .timedOut)
        let stopped = await world.ecs.stopped
        XCTAssertEqual(stopped, [run.record(TaskSlot(.post, shard: 1))?.taskArn].compactMap { $0 })
    }

    func testReuseCanBeTurnedOff() async throws {
        var environment = testEnvironment
        environment["EBV_REUSE"] = "false"
        let world = try World(environment: environment)
        await world.standardSetup()
        _ = try await world.handle(world.backupCompleted())
        let requests = await world.ecs.runRequests
        let post = try XCTUnwrap(requests.first)
        XCTAssertFalse(post.command.contains("--reuse-from"))
        XCTAssertNil(post.environment["EBV_REUSE_FROM"])
        XCTAssertEqual(Array(post.command.suffix(2)), ["--expect", "s3://verifier-bucket/\(baselineKey)"])
        let reuse = ["EBV_REUSE": "maybe"].merging(testEnvironment) { old, _ in old }
        XCTAssertThrowsError(try OrchestratorConfig(environment: reuse))
    }

    func testShardCountFromSettings() {
        let sizing = ShardSizing(fixed: nil, entriesPerShard: 2_000_000, maxShards: 16)
        XCTAssertEqual(sizing.count(previousEntries: nil), 1, "no previous manifest")
        XCTAssertEqual(sizing.count(previousEntries: 0), 1)
        XCTAssertEqual(sizing.count(previousEntries: 2_000_000), 1)
        XCTAssertEqual(sizing.count(previousEntries: 2_000_001), 2)
        XCTAssertEqual(sizing.count(previousEntries: Int.max), 16, "capped")
        XCTAssertEqual(ShardSizing(fixed: 5, entriesPerShard: 2_000_000, maxShards: 2).count(previousEntries: 10), 5, "fixed wins")
        XCTAssertEqual(ShardSizing(fixed: 5).count(previousEntries: nil), 1, "nothing to plan from")
    }

    func testShardTaskGroupsParse() throws {
        let naming = try World().naming
        XCTAssertEqual(naming.parseTaskSlot("ebv:fs-1:r:post:7")?.slot, TaskSlot(.post, shard: 7))
        XCTAssertEqual(naming.parseTaskGroup("ebv:fs-1:r:restored:0")?.role, .restored)
        for bad in ["ebv:fs-1:r:post:", "ebv:fs-1:r:post:-1", "ebv:fs-1:r:post:07", "ebv:fs-1:r:post:100", "ebv:fs-1:r:post:1e2",
                    "ebv:fs-1:r:post:1:2", "ebv:fs-1:r:post: 1", "ebv:fs-1:r:post:٣"] {
            XCTAssertNil(naming.parseTaskSlot(bad), bad)
        }
    }
}

/// Lowercase hex SHA-256 of a string's UTF-8 bytes.
func sha256Hex(_ text: String) -> String {
    PlanFile.digest(Data(text.utf8))
}
