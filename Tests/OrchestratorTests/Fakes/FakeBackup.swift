import Foundation
@testable import AWSLite
@testable import OrchestratorKit

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
