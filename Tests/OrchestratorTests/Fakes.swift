import AWSLite
import Foundation
import TestSupport
@testable import AWSLite
@testable import OrchestratorKit

final class MemorySink: LogSink, Sendable {
    let lines = Locked<[String]>([])
    func write(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.current }
    /// Parsed JSON log lines.
    var records: [[String: Any]] {
        all.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }
    func messages(level: String? = nil) -> [String] {
        records.filter { level == nil || ($0["level"] as? String) == level }.compactMap { $0["message"] as? String }
    }
}

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

actor MemoryStore: RunStore {
    var objects: [String: (body: Data, etag: String)] = [:]
    var counter = 0
    var puts: [String] = []
    /// Runs once before the next put of a key with this prefix whose body satisfies `when`
    /// (simulates a concurrent writer).
    var interfere: (prefix: String, when: @Sendable (Data) -> Bool, action: @Sendable (MemoryStore) async -> Void)?

    func get(_ key: String) async throws -> StoredObject? {
        objects[key].map { StoredObject(body: $0.body, etag: $0.etag) }
    }

    /// Key prefix → how many more puts of such keys fail with an S3 500 (nothing written).
    var failingPuts: [String: Int] = [:]
    func failPuts(prefix: String, times: Int) { failingPuts[prefix] = times }

    func put(_ key: String, body: Data, condition: WriteCondition) async throws -> String {
        for (prefix, left) in failingPuts where left > 0 && key.hasPrefix(prefix) {
            failingPuts[prefix] = left - 1
            throw OrchestratorError(.service, "PutObject \(key): InternalError (HTTP 500)")
        }
        if let hook = interfere, key.hasPrefix(hook.prefix), hook.when(body) {
            interfere = nil
            await hook.action(self)
        }
        switch condition {
        case .mustNotExist:
            if objects[key] != nil { throw OrchestratorError(.conflict, "PreconditionFailed: \(key) exists") }
        case .mustMatch(let etag):
            guard objects[key]?.etag == etag else { throw OrchestratorError(.conflict, "PreconditionFailed: \(key) changed") }
        }
        counter += 1
        let etag = "\"etag-\(counter)\""
        objects[key] = (body, etag)
        puts.append(key)
        return etag
    }

    func delete(_ key: String) async throws { objects[key] = nil }

    func list(prefix: String) async throws -> [String] {
        objects.keys.filter { $0.hasPrefix(prefix) }.sorted()
    }

    func setInterference(
        prefix: String, when: @escaping @Sendable (Data) -> Bool = { _ in true }, _ action: @escaping @Sendable (MemoryStore) async -> Void
    ) {
        interfere = (prefix, when, action)
    }

    /// Overwrites an object directly (a concurrent writer).
    func rawPut(_ key: String, _ body: Data) {
        counter += 1
        objects[key] = (body, "\"etag-\(counter)\"")
    }

    func run(_ key: String) throws -> Run? { try objects[key].map { try Run.decoded(from: $0.body) } }
    func keys() -> [String] { objects.keys.sorted() }
}

actor FakeNotifier: Notifier {
    var published: [(subject: String, message: String)] = []
    /// Every publish fails with this while set (a permanently failing topic).
    var failure: OrchestratorError?
    var attempts = 0
    func publish(subject: String, message: String) async throws {
        attempts += 1
        if let failure { throw failure }
        // SNS's own rules, as AWSLite's client checks them before sending.
        try SNSClient.validate(SNSPublishRequest(topicArn: "arn:aws:sns:us-east-1:123456789012:verifier", message: message, subject: subject))
        published.append((subject, message))
    }
    func setFailure(_ error: OrchestratorError?) { failure = error }
    func subjects() -> [String] { published.map(\.subject) }
}

final class MemoryMetrics: MetricsEmitter, Sendable {
    let lines = Locked<[String]>([])
    /// Every emit fails while set (a broken EMF sink).
    let failure = Locked<OrchestratorError?>(nil)
    func emit(_ line: String) throws {
        if let failure = failure.current { throw failure }
        lines.withLock { $0.append(line) }
    }
}

