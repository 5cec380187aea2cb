import AWSLite
import Foundation
import TestSupport
import XCTest

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The local AWS harness itself: start, controls over URLSession, signature checking on, stop.
final class LocalAWSHarnessTests: XCTestCase {
    func testStartsOnLoopbackServesControlsAndStops() async throws {
        let aws = try LocalAWS.start()
        XCTAssertEqual(aws.endpoint.host, "127.0.0.1")
        XCTAssertEqual(aws.backupEndpoint.host, "127.0.0.1")
        XCTAssertNotEqual(aws.endpoint.port, aws.backupEndpoint.port)
        XCTAssertEqual(aws.region, "us-east-1")
        XCTAssertTrue(aws.accessKeyId.hasPrefix("AKIA"))
        XCTAssertEqual(aws.accessKeyId.count, 20)
        XCTAssertEqual(aws.secretAccessKey.count, 40)
        XCTAssertEqual(aws.clientEnvironment["AWS_ENDPOINT_URL_BACKUP"], aws.backupEndpoint.absoluteString)
        print("LocalAWS startup: \(String(format: "%.2f", aws.startupSeconds)) s")

        let (data, response) = try await URLSession.shared.data(from: aws.endpoint.appendingPathComponent("_harness/health"))
        XCTAssertEqual((response as? HTTPURLResponse)?.statusCode, 200)
        XCTAssertEqual(try JSONDecoder().decode(LocalAWSJSON.self, from: data), ["ok": true])

        try await aws.reset()
        XCTAssertTrue(aws.isRunning)
        aws.stop()
        XCTAssertFalse(aws.isRunning)
        aws.stop()  // idempotent
    }

