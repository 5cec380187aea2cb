import AWSLite
import Foundation
import XCTest
import TestSupport
@testable import OrchestratorKit

/// A Runtime API stand-in: `/next` hands out queued invocations, posts are recorded (the
/// server records every request) and answered 202.
final class RuntimeStandIn: @unchecked Sendable {
    struct Queued { var requestId: String?; var deadlineMs: String?; var traceId: String?; var body: String }
    let queue: Locked<[Queued]>
    let responseStatus = Locked<Int>(202)
    var server: TestHTTPServer!

    init(_ invocations: [Queued]) throws {
        queue = Locked(invocations)
        server = try TestHTTPServer { [unowned self] request in self.answer(request) }
    }

    var endpoint: String { "127.0.0.1:\(server.port)" }
    var posts: [TestHTTPRequest] { server.requests.filter { $0.method == "POST" } }

    func answer(_ request: TestHTTPRequest) -> TestHTTPResponse {
        if request.method == "GET", request.target == RuntimeAPI.nextPath {
            guard let next = queue.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { return .text(500, "no more") }
            var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
            if let id = next.requestId { headers.append(("Lambda-Runtime-Aws-Request-Id", id)) }
            if let deadline = next.deadlineMs { headers.append(("Lambda-Runtime-Deadline-Ms", deadline)) }
            headers.append(("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:verifier"))
            if let trace = next.traceId { headers.append(("Lambda-Runtime-Trace-Id", trace)) }
            return .text(200, next.body, headers: headers)
        }
        if request.method == "POST", request.target.hasSuffix("/response") { return TestHTTPResponse(status: responseStatus.current) }
        if request.method == "POST" { return TestHTTPResponse(status: 202) }
        return .text(404, "unknown")
    }

    deinit { server.stop() }
}

final class RuntimeLoopTests: XCTestCase {
    let clock = FakeClock(Timestamps.parse("2025-03-04T05:41:17Z")!)

    func loop(_ standIn: RuntimeStandIn, count: Int, traces: Locked<[String?]> = Locked([]),
              handler: @escaping InvocationHandler) async throws -> MemorySink {
        let sink = MemorySink()
        let client = try RuntimeHTTPClient(endpoint: standIn.endpoint)
        try await runRuntimeLoop(client: client, logger: Logger(sink: sink, clock: clock), maxInvocations: count,
                                 setTraceId: { id in traces.withLock { $0.append(id) } }, handler: handler)
        return sink
    }