actor FakeBackup: BackupService {
    var backupJobs: [String: BackupJobInfo] = [:]
    var restoreRequests: [RestoreRequest] = []
    var restoreJobIdsByToken: [String: String] = [:]
    var restoreJobs: [String: RestoreJobInfo] = [:]
    var validations: [(jobId: String, status: ValidationStatus, message: String)] = []
    var recoveryPoints: [String: [RecoveryPointInfo]] = [:]

    var describeBackupJobFailure: AWSError?
    var describeRestoreJobFailure: AWSError?
    func setDescribeBackupJobFailure(_ error: AWSError?) { describeBackupJobFailure = error }
    func setDescribeRestoreJobFailure(_ error: AWSError?) { describeRestoreJobFailure = error }

    func describeBackupJob(id: String) async throws -> BackupJobInfo {
        if let describeBackupJobFailure { throw describeBackupJobFailure }
        guard let job = backupJobs[id] else { throw OrchestratorError(.service, "ResourceNotFoundException: \(id)") }
        return job
    }

    /// A repeat of a known idempotency token is answered without a job id.
    var repeatsAnswerWithoutId = false
    /// The first StartRestoreJob starts the job but its answer is lost (a timeout).
    var loseFirstAnswer = false
    /// Set by a test: the clock that stamps job creation dates.
    var clock: FakeClock?

    func startRestoreJob(_ request: RestoreRequest) async throws -> String? {
        restoreRequests.append(request)
        if let id = restoreJobIdsByToken[request.idempotencyToken] { return repeatsAnswerWithoutId ? nil : id }
        let id = "restore-\(restoreJobIdsByToken.count + 1)"
        restoreJobIdsByToken[request.idempotencyToken] = id
        restoreJobs[id] = RestoreJobInfo(restoreJobId: id, status: "RUNNING", creationDate: clock?.now(),
                                         recoveryPointArn: request.recoveryPointArn)
        if loseFirstAnswer {
            loseFirstAnswer = false
            throw OrchestratorError(.service, "StartRestoreJob: timed out")
        }
        return id
    }

    /// Plan ARN → what ListRestoreTestingSelections yields (nil: the lookup fails).
    var validationWindows: [String: Int?] = [:]
    func setValidationWindow(_ plan: String, _ hours: Int??) { validationWindows[plan] = hours }
    func validationWindowHours(restoreTestingPlanArn: String) async throws -> Int? {
        guard let known = validationWindows[restoreTestingPlanArn] else { return nil }
        guard let hours = known else { throw OrchestratorError(.service, "AccessDeniedException: backup:ListRestoreTestingSelections") }
        return hours
    }

    func listRestoreJobs(createdAfter: Date) async throws -> [RestoreJobInfo] {
        restoreJobs.values.filter { ($0.creationDate ?? .distantPast) > createdAfter }.sorted { $0.restoreJobId < $1.restoreJobId }
    }
    func setAnswers(withoutIdOnRepeat: Bool, loseFirst: Bool, clock: FakeClock) {
        repeatsAnswerWithoutId = withoutIdOnRepeat
        loseFirstAnswer = loseFirst
        self.clock = clock
    }

    func describeRestoreJob(id: String) async throws -> RestoreJobInfo {
        if let describeRestoreJobFailure { throw describeRestoreJobFailure }
        guard let job = restoreJobs[id] else { throw OrchestratorError(.service, "ResourceNotFoundException: \(id)") }
        return job
    }

    /// Every PutRestoreValidationResult fails while set.
    var validationFailure: OrchestratorError?
    var validationAttempts = 0

    func putRestoreValidationResult(restoreJobId: String, status: ValidationStatus, message: String) async throws {
        validationAttempts += 1
        if let validationFailure { throw validationFailure }
        validations.append((restoreJobId, status, message))
    }
    func setValidationFailure(_ error: OrchestratorError?) { validationFailure = error }

    func listRecoveryPoints(resourceArn: String) async throws -> [RecoveryPointInfo] { recoveryPoints[resourceArn] ?? [] }

    /// Recovery point ARN → what DescribeRecoveryPoint answers (vault checked); unknown: ResourceNotFoundException.
    var describedRecoveryPoints: [String: RecoveryPointInfo] = [:]
    var describeRecoveryPointCalls: [(vaultName: String, recoveryPointArn: String)] = []
    func setDescribedRecoveryPoint(_ point: RecoveryPointInfo) { describedRecoveryPoints[point.recoveryPointArn] = point }
    func describeRecoveryPoint(vaultName: String, recoveryPointArn: String) async throws -> RecoveryPointInfo {
        describeRecoveryPointCalls.append((vaultName, recoveryPointArn))
        guard let point = describedRecoveryPoints[recoveryPointArn], point.backupVaultName == vaultName else {
            throw OrchestratorError(.service, "ResourceNotFoundException: \(recoveryPointArn) in \(vaultName)")
        }
        return point
    }

    func setBackupJob(_ job: BackupJobInfo) { backupJobs[job.backupJobId] = job }
    func setRestoreJob(_ job: RestoreJobInfo) { restoreJobs[job.restoreJobId] = job }
    func setRecoveryPoints(_ arn: String, _ points: [RecoveryPointInfo]) { recoveryPoints[arn] = points }
    func distinctRestoreJobs() -> Int { restoreJobIdsByToken.count }
    func forgetRestoreJobs() { restoreJobs = [:] }
}