    func testUnsignedRequestsAreRefused() async throws {
        let aws = try LocalAWS.shared()
        try await aws.reset()
        let (data, response) = try await URLSession.shared.data(from: aws.endpoint.appendingPathComponent("some-bucket"))
        XCTAssertEqual((response as? HTTPURLResponse)?.statusCode, 403)
        XCTAssertEqual(
            String(decoding: data, as: UTF8.self),
            #"{"__type":"MissingAuthenticationTokenException","message":"Missing Authentication Token"}"#)
        let (_, backupResponse) = try await URLSession.shared.data(
            from: aws.backupEndpoint.appendingPathComponent("backup-jobs/abc"))
        XCTAssertEqual((backupResponse as? HTTPURLResponse)?.statusCode, 403)
        XCTAssertEqual((backupResponse as? HTTPURLResponse)?.value(forHTTPHeaderField: "x-amzn-ErrorType"),
                       "MissingAuthenticationTokenException")
    }

    func testBackupSeedingAndControlErrors() async throws {
        let aws = try LocalAWS.shared()
        try await aws.reset()
        let job = try await aws.seedBackupJob([
            "BackupJobId": "job-1",
            "ResourceArn": "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0",
            "BackupVaultName": "prod-vault",
        ])
        XCTAssertEqual(job["BackupJobId"], "job-1")
        XCTAssertEqual(job["State"], "COMPLETED")
        XCTAssertEqual(job["BackupVaultArn"], "arn:aws:backup:us-east-1:123456789012:backup-vault:prod-vault")
        let calls = try await aws.backupCalls()
        XCTAssertEqual(calls, [])
        let jobs = try await aws.restoreJobs()
        XCTAssertEqual(jobs, [])

        do {
            try await aws.setRestoreJobStatus("nope", status: "COMPLETED")
            XCTFail("unknown restore job accepted")
        } catch let error as LocalAWSError {
            XCTAssertEqual(error, .controlFailed(
                path: "/_harness/backup/restore-jobs/nope/status", status: 404, body: #"{"error": "no restore job nope"}"#))
        }
        do {
            try await aws.setTaskExitCode(taskArn: "arn:aws:ecs:us-east-1:123456789012:task/x", exitCode: 2)
            XCTFail("unknown task accepted")
        } catch let error as LocalAWSError {
            XCTAssertEqual(error, .controlFailed(
                path: "/_harness/ecs/task-exit-code", status: 404,
                body: #"{"error": "no task arn:aws:ecs:us-east-1:123456789012:task/x"}"#))
        }
    }

    func testMissingVenvIsAnErrorNotASkip() {
        XCTAssertThrowsError(try LocalAWS.start(environment: ["EBV_VENV": "/nonexistent/venv"])) { error in
            XCTAssertEqual(error as? LocalAWSError, .venvMissing(path: "/nonexistent/venv"))
            XCTAssertEqual(
                "\(error)",
                "LocalAWS: no Python venv at /nonexistent/venv — run scripts/setup (it creates .venv) or set EBV_VENV")
        }
    }

    func testStartupFailuresAreReportedExactly() throws {
        let venv = LocalAWS.defaultVenv()
        // The sleeping scripts are the behaviour under test (a server that never says
        // it is ready); the harness terminates them, nothing waits for them to end.
        let cases: [(script: String, timeout: Double, expected: LocalAWSError)] = [
            ("import time\ntime.sleep(30)\n", 0.5, .startupTimedOut(seconds: 0.5)),
            ("import sys\nsys.exit(3)\n", 20, .exitedBeforeReady(output: "")),
            ("print('hello')\nimport time\ntime.sleep(30)\n", 20, .badStartupLine("hello")),
            ("import sys\nsys.stdout.write('partial')\n", 20, .exitedBeforeReady(output: "partial")),
        ]
        for (script, timeout, expected) in cases {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("localaws-\(UUID().uuidString)")
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent("testenv"), withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: root) }
            try script.write(to: root.appendingPathComponent("testenv/moto_server.py"), atomically: true, encoding: .utf8)
            var environment = ["EBV_REPO_ROOT": root.path]
            environment["EBV_VENV"] = venv
            XCTAssertThrowsError(try LocalAWS.start(timeout: timeout, environment: environment)) { error in
                XCTAssertEqual(error as? LocalAWSError, expected)
            }
        }
    }

    /// The project's own signer and clients against the harness's signature checks.
    func testAWSLiteClientsAreAcceptedAndAWrongSecretIsRefused() async throws {
        let aws = try LocalAWS.shared()
        try await aws.reset()
        let good = Credentials(accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey)
        let bad = Credentials(accessKeyId: aws.accessKeyId, secretAccessKey: String(repeating: "x", count: 40))
        func configuration(_ credentials: Credentials, _ endpoint: URL) -> AWSClientConfiguration {
            AWSClientConfiguration(region: aws.region, credentials: StaticCredentialProvider(credentials),
                                   endpoint: endpoint, retry: .none)
        }

        try await aws.createBucket("bkt")
        let s3 = try S3Client(configuration: configuration(good, aws.endpoint))
        let body = Array("manifest line\n".utf8)
        _ = try await s3.putObject(S3PutObjectRequest(bucket: "bkt", key: "dir/a+b c=1.json", body: body))
        let page = try await s3.listObjectsV2(bucket: "bkt", prefix: "dir/")
        XCTAssertEqual(page.objects.map(\.key), ["dir/a+b c=1.json"])
        let head = try await s3.headObject(bucket: "bkt", key: "dir/a+b c=1.json")
        XCTAssertEqual(head.contentLength, UInt64(body.count))

        let topic = try await aws.createTopic("results")
        let sns = try SNSClient(configuration: configuration(good, aws.endpoint))
        let messageId = try await sns.publish(SNSPublishRequest(topicArn: topic, message: "a b+c & d", subject: "run r-1"))
        let published = try await aws.publishedMessages()
        XCTAssertEqual(published.map { $0["messageId"] }, [.string(messageId)])
        XCTAssertEqual(published.first?["message"], "a b+c & d")

        let job = try await aws.seedBackupJob(["ResourceArn": "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1"])
        let backup = try BackupClient(configuration: configuration(good, aws.backupEndpoint))
        let described = try await backup.describeBackupJob(job["BackupJobId"]?.stringValue ?? "")
        XCTAssertEqual(described.recoveryPointArn, job["RecoveryPointArn"]?.stringValue)
        let metadata = try await backup.getRecoveryPointRestoreMetadata(
            backupVaultName: "Default", recoveryPointArn: described.recoveryPointArn ?? "")
        XCTAssertEqual(metadata.restoreMetadata, ["file-system-id": "fs-1"])
        let point = try await backup.describeRecoveryPoint(vaultName: "Default", recoveryPointArn: described.recoveryPointArn ?? "")
        XCTAssertEqual(point.status, "COMPLETED")
        XCTAssertEqual(point.completionDate, described.completionDate, "a backup job's recovery point completes with the job")
        XCTAssertNotNil(point.completionDate)

        do {
            _ = try await S3Client(configuration: configuration(bad, aws.endpoint)).listObjectsV2(bucket: "bkt")
            XCTFail("wrong secret accepted by S3")
        } catch let error as AWSError {
            XCTAssertEqual(error.httpStatus, 403)
            XCTAssertEqual(error.code, "SignatureDoesNotMatch")
        }
        do {
            _ = try await BackupClient(configuration: configuration(bad, aws.backupEndpoint)).describeBackupJob("x")
            XCTFail("wrong secret accepted by Backup")
        } catch let error as AWSError {
            XCTAssertEqual(error.httpStatus, 403)
            XCTAssertEqual(error.code, "InvalidSignatureException")
        }
    }

    /// A restore completed through the control gives a real file system the EFS client can use.
    func testRestoredFileSystemIsUsableThroughAWSLiteAndWrongSecretsAreRefused() async throws {
        let aws = try LocalAWS.shared()
        try await aws.reset()
        let good = Credentials(accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey)
        let bad = Credentials(accessKeyId: aws.accessKeyId, secretAccessKey: String(repeating: "y", count: 40))
        func configuration(_ credentials: Credentials, _ endpoint: URL) -> AWSClientConfiguration {
            AWSClientConfiguration(region: aws.region, credentials: StaticCredentialProvider(credentials),
                                   endpoint: endpoint, retry: .none)
        }

        let job = try await aws.seedBackupJob(["ResourceArn": "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1"])
        let backup = try BackupClient(configuration: configuration(good, aws.backupEndpoint))
        let request = BackupStartRestoreJobRequest(
            recoveryPointArn: job["RecoveryPointArn"]?.stringValue ?? "",
            metadata: ["file-system-id": "fs-1", "newFileSystem": "true"], idempotencyToken: "run-1")
        let restoreJobId = try await backup.startRestoreJob(request)
        let again = try await backup.startRestoreJob(request)
        XCTAssertEqual(again, restoreJobId)
        let completed = try await aws.setRestoreJobStatus(restoreJobId, status: "COMPLETED")
        let restored = try await backup.describeRestoreJob(restoreJobId)
        XCTAssertEqual(restored.status, "COMPLETED")
        let createdArn = try XCTUnwrap(restored.createdResourceArn)
        XCTAssertEqual(completed["CreatedResourceArn"], .string(createdArn))
        let fileSystemId = String(createdArn.split(separator: "/").last ?? "")

        let efs = try EFSClient(configuration: configuration(good, aws.endpoint))
        let network = try await aws.defaultNetwork()
        let target = try await efs.createMountTarget(
            fileSystemId: fileSystemId, subnetId: network.subnetIds[0], securityGroups: [network.securityGroupId])
        try await efs.tagResource(fileSystemId, tags: [EFSTag(key: "efs-backup-verifier:run", value: "r-1")])
        let tags = try await efs.listTagsForResource(fileSystemId)
        XCTAssertEqual(tags.items, [EFSTag(key: "efs-backup-verifier:run", value: "r-1")])
        try await efs.deleteMountTarget(target.mountTargetId)
        try await efs.deleteFileSystem(fileSystemId)
        let left = try await efs.describeFileSystems()
        XCTAssertEqual(left.items.map(\.fileSystemId), [])

        for (name, call) in [
            ("EFS", { _ = try await EFSClient(configuration: configuration(bad, aws.endpoint)).describeFileSystems() }),
            ("ECS", { _ = try await ECSClient(configuration: configuration(bad, aws.endpoint)).listTasks(cluster: "c") }),
        ] as [(String, () async throws -> Void)] {
            do {
                try await call()
                XCTFail("wrong secret accepted by \(name)")
            } catch let error as AWSError {
                XCTAssertEqual(error.httpStatus, 403, name)
                XCTAssertEqual(error.code, "InvalidSignatureException", name)
            }
        }
    }
}
