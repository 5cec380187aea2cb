import AWSLite
import Foundation

/// Backup completed and restore completed: baseline, restore, the task-definition
/// revision and the worker tasks (the restored file system's tag, mount targets and
/// access point: Orchestrator+RestoredFileSystem.swift).
extension Orchestrator {
    func findBaseline(_ run: inout Run, logger log: Logger) async throws {
        let before = run.backupStartedAt ?? run.createdAt
        let prefix = naming.baselinePrefix(fileSystemId: run.fileSystemId)
        let search = try await service("find baseline") {
            try await services.manifests.searchBaseline(prefix: prefix, before: before)
        }
        for skipped in search.skipped {
            log.warn("baseline candidate skipped", ["key": skipped.key, "reason": skipped.reason])
        }
        let found = search.found
        run.baselineSearched = true
        run.baseline = found
        if run.origin == .baseline { try await chooseBaselineReuse(&run, logger: log) }
        if let found {
            run.note("baseline \(found.key)", at: now)
            log.info("baseline chosen", ["key": found.key])
        } else {
            log.warn("no baseline manifest", ["prefix": prefix, "before": Timestamps.rfc3339(before)])
        }
    }

    func startRestore(_ run: inout Run, logger log: Logger) async throws {
        guard let recoveryPointArn = run.recoveryPointArn else {
            run.finish(.error, "no recovery point ARN for backup job \(run.backupJobId ?? "?")", at: now)
            return
        }
        let request = RestoreRequest(
            recoveryPointArn: recoveryPointArn,
            iamRoleArn: config.restoreRoleArn,
            idempotencyToken: RunNaming.token("restore", runId: run.runId),
            metadata: [
                "file-system-id": run.fileSystemId,
                "newFileSystem": "true",
                "Encrypted": "true",
                "KmsKeyId": config.kmsKeyId,
                "PerformanceMode": "generalPurpose",
                "CreationToken": RunNaming.token("fs", runId: run.runId),
            ])
        let answered = try await service("StartRestoreJob") { try await services.backup.startRestoreJob(request) }
        let jobId: String
        if let answered {
            jobId = answered
        } else {
            jobId = try await findRestoreJob(recoveryPointArn: recoveryPointArn, run: run, logger: log)
        }
        if let problem = RunNaming.idProblem(jobId) {
            throw OrchestratorError(.service, "StartRestoreJob returned an unusable restore job id (\(problem)): \(LogJSON.string(jobId))")
        }
        try await repository.indexRestoreJob(jobId, fileSystemId: run.fileSystemId, runId: run.runId)
        run.restoreJobId = jobId
        run.restoreStatus = run.restoreStatus ?? .pending
        run.restoreStartedAt = now
        run.note("restore job \(jobId) started", at: now)
        log.info("restore started", ["restoreJobId": jobId, "recoveryPointArn": recoveryPointArn])
    }

    /// StartRestoreJob answered a repeat of our idempotency token without a job id: the job
    /// our first attempt started is the one restoring this recovery point that was created
    /// after the run (ListRestoreJobs); none or several → an error (retried on the next tick).
    func findRestoreJob(recoveryPointArn: String, run: Run, logger log: Logger) async throws -> String {
        let since = run.createdAt.addingTimeInterval(-60)
        let jobs = try await service("ListRestoreJobs") { try await services.backup.listRestoreJobs(createdAfter: since) }
        let matches = jobs.filter { job in
            job.recoveryPointArn == recoveryPointArn && job.restoreTestingPlanArn == nil
                && (job.creationDate.map { $0 >= since && $0 <= now.addingTimeInterval(60) } ?? false)
        }
        guard matches.count == 1, let job = matches.first else {
            throw OrchestratorError(.service, "StartRestoreJob answered without a RestoreJobId and ListRestoreJobs found \(matches.count) restore jobs of \(recoveryPointArn) created since \(Timestamps.rfc3339(since))")
        }
        log.warn("StartRestoreJob answered without a RestoreJobId; found the job by ListRestoreJobs", ["restoreJobId": job.restoreJobId])
        return job.restoreJobId
    }

    /// RegisterTaskDefinition has no idempotency token, so the intent is claimed in the run
    /// first and the revision is tagged with the run id: when an earlier attempt claimed but
    /// never saved an ARN, the revision it may have made is found by its tag and reused.
    func registerTaskDefinition(_ run: inout Run, etag: inout String, deadline: Date, logger log: Logger) async throws {
        guard let fsId = run.restoredFileSystemId, let accessPointId = run.accessPointId else { return }
        let earlier = try await claim(.registerTaskDefinition, &run, etag: &etag, deadline: deadline)
        if earlier != nil, let arn = try await revisionTagged(runId: run.runId) {
            run.taskDefinitionArn = arn
            run.note("task definition \(arn) (registered by an earlier attempt)", at: now)
            log.warn("reusing the revision an earlier attempt registered", ["taskDefinitionArn": arn])
            return
        }
        let request = TaskDefinitionRequest(
            baseFamily: config.workerTaskFamily, family: config.restoredTaskFamily,
            containerName: config.workerContainer, volumeName: config.workerVolume,
            fileSystemId: fsId, accessPointId: accessPointId, readOnly: true,
            tags: naming.tags(runId: run.runId, expiresAt: run.expiresAt))
        let arn = try await service("RegisterTaskDefinition") { try await services.tasks.registerTaskDefinition(request) }
        let at = now
        try await settle(&run, etag: &etag, deadline: deadline, logger: log) {
            $0.taskDefinitionArn = arn
            $0.note("task definition \(arn)", at: at)
        }
    }

    /// The newest ACTIVE revision of the restored-worker family tagged with `runId`, if any.
    func revisionTagged(runId: String) async throws -> String? {
        let arns = try await service("ListTaskDefinitions") { try await services.tasks.activeTaskDefinitions(family: config.restoredTaskFamily) }
        for arn in arns {
            let tags = try await service("DescribeTaskDefinition \(arn)") { try await services.tasks.taskDefinitionTags(arn: arn) }
            if tags[RunNaming.runTag] == runId { return arn }
        }
        return nil
    }
}