actor FakeECS: TaskLauncher {
    var registered: [TaskDefinitionRequest] = []
    var deregistered: [String] = []
    var runRequests: [RunTaskRequest] = []
    var tasksByToken: [String: String] = [:]
    var described: [String: TaskInfo] = [:]
    var stopped: [String] = []
    var calls: [String] = []
    /// Every revision ever registered (by ARN, in order), with its tags; deregistered ones are INACTIVE.
    var revisions: [(arn: String, family: String, tags: [String: String])] = []
    /// Thrown by the next RegisterTaskDefinition *after* the revision is made (a lost answer).
    var failAfterRegistering: OrchestratorError?

    func registerTaskDefinition(_ request: TaskDefinitionRequest) async throws -> String {
        registered.append(request)
        calls.append("register")
        let revision = revisions.filter { $0.family == request.family }.count + 1
        let arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/\(request.family):\(revision)"
        revisions.append((arn, request.family, request.tags))
        if let failure = failAfterRegistering {
            failAfterRegistering = nil
            throw failure
        }
        return arn
    }

    func deregisterTaskDefinition(arn: String) async throws {
        deregistered.append(arn)
        calls.append("deregister")
    }

    var deleted: [String] = []
    func deleteTaskDefinitions(arns: [String]) async throws {
        deleted += arns
        calls.append("delete")
    }

    func activeTaskDefinitions(family: String) async throws -> [String] {
        calls.append("listTaskDefinitions")
        return revisions.filter { $0.family == family && !deregistered.contains($0.arn) }.map(\.arn).reversed()
    }

    func taskDefinitionTags(arn: String) async throws -> [String: String] {
        revisions.first { $0.arn == arn }?.tags ?? [:]
    }

    func runningTasks(cluster: String, startedBy: String) async throws -> [TaskInfo] {
        described.values.filter { $0.startedBy == startedBy && $0.lastStatus != "STOPPED" && !stopped.contains($0.taskArn) }
            .sorted { $0.taskArn < $1.taskArn }
    }

    /// A revision made outside the run (e.g. by hand, or by an old crash).
    func addRevision(family: String, tags: [String: String]) -> String {
        let arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/\(family):\(revisions.filter { $0.family == family }.count + 1)"
        revisions.append((arn, family, tags))
        return arn
    }
    func setFailAfterRegistering(_ error: OrchestratorError?) { failAfterRegistering = error }

    func runTask(_ request: RunTaskRequest) async throws -> String {
        runRequests.append(request)
        if let arn = tasksByToken[request.clientToken] { return arn }
        let role = request.group.split(separator: ":").last.map(String.init) ?? "x"
        let arn = "arn:aws:ecs:us-east-1:123456789012:task/cluster/\(role)-\(tasksByToken.count + 1)"
        tasksByToken[request.clientToken] = arn
        described[arn] = TaskInfo(taskArn: arn, lastStatus: "RUNNING", group: request.group, startedBy: request.startedBy)
        calls.append("run:\(role)")
        return arn
    }

    func describeTasks(cluster: String, arns: [String]) async throws -> [TaskInfo] {
        arns.compactMap { described[$0] }
    }

    func stopTask(cluster: String, arn: String, reason: String) async throws {
        stopped.append(arn)
        calls.append("stop")
    }

    func distinctTasks() -> Int { tasksByToken.count }
    /// Every task started for `role`, in order (one per client token).
    func taskArns(role: TaskRole) -> [String] {
        var seen: [String] = []
        for request in runRequests where request.group.hasSuffix(":" + role.rawValue) {
            if let arn = tasksByToken[request.clientToken], !seen.contains(arn) { seen.append(arn) }
        }
        return seen
    }
    func taskArn(role: TaskRole) -> String? { runRequests.first { $0.group.hasSuffix(":" + role.rawValue) }.flatMap { tasksByToken[$0.clientToken] } }
    func setDescribed(_ info: TaskInfo) { described[info.taskArn] = info }
    func forget(_ arn: String) { described[arn] = nil }
}

