import Foundation
import ManifestKit
import XCTest
@testable import OrchestratorKit

/// Every write of `report.html`, in order.
actor MemoryPages: ReportPageStore {
    var writes: [(key: String, body: String)] = []
    var pages: [String: [UInt8]] = [:]
    var failing = false

    func page(at key: String) async throws -> [UInt8]? {
        if failing { throw OrchestratorError(.service, "GetObject failed") }
        return pages[key]
    }

    func putPage(_ body: [UInt8], at key: String) async throws {
        if failing { throw OrchestratorError(.service, "PutObject failed") }
        pages[key] = body
        writes.append((key, String(decoding: body, as: UTF8.self)))
    }

    func seed(_ body: [UInt8], at key: String) { pages[key] = body }
    func setFailing() { failing = true }
}

/// `runs/<fs>/<run>/report.html`: the run section is written before the notification and
/// again when the run is done; the diff part (the differ's) is kept.
final class ReportPageRunTests: XCTestCase {
    private let pageKey = "runs/\(productionFS)/\(backupJobId)/report.html"

    private func orchestrator(_ world: World, _ pages: MemoryPages) -> Orchestrator {
        var orchestrator = world.orchestrator
        orchestrator.services.pages = pages
        return orchestrator
    }

    /// What S3ManifestDiffer writes: the diff part, with the CLI's banner in the run section.
    private func diffPage() throws -> [UInt8] {
        var report = DiffReport(isThreeWay: true, windowStartNs: 0, startedAtNs: 0)
        var tally = DiffTally()
        try tally.add(.match, verifiedBytes: 5)
        report.finish(tally: tally, restoredRoot: nil, finishedAtNs: 0)
        return ReportPage(report: report, inputs: [], findingsLocation: "s3://verifier-bucket/f", generatedAtNs: 0).html()
    }

    func testPassedRunPageHasTimelineResourcesAndTheDiffPart() async throws {
        let world = try World()
        let pages = MemoryPages()
        await pages.seed(try diffPage(), at: pageKey)
        let orchestrator = orchestrator(world, pages)
        await world.standardSetup()
        _ = try await orchestrator.handle(world.backupCompleted(), deadline: world.deadline)
        world.clock.advance(5400)
        await world.restoreCompletes()
        _ = try await orchestrator.handle(world.restoreEvent(jobId: "restore-1", status: "COMPLETED"), deadline: world.deadline)
        await world.manifests.addExisting("manifests/\(productionFS)/runs/\(backupJobId)/post.ndjson.gz")
        _ = try await orchestrator.handle(world.taskStopped(role: .post, exitCode: 0), deadline: world.deadline)
        world.clock.advance(1200)
        _ = try await orchestrator.handle(world.taskStopped(role: .restored, exitCode: 0), deadline: world.deadline)
        let run = try await world.run()
        XCTAssertEqual(run.phase, .done)

        let writes = await pages.writes
        XCTAssertEqual(writes.map(\.key), [pageKey, pageKey], "before the notification, and when done")
        let (atNotify, final) = (writes[0].body, writes[1].body)
        for page in [atNotify, final] {
            XCTAssertTrue(page.contains("<section class=\"banner pass\" id=\"verdict\">\n<h1>PASS</h1>\n<p class=\"reason\">three-way diff: 1200 files, 52428800 bytes verified, 0 error findings</p>"), page)
            XCTAssertTrue(page.contains("<h2>Counts per class</h2>"), "the differ's part is kept")
            XCTAssertEqual(page.components(separatedBy: "<h1>").count, 2, "one banner")
            XCTAssertTrue(page.contains("<tr><td>backup completed</td><td>2025-03-04T05:41:05Z</td><td>backup took 40 min 34 s</td></tr>"), page)
            XCTAssertTrue(page.contains("<tr><td>baseline manifest completed</td><td>2025-03-04T04:40:00Z</td><td>data age at backup completion: 1 h 1 min 5 s</td></tr>"), page)
            XCTAssertTrue(page.contains("<td>verdict: passed</td><td>2025-03-04T07:31:17Z</td><td>time to verdict from backup completion: 1 h 50 min 11 s</td>"), page)
            XCTAssertTrue(page.contains("restore took "), page)
            XCTAssertTrue(page.contains("<td>restored manifest</td>"), page)
        }
        XCTAssertTrue(atNotify.contains("<tr><td>EFS file system (restored)</td><td class=\"mono\">\(restoredFS)</td><td>to be deleted</td></tr>"), atNotify)
        XCTAssertTrue(final.contains("<tr><td>EFS file system (restored)</td><td class=\"mono\">\(restoredFS)</td><td>deleted</td></tr>"), final)
        XCTAssertTrue(final.contains("<tr><td>EFS access point</td><td class=\"mono\">fsap-1</td><td>deleted</td></tr>"), final)
        XCTAssertTrue(final.contains("<tr><td>EFS mount target</td><td class=\"mono\">fsmt-1</td><td>deleted</td></tr>"), final)
        XCTAssertTrue(final.contains("<td>ECS task definition</td><td class=\"mono\">arn:aws:ecs:us-east-1:123456789012:task-definition/manifest-worker-restored:1</td><td>deregistered</td>"), final)
        XCTAssertTrue(final.contains("<dt>Phase</dt><dd>done</dd>"), final)

        let message = await world.notifier.published.first?.message ?? ""
        XCTAssertTrue(message.contains("Report page: https://us-east-1.console.aws.amazon.com/s3/object/verifier-bucket?region=us-east-1&prefix=\(pageKey)\n"), message)
    }