    func testSuccessPostsTheExactResponse() async throws {
        let standIn = try RuntimeStandIn([.init(requestId: "req-1", deadlineMs: "1741067777000", traceId: "Root=1-abc;Sampled=1", body: #"{"x":1}"#)])
        let seen = Locked<[Invocation]>([])
        _ = try await loop(standIn, count: 1) { invocation, _ in
            seen.withLock { $0.append(invocation) }
            return Data(#"{"ok":true}"#.utf8)
        }
        XCTAssertEqual(seen.current, [Invocation(requestId: "req-1", deadline: Date(timeIntervalSince1970: 1_741_067_777),
                                             functionArn: "arn:aws:lambda:us-east-1:123456789012:function:verifier",
                                             traceId: "Root=1-abc;Sampled=1", body: Data(#"{"x":1}"#.utf8))])
        let get = try XCTUnwrap(standIn.server.requests.first)
        XCTAssertEqual(get.method, "GET")
        XCTAssertEqual(get.target, "/2018-06-01/runtime/invocation/next")
        let post = try XCTUnwrap(standIn.posts.first)
        XCTAssertEqual(post.target, "/2018-06-01/runtime/invocation/req-1/response")
        XCTAssertEqual(post.bodyText, #"{"ok":true}"#)
        XCTAssertEqual(post.headers.map { "\($0.name): \($0.value)" }, [
            "Host: \(standIn.endpoint)", "Content-Type: application/json", "Content-Length: 11", "Connection: close",
        ])
    }

    func testExactRequestBytes() {
        let bytes = RuntimeHTTPClient.requestBytes(
            method: "POST", path: "/2018-06-01/runtime/invocation/r/error", host: "127.0.0.1", port: 9001,
            headers: [("Lambda-Runtime-Function-Error-Type", "Orchestrator.InvalidEvent")],
            body: RuntimeErrorReport(errorType: "Orchestrator.InvalidEvent", errorMessage: "event: not JSON").body)
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self),
                       "POST /2018-06-01/runtime/invocation/r/error HTTP/1.1\r\nHost: 127.0.0.1:9001\r\n"
                       + "Lambda-Runtime-Function-Error-Type: Orchestrator.InvalidEvent\r\n"
                       + "Content-Type: application/json\r\nContent-Length: 90\r\nConnection: close\r\n\r\n"
                       + #"{"errorMessage":"event: not JSON","errorType":"Orchestrator.InvalidEvent","stackTrace":[]}"#)
        let next = RuntimeHTTPClient.requestBytes(method: "GET", path: RuntimeAPI.nextPath, host: "h", port: 1, headers: [], body: Data())
        XCTAssertEqual(String(decoding: next, as: UTF8.self),
                       "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: h:1\r\nConnection: close\r\n\r\n")
    }

    func testHandlerErrorIsReportedAndTheLoopCarriesOn() async throws {
        let standIn = try RuntimeStandIn([
            .init(requestId: "req-1", deadlineMs: "1741067777000", traceId: "Root=1-a", body: "bad"),
            .init(requestId: "req-2", deadlineMs: "1741067778000", traceId: "Root=1-b", body: "good"),
        ])
        let traces = Locked<[String?]>([])
        let sink = try await loop(standIn, count: 2, traces: traces) { invocation, _ in
            if invocation.body == Data("bad".utf8) { throw OrchestratorError(.invalidEvent, "event: not JSON") }
            return Data("done".utf8)
        }
        let posts = standIn.posts
        XCTAssertEqual(posts.map(\.target), ["/2018-06-01/runtime/invocation/req-1/error", "/2018-06-01/runtime/invocation/req-2/response"])
        XCTAssertEqual(posts[0].header("Lambda-Runtime-Function-Error-Type"), "Orchestrator.InvalidEvent")
        XCTAssertEqual(posts[0].bodyText, #"{"errorMessage":"event: not JSON","errorType":"Orchestrator.InvalidEvent","stackTrace":[]}"#)
        XCTAssertEqual(posts[1].bodyText, "done")
        XCTAssertEqual(traces.current, ["Root=1-a", "Root=1-b"])
        let errorLine = try XCTUnwrap(sink.records.first { ($0["message"] as? String) == "invocation failed" })
        XCTAssertEqual(errorLine["requestId"] as? String, "req-1")
        XCTAssertEqual(errorLine["level"] as? String, "error")
        XCTAssertEqual(errorLine["errorType"] as? String, "Orchestrator.InvalidEvent")
    }

    func testUnknownErrorTypesAreRuntimeUnhandled() async throws {
        struct Boom: Error {}
        let standIn = try RuntimeStandIn([.init(requestId: "r", deadlineMs: "1", traceId: nil, body: "")])
        _ = try await loop(standIn, count: 1) { _, _ in throw Boom() }
        XCTAssertEqual(standIn.posts.first?.header("Lambda-Runtime-Function-Error-Type"), "Runtime.Unhandled")
        XCTAssertEqual(standIn.posts.first?.bodyText, #"{"errorMessage":"Boom()","errorType":"Runtime.Unhandled","stackTrace":[]}"#)
    }

    func testRefusedResponseIsReportedAsAnErrorAndTheLoopCarriesOn() async throws {
        let standIn = try RuntimeStandIn([
            .init(requestId: "big", deadlineMs: "1", traceId: nil, body: ""),
            .init(requestId: "next", deadlineMs: "1", traceId: nil, body: ""),
        ])
        standIn.responseStatus.withLock { $0 = 413 }
        _ = try await loop(standIn, count: 2) { _, _ in Data("x".utf8) }
        XCTAssertEqual(standIn.posts.map(\.target), [
            "/2018-06-01/runtime/invocation/big/response", "/2018-06-01/runtime/invocation/big/error",
            "/2018-06-01/runtime/invocation/next/response", "/2018-06-01/runtime/invocation/next/error",
        ])
        XCTAssertEqual(standIn.posts[1].header("Lambda-Runtime-Function-Error-Type"), "Runtime.ResponseRejected")
    }

    func testMissingRequestIdIsLoggedAndSkipped() async throws {
        let standIn = try RuntimeStandIn([
            .init(requestId: nil, deadlineMs: "1", traceId: nil, body: ""),
            .init(requestId: "ok", deadlineMs: "1", traceId: nil, body: ""),
        ])
        let sink = try await loop(standIn, count: 2) { _, _ in Data() }
        XCTAssertEqual(standIn.posts.map(\.target), ["/2018-06-01/runtime/invocation/ok/response"])
        XCTAssertEqual(sink.records.first?["reason"] as? String, "missing header Lambda-Runtime-Aws-Request-Id")
    }

    func testFailingNextEndsTheLoopWithARuntimeError() async throws {
        let standIn = try RuntimeStandIn([])
        do {
            _ = try await loop(standIn, count: 1) { _, _ in Data() }
            XCTFail("expected an error")
        } catch let error as OrchestratorError {
            XCTAssertEqual(error, OrchestratorError(.runtime, "GET /2018-06-01/runtime/invocation/next: HTTP 500", httpStatus: 500))
        }
    }

    func testTraceEnvironmentVariable() {
        OrchestratorMain.setTraceEnvironment("Root=1-xyz")
        XCTAssertEqual(ProcessInfo.processInfo.environment["_X_AMZN_TRACE_ID"], "Root=1-xyz")
        OrchestratorMain.setTraceEnvironment(nil)
        XCTAssertNil(ProcessInfo.processInfo.environment["_X_AMZN_TRACE_ID"])
    }
}

/// The whole Lambda mode: init, the loop and the orchestrator over fakes.
final class LambdaModeTests: XCTestCase {
    func testInitErrorIsPostedAndTheProcessExits() async throws {
        let standIn = try RuntimeStandIn([])
        var env = testEnvironment
        env["EBV_SUBNETS"] = "subnet-a,vpc-1"
        let sink = MemorySink()
        let world = try World()
        let status = await OrchestratorMain.runLambda(
            client: try RuntimeHTTPClient(endpoint: standIn.endpoint), environment: env,
            logger: Logger(sink: sink, clock: world.clock), makeServices: { _, _ in XCTFail("no services on a bad config"); throw OrchestratorError(.configuration, "x") })
        XCTAssertEqual(status, 2)
        XCTAssertEqual(standIn.server.requests.map(\.target), ["/2018-06-01/runtime/init/error"])
        let post = try XCTUnwrap(standIn.posts.first)
        XCTAssertEqual(post.header("Lambda-Runtime-Function-Error-Type"), "Runtime.InvalidConfiguration")
        XCTAssertEqual(post.bodyText, #"{"errorMessage":"EBV_SUBNETS: not a subnet-… id: \"vpc-1\"","errorType":"Runtime.InvalidConfiguration","stackTrace":[]}"#)
        XCTAssertEqual(sink.records.first?["message"] as? String, "init failed")
    }

    func testTwoEventsInARowThroughTheOrchestrator() async throws {
        let world = try World()
        await world.standardSetup()
        let backupEvent = String(decoding: try Fixture.data("backup-job-completed.json"), as: UTF8.self)
        let ignored = String(decoding: try Fixture.data("unknown-detail-type.json"), as: UTF8.self)
        let standIn = try RuntimeStandIn([
            .init(requestId: "r1", deadlineMs: "1741074077000", traceId: "Root=1", body: backupEvent),
            .init(requestId: "r2", deadlineMs: "1741074077000", traceId: "Root=2", body: ignored),
            .init(requestId: "r3", deadlineMs: "1741074077000", traceId: "Root=3", body: "{not json"),
        ])
        let services = world.orchestrator.services
        let status = await OrchestratorMain.runLambda(
            client: try RuntimeHTTPClient(endpoint: standIn.endpoint), environment: testEnvironment,
            logger: Logger(sink: world.logs, clock: world.clock), maxInvocations: 3, setTraceId: { _ in },
            makeServices: { _, _ in services })
        XCTAssertEqual(status, 0)
        let posts = standIn.posts
        XCTAssertEqual(posts.map(\.target), ["/2018-06-01/runtime/invocation/r1/response", "/2018-06-01/runtime/invocation/r2/response",
                                             "/2018-06-01/runtime/invocation/r3/error"])
        XCTAssertEqual(posts[0].bodyText, #"{"fileSystemId":"fs-0123456789abcdef0","phase":"active","runId":"a827233a-d405-4a86-a440-759fa94f34dd","status":"ok"}"#)
        XCTAssertEqual(posts[1].bodyText, #"{"detailType":"EC2 Instance State-change Notification","source":"aws.ec2","status":"ignored"}"#)
        XCTAssertEqual(posts[2].bodyText, #"{"errorMessage":"event: not JSON","errorType":"Orchestrator.InvalidEvent","stackTrace":[]}"#)
        let restoreLog = try XCTUnwrap(world.logs.records.first { ($0["message"] as? String) == "restore started" })
        XCTAssertEqual(restoreLog["requestId"] as? String, "r1")
        XCTAssertEqual(restoreLog["runId"] as? String, backupJobId)
        XCTAssertEqual(restoreLog["timestamp"] as? String, "2025-03-04T05:41:17.000Z")
        XCTAssertEqual(restoreLog["restoreJobId"] as? String, "restore-1")
    }
}