actor FakeEFS: FileSystemService {
    var fileSystems: [String: FileSystemInfo] = [:]
    var mountTargets: [String: MountTargetInfo] = [:]
    var accessPoints: [String: String] = [:]  // token → id
    var accessPointRequests: [AccessPointRequest] = []
    var deletedAccessPoints: [String] = []
    var deletedFileSystems: [String] = []
    var tagCalls: [(String, [String: String])] = []
    var calls: [String] = []
    /// Describe calls before a creating mount target turns available (0 = at once).
    var pollsUntilAvailable = 0
    var describeCount = 0
    /// DescribeAccessPoints calls that answer `creating` before an access point is `available`.
    var accessPointPollsUntilAvailable = 0
    var accessPointDescribes = 0
    /// Subnets in an Availability Zone EFS does not support.
    var unsupportedSubnets: Set<String> = []
    /// Thrown by every CreateMountTarget.
    var createMountTargetFailure: AWSError?
    /// The security groups of every CreateMountTarget call, in order.
    var mountTargetGroups: [[String]] = []

    func describeFileSystem(id: String) async throws -> FileSystemInfo? { fileSystems[id] }
    func listFileSystems() async throws -> [FileSystemInfo] { fileSystems.values.sorted { $0.fileSystemId < $1.fileSystemId } }

    func tagResource(id: String, tags: [String: String]) async throws {
        tagCalls.append((id, tags))
        calls.append("tag:\(id)")
        fileSystems[id]?.tags.merge(tags) { _, new in new }
    }

    func createMountTarget(fileSystemId: String, subnetId: String, securityGroups: [String]) async throws -> MountTargetInfo {
        calls.append("createMountTarget:\(subnetId)")
        mountTargetGroups.append(securityGroups)
        if let createMountTargetFailure { throw createMountTargetFailure }
        if unsupportedSubnets.contains(subnetId) {
            throw AWSError(kind: .service, service: "elasticfilesystem", operation: "CreateMountTarget", code: "UnsupportedAvailabilityZone",
                           message: "Elastic File System is not supported in the Availability Zone of \(subnetId)", httpStatus: 400,
                           requestId: "req-\(subnetId)")
        }
        if mountTargets.values.contains(where: { $0.fileSystemId == fileSystemId && $0.subnetId == subnetId }) {
            throw OrchestratorError(.conflict, "MountTargetConflict")
        }
        let target = MountTargetInfo(mountTargetId: "fsmt-\(mountTargets.count + 1)", fileSystemId: fileSystemId,
                                     subnetId: subnetId, lifeCycleState: "creating")
        mountTargets[target.mountTargetId] = target
        return target
    }

    func describeMountTargets(fileSystemId: String) async throws -> [MountTargetInfo] {
        describeCount += 1
        if describeCount > pollsUntilAvailable {
            for (id, target) in mountTargets where target.lifeCycleState == "creating" { mountTargets[id]?.lifeCycleState = "available" }
        }
        for (id, target) in mountTargets where target.lifeCycleState == "deleting" { mountTargets[id] = nil }
        return mountTargets.values.filter { $0.fileSystemId == fileSystemId }.sorted { $0.mountTargetId < $1.mountTargetId }
    }

    func deleteMountTarget(id: String) async throws {
        calls.append("deleteMountTarget:\(id)")
        mountTargets[id]?.lifeCycleState = "deleting"
    }

    func createAccessPoint(_ request: AccessPointRequest) async throws -> String {
        accessPointRequests.append(request)
        calls.append("createAccessPoint")
        if let id = accessPoints[request.clientToken] { return id }
        let id = "fsap-\(accessPoints.count + 1)"
        accessPoints[request.clientToken] = id
        return id
    }

    /// When set, every access point answers this state.
    var accessPointState: String?

    func describeAccessPoint(id: String) async throws -> String? {
        guard accessPoints.values.contains(id), !deletedAccessPoints.contains(id) else { return nil }
        if let accessPointState { return accessPointState }
        accessPointDescribes += 1
        return accessPointDescribes > accessPointPollsUntilAvailable ? "available" : "creating"
    }
    func setAccessPointPollsUntilAvailable(_ n: Int) { accessPointPollsUntilAvailable = n; accessPointDescribes = 0 }
    func setCreateMountTargetFailure(_ error: AWSError?) { createMountTargetFailure = error }
    func setAccessPointState(_ state: String?) { accessPointState = state }
    func setUnsupportedSubnets(_ subnets: Set<String>) { unsupportedSubnets = subnets }

    func deleteAccessPoint(id: String) async throws {
        deletedAccessPoints.append(id)
        calls.append("deleteAccessPoint:\(id)")
    }

    /// File system → how many more DeleteFileSystem calls find a new mount target on it
    /// (a racing creator that keeps it in use).
    var appearsOnDelete: [String: Int] = [:]
    func setMountTargetAppearsOnDelete(_ id: String, times: Int) { appearsOnDelete[id] = times }

    func deleteFileSystem(id: String) async throws {
        if let left = appearsOnDelete[id], left > 0 {
            appearsOnDelete[id] = left - 1
            let target = MountTargetInfo(mountTargetId: "fsmt-late-\(left)", fileSystemId: id, subnetId: "subnet-late", lifeCycleState: "available")
            mountTargets[target.mountTargetId] = target
        }
        if mountTargets.values.contains(where: { $0.fileSystemId == id }) {
            throw OrchestratorError(.conflict, "FileSystemInUse: \(id)")
        }
        deletedFileSystems.append(id)
        calls.append("deleteFileSystem:\(id)")
        fileSystems[id] = nil
    }

    func addFileSystem(_ info: FileSystemInfo) { fileSystems[info.fileSystemId] = info }
    func setTags(_ id: String, _ tags: [String: String]) { fileSystems[id]?.tags = tags }
    func setPollsUntilAvailable(_ n: Int) { pollsUntilAvailable = n; describeCount = 0 }
}