    func testRunWithoutADiffGetsAPageOfItsOwn() async throws {
        let world = try World()
        let pages = MemoryPages()
        await world.standardSetup()
        await world.manifests.setBaselines([])
        _ = try await orchestrator(world, pages).handle(world.backupCompleted(), deadline: world.deadline)
        let run = try await world.run()
        XCTAssertEqual(run.result, .noBaseline)
        let last = await pages.writes.last?.body
        let final = try XCTUnwrap(last)
        XCTAssertTrue(final.contains("<section class=\"banner other\" id=\"verdict\">\n<h1>NO-BASELINE</h1>\n<p class=\"reason\">no valid baseline manifest completed before the backup started</p>"), final)
        XCTAssertFalse(final.contains("Counts per class"))
        XCTAssertTrue(final.contains("<tr><td>backup completed</td>"), final)
    }

    func testAPageThatCannotBeWrittenDoesNotStopTheRun() async throws {
        let world = try World()
        let pages = MemoryPages()
        await pages.setFailing()
        await world.standardSetup()
        await world.manifests.setBaselines([])
        _ = try await orchestrator(world, pages).handle(world.backupCompleted(), deadline: world.deadline)
        let run = try await world.run()
        XCTAssertEqual(run.phase, .done)
        let published = await world.notifier.published.count
        XCTAssertEqual(published, 1)
        XCTAssertTrue(world.logs.lines.current.contains { $0.contains("report page not written") })
    }

    func testRunStringsAreEscapedInThePage() throws {
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        var run = Run(runId: "<script>alert(1)</script>", origin: .manual, fileSystemId: "fs-\"><img src=x onerror=alert(1)>",
                      createdAt: start, deadline: start, expiresAt: start)
        run.restoredFileSystemId = "fs-<b>"
        run.finish(.error, "diff failed: m.gz:3: bad \u{202E}<i>", at: start)
        let html = String(decoding: ReportPage(run: RunReportSection.make(run), report: nil, inputs: [], findingsLocation: "",
                                               generatedAtNs: 0).html(), as: UTF8.self)
        XCTAssertFalse(html.contains("<script"))
        XCTAssertFalse(html.contains("<img"))
        XCTAssertFalse(html.contains("<i>"))
        XCTAssertTrue(html.contains("<dt>Run</dt><dd>&lt;script&gt;alert(1)&lt;/script&gt; (manual)</dd>"), html)
        XCTAssertTrue(html.contains("<p class=\"reason\">diff failed: m.gz:3: bad \\u{202E}&lt;i&gt;</p>"), html)
        XCTAssertTrue(html.contains("<td class=\"mono\">fs-&lt;b&gt;</td><td>to be deleted</td>"), html)
    }

    func testTimelineShowsWhatIsRecordedAndOnlyThat() {
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        var run = Run(runId: "verify-1", origin: .manual, fileSystemId: "fs-1", createdAt: start, deadline: start, expiresAt: start)
        run.backupStartedAt = start
        run.restoreStartedAt = start.addingTimeInterval(60)
        run.finish(.timedOut, "open at its deadline", at: start.addingTimeInterval(3600))
        XCTAssertEqual(RunReportSection.timeline(run), [
            ReportPage.TimelineEvent("backup started", atNs: 1_700_000_000_000_000_000),
            ReportPage.TimelineEvent("restore started", atNs: 1_700_000_060_000_000_000),
            ReportPage.TimelineEvent("verdict: timed-out", atNs: 1_700_003_600_000_000_000,
                                     note: "time to verdict from restore start: 59 min"),
        ])
        XCTAssertEqual(RunReportSection.verdict(run).title, "TIMED-OUT")
        XCTAssertEqual(RunReportSection.verdict(run).tone, .other)
    }

    func testConsoleURLEncodesTheKeyAndTakesTheRegionFromTheTopic() throws {
        let naming = RunNaming(config: try OrchestratorConfig(environment: testEnvironment))
        XCTAssertEqual(naming.consoleURL("runs/fs-1/a b&c/report.html"),
                       "https://us-east-1.console.aws.amazon.com/s3/object/verifier-bucket?region=us-east-1&prefix=runs/fs-1/a%20b%26c/report.html")
    }
}
