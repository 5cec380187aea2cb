import AWSLite
import Foundation
import TestSupport
import XCTest
@testable import OrchestratorKit

/// The production adapters against a loopback stand-in for the AWS endpoints: the
/// mapping of conditional-write, conflict and not-found answers, and the requests sent.
final class ProductionAdapterTests: XCTestCase {
    func configuration(_ server: TestHTTPServer) -> AWSClientConfiguration {
        AWSClientConfiguration(
            region: "us-east-1", credentials: StaticCredentialProvider(Credentials(accessKeyId: "AKID", secretAccessKey: "secret")),
            endpoint: URL(string: server.baseURL), retry: .none)
    }

    func testS3RunStoreConditionalWrites() async throws {
        let server = try TestHTTPServer { request in
            switch (request.method, request.path) {
            case ("GET", "/bucket/runs/fs-1/r.json"):
                return .text(200, #"{"runId":"r"}"#, headers: [("ETag", "\"abc\"")])
            case ("GET", "/bucket/runs/fs-1/missing.json"):
                return .text(404, "<Error><Code>NoSuchKey</Code><Message>gone</Message></Error>")
            case ("GET", "/bucket/runs/fs-1/unlisted.json"):
                return .text(403, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>")
            case ("PUT", "/bucket/runs/fs-1/new.json"):
                return request.header("If-None-Match") == "*" ? .text(412, "<Error><Code>PreconditionFailed</Code><Message>exists</Message></Error>")
                    : .text(500, "")
            case ("PUT", "/bucket/runs/fs-1/r.json"):
                return request.header("If-Match") == "\"abc\"" ? TestHTTPResponse(status: 200, headers: [("ETag", "\"def\"")])
                    : .text(412, "<Error><Code>PreconditionFailed</Code><Message>changed</Message></Error>")
            default:
                return .text(400, "unexpected \(request.method) \(request.target)")
            }
        }
        defer { server.stop() }
        let store = S3RunStore(s3: try S3Client(configuration: configuration(server)), bucket: "bucket")
        let got = try await store.get("runs/fs-1/r.json")
        XCTAssertEqual(got, StoredObject(body: Data(#"{"runId":"r"}"#.utf8), etag: "\"abc\""))
        let missing = try await store.get("runs/fs-1/missing.json")
        XCTAssertNil(missing)
        // A 403 is never taken for "absent" (it is what S3 answers a missing key without
        // s3:ListBucket): an error that names the grant.
        do {
            _ = try await store.get("runs/fs-1/unlisted.json")
            XCTFail("a 403 is an error")
        } catch let error as OrchestratorError {
            XCTAssertEqual(error.kind, .service)
            XCTAssertEqual(error.httpStatus, 403)
            XCTAssertTrue(error.message.hasPrefix("GetObject s3://bucket/runs/fs-1/unlisted.json (denied: the role needs s3:GetObject here and s3:ListBucket on the bucket"), error.message)
        }
        let etag = try await store.put("runs/fs-1/r.json", body: Data("{}".utf8), condition: .mustMatch(etag: "\"abc\""))
        XCTAssertEqual(etag, "\"def\"")
        do {
            _ = try await store.put("runs/fs-1/r.json", body: Data("{}".utf8), condition: .mustMatch(etag: "\"old\""))
            XCTFail("expected a conflict")
        } catch let error as OrchestratorError {
            XCTAssertEqual(error.kind, .conflict)
        }
        do {
            _ = try await store.put("runs/fs-1/new.json", body: Data("{}".utf8), condition: .mustNotExist)
            XCTFail("expected a conflict")
        } catch let error as OrchestratorError {
            XCTAssertEqual(error.kind, .conflict)
        }
    }

    func testEFSConflictsAndNotFound() async throws {
        let server = try TestHTTPServer { request in
            let error = { (status: Int, code: String) in
                TestHTTPResponse.text(status, #"{"ErrorCode":"\#(code)","Message":"m"}"#, headers: [("x-amzn-ErrorType", code)])
            }
            switch (request.method, request.path) {
            case ("POST", "/2015-02-01/mount-targets"): return error(409, "MountTargetConflict")
            case ("DELETE", "/2015-02-01/file-systems/fs-busy"): return error(409, "FileSystemInUse")
            case ("DELETE", "/2015-02-01/file-systems/fs-gone"): return error(404, "FileSystemNotFound")
            case ("GET", "/2015-02-01/file-systems") where request.query == "FileSystemId=fs-gone":
                return error(404, "FileSystemNotFound")
            case ("GET", "/2015-02-01/file-systems"):
                return .text(200, #"{"FileSystems":[{"FileSystemId":"fs-1","FileSystemArn":"arn:fs-1","LifeCycleState":"available","Tags":[{"Key":"efs-backup-verifier:run","Value":"r1"}]}]}"#)
            default: return .text(400, "unexpected")
            }
        }
        defer { server.stop() }
        let efs = EFSFileSystemService(client: try EFSClient(configuration: configuration(server)))
        let found = try await efs.describeFileSystem(id: "fs-1")
        XCTAssertEqual(found, FileSystemInfo(fileSystemId: "fs-1", fileSystemArn: "arn:fs-1", lifeCycleState: "available",
                                             tags: ["efs-backup-verifier:run": "r1"]))
        let gone = try await efs.describeFileSystem(id: "fs-gone")
        XCTAssertNil(gone)
        try await efs.deleteFileSystem(id: "fs-gone")
        do {
            try await efs.deleteFileSystem(id: "fs-busy")
            XCTFail("expected a conflict")
        } catch let error as OrchestratorError {
            XCTAssertEqual(error.kind, .conflict)
        }
        do {
            _ = try await efs.createMountTarget(fileSystemId: "fs-1", subnetId: "subnet-a", securityGroups: ["sg-1"])
            XCTFail("expected a conflict")
        } catch let error as OrchestratorError {
            XCTAssertEqual(error.kind, .conflict)
        }
    }

    func testValidationWindowIsTheShortestEFSSelectionOfThePlan() async throws {
        let paths = Locked<[String]>([])
        let server = try TestHTTPServer { request in
            paths.withLock { $0.append(request.path) }
            return .text(200, #"{"RestoreTestingSelections":[{"ProtectedResourceType":"EFS","ValidationWindowHours":6},{"ProtectedResourceType":"EBS","ValidationWindowHours":1},{"ProtectedResourceType":"EFS","ValidationWindowHours":4},{"ProtectedResourceType":"EFS","ValidationWindowHours":0}]}"#)
        }
        defer { server.stop() }
        let backup = AWSBackupService(client: try BackupClient(configuration: configuration(server)))
        let hours = try await backup.validationWindowHours(restoreTestingPlanArn: "arn:aws:backup:us-east-1:1:restore-testing-plan:efs_weekly-a1b2c3")
        XCTAssertEqual(hours, 4)
        XCTAssertEqual(paths.current, ["/restore-testing/plans/efs_weekly/selections"])
        let none = try await backup.validationWindowHours(restoreTestingPlanArn: "arn:aws:backup:us-east-1:1:restore-testing-plan:nodash")
        XCTAssertNil(none)
    }

    /// A conditional write answered 5xx may have been applied: it is retried, and a
    /// precondition failure that finds exactly our bytes is our own write.
    func testConditionalWritesAreRetriedAndTheirOwnEarlierWriteRecognised() async throws {
        let stored = Locked<[String: String]>([:])
        let failNext = Locked<Set<String>>(["PUT /bucket/runs/a.json", "PUT /bucket/runs/b.json"])
        let server = try TestHTTPServer { request in
            let key = request.path
            switch request.method {
            case "GET":
                guard let body = stored.current[key] else { return .text(404, "<Error><Code>NoSuchKey</Code><Message>n</Message></Error>") }
                return .text(200, body, headers: [("ETag", "\"etag-\(body.count)\"")])
            case "PUT":
                if request.header("If-None-Match") == "*", stored.current[key] != nil {
                    return .text(412, "<Error><Code>PreconditionFailed</Code><Message>exists</Message></Error>")
                }
                stored.withLock { $0[key] = request.bodyText }
                if failNext.withLock({ $0.remove("PUT " + key) != nil }) {
                    return .text(500, "<Error><Code>InternalError</Code><Message>applied, then failed</Message></Error>")
                }
                return TestHTTPResponse(status: 200, headers: [("ETag", "\"etag-\(request.bodyText.count)\"")])
            default:
                return .text(400, "unexpected")
            }
        }
        defer { server.stop() }
        let store = S3RunStore(s3: try S3Client(configuration: configuration(server)), bucket: "bucket")
        let etag = try await store.put("runs/a.json", body: Data("ours".utf8), condition: .mustNotExist)
        XCTAssertEqual(etag, "\"etag-4\"", "the 500 was applied; the retry's 412 finds our bytes")
        stored.withLock { $0["/bucket/runs/b.json"] = "theirs" }
        failNext.withLock { $0 = [] }
        do {
            _ = try await store.put("runs/b.json", body: Data("ours".utf8), condition: .mustNotExist)
            XCTFail("someone else's object: a conflict")
        } catch let error as OrchestratorError {
            XCTAssertEqual(error.kind, .conflict)
        }
    }

    /// Cleanup of something already gone is done, never an error that wedges later ticks.
    func testCleanupOfVanishedResourcesIsDone() async throws {
        let deleted = Locked<[String]>([])
        let server = try TestHTTPServer { request in
            let error = { (status: Int, code: String) in
                TestHTTPResponse.text(status, #"{"ErrorCode":"\#(code)","Message":"m"}"#, headers: [("x-amzn-ErrorType", code)])
            }
            switch (request.method, request.path, request.header("X-Amz-Target") ?? "") {
            case ("GET", "/2015-02-01/mount-targets", _): return error(404, "FileSystemNotFound")
            case ("DELETE", "/2015-02-01/mount-targets/fsmt-gone", _): return error(404, "MountTargetNotFound")
            case ("DELETE", "/2015-02-01/access-points/fsap-gone", _): return error(404, "AccessPointNotFound")
            case (_, _, "AmazonEC2ContainerServiceV20141113.DeregisterTaskDefinition") where request.bodyText.contains("deleted"):
                return .text(400, #"{"__type":"ClientException","message":"Unable to describe task definition."}"#)
            case (_, _, "AmazonEC2ContainerServiceV20141113.DeregisterTaskDefinition"):
                return .text(400, #"{"__type":"ClientException","message":"The specified task definition is INACTIVE."}"#)
            case (_, _, "AmazonEC2ContainerServiceV20141113.DeleteTaskDefinitions"):
                deleted.withLock { $0.append(request.bodyText) }
                return .text(200, #"{"taskDefinitions":[],"failures":[{"arn":"arn:td:1","reason":"The specified task definition does not exist. Specify a valid account, family, revision and try again."}]}"#)
            default: return .text(400, "unexpected")
            }
        }
        defer { server.stop() }
        let efs = EFSFileSystemService(client: try EFSClient(configuration: configuration(server)))
        let targets = try await efs.describeMountTargets(fileSystemId: "fs-gone")
        XCTAssertEqual(targets, [])
        try await efs.deleteMountTarget(id: "fsmt-gone")
        try await efs.deleteAccessPoint(id: "fsap-gone")
        let ecs = ECSTaskLauncher(client: try ECSClient(configuration: configuration(server)))
        try await ecs.deregisterTaskDefinition(arn: "arn:td:1")
        try await ecs.deregisterTaskDefinition(arn: "arn:td:deleted")
        try await ecs.deleteTaskDefinitions(arns: ["arn:td:1"])
        XCTAssertEqual(deleted.current, [#"{"taskDefinitions":["arn:td:1"]}"#])
    }

    func testDeleteTaskDefinitionsRefusalsOtherThanGoneAreErrors() async throws {
        let server = try TestHTTPServer { _ in
            .text(200, #"{"failures":[{"arn":"arn:td:2","reason":"The specified task definition is still in ACTIVE status. Please deregister the target and try again."}]}"#)
        }
        defer { server.stop() }
        let ecs = ECSTaskLauncher(client: try ECSClient(configuration: configuration(server)))
        do {
            try await ecs.deleteTaskDefinitions(arns: ["arn:td:2"])
            XCTFail("expected an error")
        } catch let error as OrchestratorError {
            XCTAssertEqual(error.message, "DeleteTaskDefinitions refused: arn:td:2: The specified task definition is still in ACTIVE status. Please deregister the target and try again.")
        }
    }

    func testRestoredTaskDefinitionCopiesTheWorkerAndSwapsTheVolume() async throws {
        let base = #"""
        {"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:1:task-definition/manifest-worker:4","family":"manifest-worker",
         "taskRoleArn":"arn:aws:iam::1:role/worker","executionRoleArn":"arn:aws:iam::1:role/exec","networkMode":"awsvpc",
         "requiresCompatibilities":["FARGATE"],"cpu":"1024","memory":"2048",
         "containerDefinitions":[{"name":"manifest-worker","image":"img:1","essential":true,
           "mountPoints":[{"sourceVolume":"efs","containerPath":"/mnt/efs","readOnly":true}]}],
         "volumes":[{"name":"efs","efsVolumeConfiguration":{"fileSystemId":"fs-prod","transitEncryption":"ENABLED",
           "authorizationConfig":{"accessPointId":"fsap-prod","iam":"ENABLED"}}}]}}
        """#
        let registered = Locked<String>("")
        let server = try TestHTTPServer { request in
            switch request.header("X-Amz-Target") {
            case "AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition":
                return .text(200, base)
            case "AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition":
                registered.withLock { $0 = request.bodyText }
                return .text(200, #"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:1:task-definition/manifest-worker-restored:1"}}"#)
            default:
                return .text(400, #"{"__type":"ClientException","message":"unexpected"}"#)
            }
        }
        defer { server.stop() }
        let ecs = ECSTaskLauncher(client: try ECSClient(configuration: configuration(server)))
        let arn = try await ecs.registerTaskDefinition(TaskDefinitionRequest(
            baseFamily: "manifest-worker", family: "manifest-worker-restored", containerName: "manifest-worker", volumeName: "efs",
            fileSystemId: "fs-restored", accessPointId: "fsap-1", readOnly: true, tags: ["efs-backup-verifier:run": "r1"]))
        XCTAssertEqual(arn, "arn:aws:ecs:us-east-1:1:task-definition/manifest-worker-restored:1")
        let body = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(registered.current.utf8)) as? [String: Any])
        XCTAssertEqual(body["family"] as? String, "manifest-worker-restored")
        XCTAssertEqual(body["taskRoleArn"] as? String, "arn:aws:iam::1:role/worker")
        let volumes = try XCTUnwrap(body["volumes"] as? [[String: Any]])
        XCTAssertEqual(volumes.count, 1)
        let efs = try XCTUnwrap(volumes[0]["efsVolumeConfiguration"] as? [String: Any])
        XCTAssertEqual(efs["fileSystemId"] as? String, "fs-restored")
        XCTAssertEqual(efs["transitEncryption"] as? String, "ENABLED")
        XCTAssertNil(efs["rootDirectory"])
        XCTAssertEqual(efs["authorizationConfig"] as? [String: String], ["accessPointId": "fsap-1", "iam": "ENABLED"])
        let containers = try XCTUnwrap(body["containerDefinitions"] as? [[String: Any]])
        let mounts = try XCTUnwrap(containers.first?["mountPoints"] as? [[String: Any]])
        XCTAssertEqual(mounts.first?["readOnly"] as? Bool, true)
        XCTAssertEqual(body["tags"] as? [[String: String]], [["key": "efs-backup-verifier:run", "value": "r1"]])
    }

    func testRunTaskFailuresAreErrors() async throws {
        let sent = Locked<String>("")
        let server = try TestHTTPServer { request in
            sent.withLock { $0 = request.bodyText }
            return .text(200, #"{"tasks":[],"failures":[{"arn":"arn:cluster","reason":"RESOURCE:MEMORY"}]}"#)
        }
        defer { server.stop() }
        let ecs = ECSTaskLauncher(client: try ECSClient(configuration: configuration(server)))
        do {
            _ = try await ecs.runTask(RunTaskRequest(
                cluster: "c", taskDefinition: "td", clientToken: "ebv-post-r", startedBy: "efs-backup-verifier", group: "ebv:fs-1:r:post",
                subnets: ["subnet-a"], securityGroups: ["sg-1"], containerName: "manifest-worker", command: ["generate"],
                environment: ["EBV_ROLE": "post"], tags: [:]))
            XCTFail("expected an error")
        } catch let error as OrchestratorError {
            XCTAssertEqual(error, OrchestratorError(.service, "RunTask started no task: arn:cluster: RESOURCE:MEMORY "))
        }
        let body = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(sent.current.utf8)) as? [String: Any])
        XCTAssertEqual(body["clientToken"] as? String, "ebv-post-r")
        XCTAssertEqual(body["group"] as? String, "ebv:fs-1:r:post")
        XCTAssertEqual(body["launchType"] as? String, "FARGATE")
        let network = (body["networkConfiguration"] as? [String: Any])?["awsvpcConfiguration"] as? [String: Any]
        XCTAssertEqual(network?["assignPublicIp"] as? String, "DISABLED")
    }

    func testBackupValidationAndRestoreRequests() async throws {
        let seen = Locked<[TestHTTPRequest]>([])
        let server = try TestHTTPServer { request in
            seen.withLock { $0.append(request) }
            if request.method == "PUT", request.path == "/restore-jobs" { return .text(200, #"{"RestoreJobId":"job-1"}"#) }
            return TestHTTPResponse(status: 204)
        }
        defer { server.stop() }
        let backup = AWSBackupService(client: try BackupClient(configuration: configuration(server)))
        let id = try await backup.startRestoreJob(RestoreRequest(
            recoveryPointArn: "arn:rp", iamRoleArn: "arn:role", idempotencyToken: "ebv-restore-r", metadata: ["newFileSystem": "true"]))
        XCTAssertEqual(id, "job-1")
        try await backup.putRestoreValidationResult(restoreJobId: "job-1", status: .successful, message: "ok")
        let requests = seen.current
        XCTAssertEqual(requests.map { "\($0.method) \($0.path)" }, ["PUT /restore-jobs", "PUT /restore-jobs/job-1/validations"])
        let start = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(requests[0].body)) as? [String: Any])
        XCTAssertEqual(start["IdempotencyToken"] as? String, "ebv-restore-r")
        XCTAssertEqual(start["ResourceType"] as? String, "EFS")
        XCTAssertEqual(start["Metadata"] as? [String: String], ["newFileSystem": "true"])
        XCTAssertEqual(requests[1].bodyText, #"{"ValidationStatus":"SUCCESSFUL","ValidationStatusMessage":"ok"}"#)
    }
}