actor FakeManifests: ManifestCatalog {
    var baselines: [ManifestRef] = []
    var existing: Set<String> = []
    var queries: [(prefix: String, before: Date)] = []

    /// Candidates that are reported as skipped (e.g. tampered) before the search result.
    var skippedCandidates: [SkippedCandidate] = []

    func searchBaseline(prefix: String, before: Date) async throws -> BaselineSearch {
        queries.append((prefix, before))
        let found = baselines.filter { $0.key.hasPrefix(prefix) && $0.completedAt < before }.max { $0.completedAt < $1.completedAt }
        return BaselineSearch(found: found, skipped: skippedCandidates)
    }
    func setSkipped(_ skipped: [SkippedCandidate]) { skippedCandidates = skipped }

    func exists(key: String) async throws -> Bool { existing.contains(key) }

    /// Part manifests by key (what `readPart` answers); a missing key is unreadable.
    var parts: [String: PartRead] = [:]
    var partsRead: [String] = []
    func setPart(_ key: String, _ part: PartRead) { parts[key] = part }
    func readPart(key: String) async throws -> PartRead {
        partsRead.append(key)
        guard let part = parts[key] else { throw PartUnreadable(key: key, reason: "no such part") }
        return part
    }
    func setBaselines(_ refs: [ManifestRef]) { baselines = refs }
    func addExisting(_ key: String) { existing.insert(key) }
}

