import AWSLite
import Foundation
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The built `manifest-worker` with `s3://` outputs and inputs against moto S3 (signature
/// checking on), configured only through the environment the harness gives a child
/// process (`AWS_ENDPOINT_URL`, keys, region).
final class ManifestWorkerS3Tests: XCTestCase {
    private var aws: LocalAWS!
    private var s3: S3Client!
    private var tree: String!
    private let bucket = "manifests"

    override func setUp() async throws {
        aws = try await Integration.freshHarness()
        try await aws.createBucket(bucket)
        s3 = try S3Client(configuration: Integration.configuration(aws))
        var template = Array("/tmp/ebv-s3-worker.XXXXXX".utf8CString)
        tree = String(cString: try XCTUnwrap(mkdtemp(&template)))
    }

    override func tearDown() {
        if let tree { try? FileManager.default.removeItem(atPath: tree) }
    }

    /// A few regular files, an empty one, a directory, and `count` symlinks whose
    /// 4000-character random targets make the gzipped manifest about 3 KB per link (so
    /// that 2,000 links need two 5 MiB parts).
    private func makeTree(links count: Int) throws -> String {
        let root = tree + "/tree"
        try FileManager.default.createDirectory(atPath: root + "/docs/links", withIntermediateDirectories: true)
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: root + "/docs/a.txt"))
        try Data().write(to: URL(fileURLWithPath: root + "/docs/empty"))
        try Data(Integration.bytes(count: 100_000, seed: 9)).write(to: URL(fileURLWithPath: root + "/data.bin"))
        // Base64 of random bytes: 6 bits per character, which gzip cannot squeeze.
        let random = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/urandom")).read(upToCount: count * 3000) ?? Data()
        for index in 0..<count {
            let target = random[(index * 3000)..<((index + 1) * 3000)].base64EncodedString()
            guard symlink(target, root + "/docs/links/l\(String(format: "%05d", index))") == 0 else {
                throw POSIXError(.EIO)
            }
        }
        return root
    }

    func testGenerateToS3ThenShowAndDiffStreamItBack() async throws {
        let root = try makeTree(links: 2000)
        let url = "s3://\(bucket)/runs/r-1/baseline.ndjson.gz"
        let local = tree + "/local.ndjson.gz"

        let upload = try WorkerProcess.run(["generate", root, "-o", url, "--role", "baseline"], environment: aws.clientEnvironment)
        XCTAssertEqual(upload.status, 0, upload.description)
        XCTAssertEqual(upload.stderr, "")
        XCTAssertTrue(upload.stdout.hasPrefix("wrote \(url): 2005 entries (3 files, 2 dirs, 2000 symlinks, 0 others), 100006 bytes, 0 errors, 0 unstable"), upload.stdout)
        let head = try await s3.headObject(bucket: bucket, key: "runs/r-1/baseline.ndjson.gz")
        XCTAssertEqual(head.contentType, "application/gzip")
        XCTAssertGreaterThan(head.contentLength, UInt64(S3MultipartWriter.minimumPartSize))
        XCTAssertTrue(head.eTag?.hasSuffix("-2\"") ?? false, "not a two-part upload: \(String(describing: head.eTag))")
        let open = try await openMultipartUploadKeys(aws, bucket: bucket)
        XCTAssertEqual(open, [])

        let written = try WorkerProcess.run(["generate", root, "-o", local, "--role", "baseline"], environment: [:])
        XCTAssertEqual(written.status, 0, written.description)

        let fromS3 = try WorkerProcess.run(["show", url], environment: aws.clientEnvironment)
        let fromFile = try WorkerProcess.run(["show", local], environment: [:])
        XCTAssertEqual(fromS3.status, 0, fromS3.stderr)
        XCTAssertEqual(fromS3.stderr, "")
        let entries = { (text: String) in text.split(separator: "\n").filter { !$0.hasPrefix("#") } }
        XCTAssertEqual(entries(fromS3.stdout).count, 2005)
        XCTAssertTrue(entries(fromS3.stdout) == entries(fromFile.stdout))
        XCTAssertTrue(fromS3.stdout.hasSuffix("valid\n"), String(fromS3.stdout.suffix(200)))

        for (baseline, restored) in [(local, url), (url, url)] {
            let diff = try WorkerProcess.run(["diff", baseline, restored], environment: aws.clientEnvironment)
            XCTAssertEqual(diff.status, 0, "diff \(baseline) \(restored): \(diff.description)")
            XCTAssertTrue(diff.stdout.hasPrefix("PASS"), diff.stdout)
            XCTAssertEqual(diff.stderr, "")
        }
    }

    func testDiffFindsAChangeBetweenAnS3BaselineAndALocalRestore() async throws {
        let root = try makeTree(links: 2)
        let url = "s3://\(bucket)/runs/r-2/baseline.ndjson.gz"
        let upload = try WorkerProcess.run(["generate", root, "-o", url, "-q"], environment: aws.clientEnvironment)
        XCTAssertEqual(upload.status, 0, upload.description)
        XCTAssertEqual(upload.stdout, "")
        let head = try await s3.headObject(bucket: bucket, key: "runs/r-2/baseline.ndjson.gz")
        XCTAssertFalse(head.eTag?.contains("-") ?? true, "a small manifest is one PutObject")
        let json = try WorkerProcess.run(["show", "--json", url], environment: aws.clientEnvironment)
        XCTAssertEqual(json.status, 0, json.stderr)
        XCTAssertTrue(json.stdout.hasPrefix(#"{"file":"\#(url)","valid":true,"header":{"manifest":"efs-backup-verifier/1","role":"local""#), json.stdout)

        // Same size and mtime, different bytes: a silent corruption.
        let path = root + "/docs/a.txt"
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        try Data("HELLO\n".utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.modificationDate: attributes[.modificationDate]!], ofItemAtPath: path)
        let restored = tree + "/restored.ndjson.gz"
        let written = try WorkerProcess.run(["generate", root, "-o", restored], environment: [:])
        XCTAssertEqual(written.status, 0, written.description)

        let diff = try WorkerProcess.run(["diff", url, restored], environment: aws.clientEnvironment)
        XCTAssertEqual(diff.status, 1, diff.description)
        XCTAssertTrue(diff.stdout.hasPrefix("FAIL: 1 error findings\n"), diff.stdout)
        XCTAssertTrue(diff.stdout.contains("corrupt docs/a.txt: sha256 differs"), diff.stdout)

        // The report set straight to S3 (how the orchestrator's Fargate diff task writes it).
        let toS3 = try WorkerProcess.run(["diff", url, restored, "--report-dir", "s3://\(bucket)/runs/r-2/report/", "-q"],
                                         environment: aws.clientEnvironment)
        XCTAssertEqual(toS3.status, 1, toS3.description)
        XCTAssertEqual(toS3.stdout, "")
        func object(_ key: String) async throws -> [UInt8] {
            let stream = try await s3.getObject(bucket: bucket, key: key)
            var body: [UInt8] = []
            while let chunk = try await stream.next() { body += chunk }
            return body
        }
        let summary = try await object("runs/r-2/report/summary.txt")
        // summary.txt: stdout's summary, then each manifest's walk.
        let summaryFile = String(decoding: summary, as: UTF8.self)
        XCTAssertTrue(summaryFile.hasPrefix(diff.stdout + "walks:\n  baseline: "), summaryFile)
        XCTAssertTrue(summaryFile.contains("\n  restored: "), summaryFile)
        let report = try await object("runs/r-2/report/report.json")
        XCTAssertTrue(String(decoding: report, as: UTF8.self).contains(#""passed": false"#))
        let findings = try await object("runs/r-2/report/findings.ndjson.gz")
        XCTAssertEqual(Array(findings.prefix(2)), [0x1f, 0x8b])
    }

    /// SIGTERM (what ECS StopTask sends) while the manifest is being uploaded: the open
    /// multipart upload is aborted, no object is left, the exit status is 143. The
    /// worker is held at `upload-opened` (a part stored) until the signal comes.
    func testInterruptedUploadLeavesNoObjectAndNoOpenUpload() async throws {
        // 4000 symlinks with 4000-character base64 targets: some 12 MB of gzipped
        // manifest (6 bits a character), more than the two 5 MiB parts the pause waits for.
        let root = try makeTree(links: 4000)
        let key = "runs/r-3/baseline.ndjson.gz"

        let worker = try WorkerProcess.start(["generate", root, "-o", "s3://\(bucket)/\(key)"],
                                             environment: aws.clientEnvironment.merging(["EBV_TEST_PAUSE_AT": "upload-opened"]) { $1 })
        defer { worker.kill() }
        let reached = worker.waitForStderr("manifest-worker: test pause at upload-opened\n")
        XCTAssertTrue(reached, "the worker never reached upload-opened")
        let open = try await openMultipartUploadKeys(aws, bucket: bucket)
        XCTAssertEqual(open, [key], "the upload is open while the worker is held")
        worker.signal(SIGTERM)
        let result = worker.wait()
        XCTAssertEqual(result.status, 143, result.description)
        XCTAssertEqual(result.stderr, "manifest-worker: test pause at upload-opened\nmanifest-worker: s3://\(bucket)/\(key): upload aborted (SIGTERM)\n")
        XCTAssertEqual(result.stdout, "")

        let after = try await openMultipartUploadKeys(aws, bucket: bucket)
        XCTAssertEqual(after, [])
        let listed = try await s3.listAllObjects(bucket: bucket)
        XCTAssertEqual(listed, [])
        let missing = await assertAWSError { _ = try await self.s3.headObject(bucket: self.bucket, key: key) }
        XCTAssertEqual(missing?.httpStatus, 404)
    }

    static func noSuchBucket(_ spec: String, _ bucket: String) -> String {
        "manifest-worker: \(spec): the bucket \(bucket) does not exist (s3.HeadBucket: HTTP 404): create it, or correct the bucket name; nothing was written\n"
    }

    /// The bucket of an `s3://` output is checked (HeadBucket) before anything is walked
    /// or read: the walk's test gate is never reached, nothing is written, exit 2.
    func testAMissingOutputBucketFailsBeforeTheWalk() async throws {
        let root = try makeTree(links: 1)
        var environment = aws.clientEnvironment
        environment["EBV_TEST_PAUSE_AT"] = "walking"
        let manifest = tree + "/m.ndjson.gz"
        let written = try WorkerProcess.run(["generate", root, "-o", manifest, "-q"], environment: [:])
        XCTAssertEqual(written.status, 0, written.description)
        let runs: [(arguments: [String], spec: String)] = [
            (["generate", root, "-o", "s3://missing-bucket/runs/m.ndjson.gz"], "s3://missing-bucket/runs/m.ndjson.gz"),
            (["verify", root, root + "/docs", "--report-dir", "s3://missing-bucket/report/"], "s3://missing-bucket/report/"),
            (["check", manifest, root, "--report-dir", "s3://missing-bucket/report/"], "s3://missing-bucket/report/"),
            (["diff", manifest, manifest, "--report-dir", "s3://missing-bucket/report/"], "s3://missing-bucket/report/"),
        ]
        for run in runs {
            let result = try WorkerProcess.run(run.arguments, environment: environment)
            XCTAssertEqual(result.status, 2, "\(run.arguments): \(result)")
            XCTAssertEqual(result.stdout, "", "\(run.arguments)")
            XCTAssertEqual(result.stderr, Self.noSuchBucket(run.spec, "missing-bucket"), "\(run.arguments)")
        }
        // From the environment, the variable is named first.
        var fromVariable = aws.clientEnvironment
        fromVariable["EBV_OUTPUT"] = "s3://missing-bucket/m.ndjson.gz"
        let named = try WorkerProcess.run(["generate", root], environment: fromVariable)
        XCTAssertEqual(named.status, 2, named.description)
        XCTAssertEqual(named.stderr, "manifest-worker: EBV_OUTPUT: s3://missing-bucket/m.ndjson.gz: the bucket missing-bucket does not exist "
                       + "(s3.HeadBucket: HTTP 404): create it, or correct the bucket name; nothing was written\n")
        // An existing bucket passes the check (and the report is written there).
        let report = try WorkerProcess.run(["diff", manifest, manifest, "--report-dir", "s3://\(bucket)/report/", "-q"], environment: aws.clientEnvironment)
        XCTAssertEqual(report.status, 0, report.description)
        let listed = try await s3.listAllObjects(bucket: bucket)
        XCTAssertEqual(listed.map(\.key).sorted(), ["report/findings.ndjson.gz", "report/report.html", "report/report.json", "report/summary.txt"])
    }

    func testS3FailuresAreOneLineErrorsWithExitStatus2() async throws {
        let root = try makeTree(links: 1)
        let noBucket = try WorkerProcess.run(["generate", root, "-o", "s3://no-such-bucket/m.ndjson.gz"], environment: aws.clientEnvironment)
        XCTAssertEqual(noBucket.status, 2, noBucket.description)
        XCTAssertEqual(noBucket.stdout, "")
        XCTAssertEqual(noBucket.stderr, Self.noSuchBucket("s3://no-such-bucket/m.ndjson.gz", "no-such-bucket"))

        let noKey = try WorkerProcess.run(["show", "s3://\(bucket)/missing.ndjson.gz"], environment: aws.clientEnvironment)
        XCTAssertEqual(noKey.status, 2, noKey.description)
        XCTAssertEqual(noKey.stdout, "")
        XCTAssertTrue(noKey.stderr.hasPrefix("manifest-worker: s3://\(bucket)/missing.ndjson.gz: s3.GetObject NoSuchKey: "), noKey.stderr)

        var wrongSecret = aws.clientEnvironment
        wrongSecret["AWS_SECRET_ACCESS_KEY"] = String(repeating: "w", count: 40)
        let refused = try WorkerProcess.run(["generate", root, "-o", "s3://\(bucket)/m.ndjson.gz"], environment: wrongSecret)
        XCTAssertEqual(refused.status, 2, refused.description)
        // HeadBucket, before the walk: S3 answers a HEAD without a body, so only the status says why.
        XCTAssertEqual(refused.stderr, "manifest-worker: s3://\(bucket)/m.ndjson.gz: access to the bucket \(bucket) denied (s3.HeadBucket: HTTP 403): "
                       + "the credentials in use need s3:ListBucket on the bucket (and s3:PutObject on the objects), or they are not valid; nothing was written\n")

        var noRegion = aws.clientEnvironment
        noRegion["AWS_REGION"] = nil
        noRegion["AWS_DEFAULT_REGION"] = nil
        noRegion["AWS_CONFIG_FILE"] = "/nonexistent/config"
        let unconfigured = try WorkerProcess.run(["show", "s3://\(bucket)/m.ndjson.gz"], environment: noRegion)
        XCTAssertEqual(unconfigured.status, 2, unconfigured.description)
        XCTAssertTrue(unconfigured.stderr.hasPrefix("manifest-worker: s3://\(bucket)/m.ndjson.gz: no AWS region: set AWS_REGION or AWS_DEFAULT_REGION"), unconfigured.stderr)

        let badAddress = try WorkerProcess.run(["show", "s3://bucket-only"], environment: aws.clientEnvironment)
        XCTAssertEqual(badAddress.status, 2)
        XCTAssertEqual(badAddress.stderr, "manifest-worker: s3://bucket-only: not an S3 object address (expected s3://bucket/key)\n")

        let listed = try await s3.listAllObjects(bucket: bucket)
        XCTAssertEqual(listed, [])
    }
}
