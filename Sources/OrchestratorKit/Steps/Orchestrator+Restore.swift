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

    /// Runs the worker for `post` (production volume, worker family) or `restored` (the
    /// run's revision); RunTask's `clientToken` makes a repeat return the same task. Each
    /// start `attempt` has a token of its own (`ebv-<role>-<run>`, then `ebv-<role>-<n>-<run>`).
    func runWorker(role: TaskRole, attempt: Int = 1, on run: inout Run, logger log: Logger) async throws {
        let manifestKey = naming.manifestKey(fileSystemId: run.fileSystemId, runId: run.runId, role: role)
        let token = attempt == 1
            ? RunNaming.token(role.rawValue, runId: run.runId) : RunNaming.token("\(role.rawValue)-\(attempt)", runId: run.runId)
        let taskDefinition: String
        if role == .restored {
            guard let arn = run.taskDefinitionArn else { return }
            taskDefinition = arn
        } else {
            taskDefinition = config.workerTaskFamily
        }
        let fileSystemId = role == .restored ? (run.restoredFileSystemId ?? "") : run.fileSystemId
        let request = RunTaskRequest(
            cluster: config.cluster,
            taskDefinition: taskDefinition,
            clientToken: token,
            startedBy: config.startedBy,
            group: naming.taskGroup(fileSystemId: run.fileSystemId, runId: run.runId, role: role),
            subnets: config.subnets,
            securityGroups: config.securityGroups,
            containerName: config.workerContainer,
            command: workerCommand(role: role, manifestKey: manifestKey, fileSystemId: fileSystemId, run: run),
            environment: workerEnvironment(role: role, manifestKey: manifestKey, fileSystemId: fileSystemId, run: run),
            tags: naming.tags(runId: run.runId, expiresAt: run.expiresAt))
        let taskArn = try await service("RunTask \(role.rawValue)") { try await services.tasks.runTask(request) }
        var record: TaskRecord
        if attempt == 1 {
            record = run.tasks[role] ?? TaskRecord(clientToken: token, manifestKey: manifestKey)
        } else {
            record = TaskRecord(clientToken: token, manifestKey: manifestKey)
            record.startAttempt = attempt
        }
        record.taskArn = record.taskArn ?? taskArn
        record.lastStatus = record.lastStatus ?? .provisioning
        run.tasks[role] = record
        run.note("\(role.rawValue) manifest task \(taskArn)\(attempt > 1 ? " (start \(attempt))" : "")", at: now)
        log.info("worker task started", ["role": role.rawValue, "taskArn": taskArn, "attempt": String(attempt)])
    }

    /// A worker task ECS could not start (`TaskRecord.failedToStart`): wait the back-off
    /// (`EBV_TASK_START_BACKOFF_SECONDS`, doubled per start) — within this invocation when
    /// it has the time, else on the next event or tick — then start it again with a new
    /// client token. A back-off that would end past the run's deadline ends the run
    /// (`task-failed`) at once.
    func restartTask(role: TaskRole, on run: inout Run, deadline: Date, logger log: Logger) async throws {
        guard var record = run.tasks[role] else { return }
        let reason = record.stoppedReason ?? record.stopCode ?? "no reason"
        guard let retryAt = record.retryAt else {
            let backoff = config.taskStartBackoff * Double(1 << min(record.attempt - 1, 16))
            let at = now.addingTimeInterval(backoff)
            guard at < run.deadline else {
                run.finish(.taskFailed, "\(role.rawValue) manifest task could not start: \(reason) (start \(record.attempt); no time for another before the run's deadline)", at: now)
                return
            }
            record.retryAt = at
            run.tasks[role] = record
            run.note("\(role.rawValue) task could not start (\(reason)); start \(record.attempt + 1) of \(planner.maxTaskStarts) at \(Timestamps.rfc3339(at))", at: now)
            log.warn("worker task could not start; starting it again after a back-off",
                     ["role": role.rawValue, "reason": reason, "attempt": String(record.attempt), "retryAt": Timestamps.rfc3339(at)])
            return
        }
        let wait = retryAt.timeIntervalSince(now)
        if wait > 0 {
            guard now.addingTimeInterval(wait + config.invocationMargin) < deadline else {
                log.info("task restart not yet due; leaving the run for the next event or tick", ["role": role.rawValue])
                return
            }
            await services.clock.sleep(seconds: wait)
        }
        try await runWorker(role: role, attempt: record.attempt + 1, on: &run, logger: log)
    }

    /// The worker's command: `generate <mount> -o s3://… --role R --file-system-id FS
    /// --recovery-point-arn ARN [--restored-root auto]`.
    func workerCommand(role: TaskRole, manifestKey: String, fileSystemId: String, run: Run) -> [String] {
        var command = ["generate", config.workerMountPath, "-o", naming.s3URI(manifestKey),
                       "--role", role.rawValue, "--file-system-id", fileSystemId]
        if let arn = run.recoveryPointArn { command += ["--recovery-point-arn", arn] }
        if role == .restored { command += ["--restored-root", "auto"] }
        return command
    }

    /// The same settings as the command, as manifest-worker's environment variables
    /// (`EBV_OUTPUT`, `EBV_ROLE`, …), plus `EBV_RUN_ID` for its logs.
    func workerEnvironment(role: TaskRole, manifestKey: String, fileSystemId: String, run: Run) -> [String: String] {
        var environment = [
            "EBV_RUN_ID": run.runId,
            "EBV_ROLE": role.rawValue,
            "EBV_OUTPUT": naming.s3URI(manifestKey),
            "EBV_FILE_SYSTEM_ID": fileSystemId,
        ]
        if let arn = run.recoveryPointArn { environment["EBV_RECOVERY_POINT_ARN"] = arn }
        if role == .restored { environment["EBV_RESTORED_ROOT"] = "auto" }
        return environment
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
        run.taskDefinitionArn = arn
        run.note("task definition \(arn)", at: now)
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