actor FakeDiffer: ManifestDiffer {
    var requests: [DiffRequest] = []
    var passed = true
    var failure: OrchestratorError?

    var written: [ReportDocuments] = []
    /// Every report write fails while set (S3 refusing the report objects).
    var writeFailure: OrchestratorError?
    var writeAttempts = 0

    func writeReport(_ documents: ReportDocuments) async throws {
        writeAttempts += 1
        if let writeFailure { throw writeFailure }
        written.append(documents)
    }
    func setWriteFailure(_ error: OrchestratorError?) { writeFailure = error }

    /// The next in-Lambda diff runs out of time (its uploads aborted).
    var outOfTime = false
    func setOutOfTime(_ value: Bool) { outOfTime = value }
    var reportsRead: [String] = []

    func readReport(reportPrefix: String) async throws -> ReportSummary {
        reportsRead.append(reportPrefix)
        if let failure { throw failure }
        return try await summary(DiffRequest(baselineKey: "", postKey: "task", restoredKey: "", reportPrefix: reportPrefix, severities: [:]),
                                 record: false)
    }

    func diff(_ request: DiffRequest) async throws -> DiffOutcome {
        if outOfTime {
            outOfTime = false
            requests.append(request)
            throw DiffOutOfTime()
        }
        let summary = try await summary(request)
        return DiffOutcome(summary: summary, documents: ReportDocuments(
            reportKey: summary.reportKey, reportJSON: #"{"passed":\#(summary.passed)}"#, summaryKey: summary.summaryKey, summaryText: summary.summaryText))
    }

    /// Runs once, inside the next diff (another invocation arriving while this one diffs).
    var duringDiff: (@Sendable () async -> Void)?
    func setDuringDiff(_ body: @escaping @Sendable () async -> Void) { duringDiff = body }

    func summary(_ request: DiffRequest, record: Bool = true) async throws -> ReportSummary {
        if let hook = duringDiff {
            duringDiff = nil
            await hook()
        }
        if record { requests.append(request) }
        if let failure { throw failure }
        let errors = passed ? 0 : 3
        return ReportSummary(
            passed: passed, mode: request.postKey == nil ? "two-way" : "three-way", filesVerified: 1200,
            bytesVerified: 52_428_800, findingsBySeverity: ["ok": 1197, "info": 3 - errors, "warning": 0, "error": errors],
            findingsByClass: passed ? ["match": 1197, "changed": 3] : ["match": 1197, "missing": 3],
            summaryText: passed ? "1200 files verified, no errors" : "1200 files verified, 3 missing",
            reportKey: request.reportPrefix + "report.json", findingsKey: request.reportPrefix + "findings.ndjson.gz",
            summaryKey: request.reportPrefix + "summary.txt")
    }

    func setPassed(_ value: Bool) { passed = value }
    func setFailure(_ error: OrchestratorError?) { failure = error }
}
