import Foundation

/// Entry points of the backup-completed, restore-completed and task-stopped events.
extension Orchestrator {
    static let failedBackupStates: Set<String> = ["FAILED", "ABORTED", "EXPIRED", "PARTIAL"]

    func newRun(runId: String, origin: RunOrigin, fileSystemId: String) -> Run {
        let created = now
        let deadline = created.addingTimeInterval(config.runTimeout)
        return Run(runId: runId, origin: origin, fileSystemId: fileSystemId, createdAt: created,
                   deadline: deadline, expiresAt: deadline.addingTimeInterval(config.resourceGrace))
    }

    /// Backup completed. Every state decodes; only COMPLETED (and the failed states) of an EFS backup
    /// of a configured file system act.
    func handleBackupJob(_ event: BackupJobEvent, deadline: Date) async throws -> String {
        let log = logger.with(runId: event.backupJobId)
        let failed = Self.failedBackupStates.contains(event.state)
        guard event.state == "COMPLETED" || failed else {
            log.info("backup event ignored", ["state": event.state])
            return Self.response(["status": "ignored", "reason": "backup state \(event.state)"])
        }
        if let type = event.resourceType, type != "EFS" {
            log.info("backup event ignored: not an EFS backup", ["resourceType": type, "resourceArn": event.resourceArn ?? ""])
            return Self.response(["status": "ignored", "reason": "resource type \(type)"])
        }
        guard let arn = event.resourceArn, let fsId = RunNaming.fileSystemId(fromArn: arn), config.fileSystems.contains(fsId) else {
            log.info("backup event ignored: file system not under verification", ["resourceArn": event.resourceArn ?? ""])
            return Self.response(["status": "ignored", "reason": "file system not under verification"])
        }
        if let (existing, _) = try await repository.load(fileSystemId: fsId, runId: event.backupJobId) {
            if existing.phase == .done { return lateDuplicate(existing, what: "backup event", logger: log) }
            log.info("duplicate backup event; run exists", ["fileSystemId": fsId])
            try await repository.ensureOpenMarker(existing)
        } else {
            var run = newRun(runId: event.backupJobId, origin: .backup, fileSystemId: fsId)
            run.backupJobId = event.backupJobId
            run.recoveryPointArn = event.recoveryPointArn
            run.backupVaultName = event.backupVaultName
            run.backupStartedAt = event.creationDate
            run.backupCompletedAt = event.completionDate
            if failed {
                run.finish(.backupFailed, "backup job \(event.backupJobId) \(event.state): \(event.statusMessage ?? "no message")", at: now)
            } else {
                let job = try await service("DescribeBackupJob") { try await services.backup.describeBackupJob(id: event.backupJobId) }
                run.recoveryPointArn = job.recoveryPointArn ?? run.recoveryPointArn
                run.backupVaultName = job.backupVaultName ?? run.backupVaultName
                run.backupStartedAt = job.creationDate ?? run.backupStartedAt
                run.backupCompletedAt = job.completionDate ?? run.backupCompletedAt
                run.note("created from backup job \(event.backupJobId)", at: now)
            }
            if try await repository.create(run) {
                log.info("run created", ["fileSystemId": fsId, "state": event.state])
            } else {
                log.info("run already exists", ["fileSystemId": fsId])
            }
        }
        let run = try await drive(fileSystemId: fsId, runId: event.backupJobId, deadline: deadline)
        return Self.response(for: run)
    }

    /// An event for a run that is already done changes nothing; it is logged as what it is.
    func lateDuplicate(_ run: Run, what: String, logger log: Logger) -> String {
        log.info("late duplicate for a finished run", ["event": what, "fileSystemId": run.fileSystemId,
                                                       "result": run.result?.rawValue ?? ""])
        return Self.response(for: run, status: "duplicate")
    }

    /// Restore completed: a restore event is matched to its run by restore job id alone — AWS's FAILED,
    /// RUNNING, PENDING and CREATED events carry no source ARN. An unmatched COMPLETED
    /// restore of a configured file system from a restore-testing plan starts a run of its own.
    func handleRestoreJob(_ event: RestoreJobEvent, deadline: Date) async throws -> String {
        let log = logger.with(runId: nil)
        if let type = event.resourceType, type != "EFS" {
            log.info("restore event ignored: not an EFS restore", ["restoreJobId": event.restoreJobId, "resourceType": type])
            return Self.response(["status": "ignored", "reason": "resource type \(type)"])
        }
        var sourceFs: String?
        if let source = event.sourceResourceArn {
            guard let fs = RunNaming.fileSystemId(fromArn: source), config.fileSystems.contains(fs) else {
                log.info("restore event ignored: source not under verification",
                         ["restoreJobId": event.restoreJobId, "sourceResourceArn": source])
                return Self.response(["status": "ignored", "reason": "file system not under verification"])
            }
            sourceFs = fs
        }
        let facts = Self.restoreFacts(status: event.status, message: event.statusMessage,
                                      createdResourceArn: event.createdResourceArn, completedAt: event.completionDate)
        if let (fsId, runId) = try await findRun(restoreJobId: event.restoreJobId, fileSystemId: sourceFs) {
            if let (existing, _) = try await repository.load(fileSystemId: fsId, runId: runId) {
                if existing.phase == .done {
                    return lateDuplicate(existing, what: "restore \(event.status)", logger: logger.with(runId: runId))
                }
                // Found by the restore-job index: its open marker may be the one a crash lost.
                try await repository.ensureOpenMarker(existing)
            }
            let run = try await drive(fileSystemId: fsId, runId: runId, deadline: deadline, facts: facts)
            return Self.response(for: run)
        }
        guard let plan = event.restoreTestingPlanArn, let fsId = sourceFs else {
            log.info("restore event ignored: not started by this system", ["restoreJobId": event.restoreJobId, "restoreStatus": event.status])
            return Self.response(["status": "ignored", "reason": "restore job not started by this system"])
        }
        guard event.status == "COMPLETED" else {
            log.info("restore-testing event ignored", ["restoreJobId": event.restoreJobId, "restoreStatus": event.status])
            return Self.response(["status": "ignored", "reason": "restore-testing job \(event.status)"])
        }
        let runId = Self.restoreTestingRunId(event.restoreJobId)
        if let (existing, _) = try await repository.load(fileSystemId: fsId, runId: runId) {
            try await repository.ensureOpenMarker(existing)
        } else {
            let job = try await service("DescribeRestoreJob") { try await services.backup.describeRestoreJob(id: event.restoreJobId) }
            var run = newRun(runId: runId, origin: .restoreTesting, fileSystemId: fsId)
            // AWS deletes the restored file system when the selection's validation window
            // closes: finish (clean up, post the result) before then.
            let windowOpened = event.completionDate ?? job.completionDate ?? now
            let window = try await validationWindow(restoreTestingPlanArn: plan)
            let windowDeadline = windowOpened.addingTimeInterval(window - OrchestratorConfig.restoreTestingCleanupMargin)
            if windowDeadline < run.deadline {
                run.deadline = windowDeadline
                run.expiresAt = windowDeadline.addingTimeInterval(config.resourceGrace)
            }
            run.restoreJobId = event.restoreJobId
            run.restoreTestingPlanArn = plan
            run.recoveryPointArn = event.recoveryPointArn ?? job.recoveryPointArn
            run.backupVaultName = job.backupVaultName
            run.backupStartedAt = job.recoveryPointCreationDate
            run.recoveryPointCompletedAt = await recoveryPointCompletion(
                vaultName: job.backupVaultName, recoveryPointArn: run.recoveryPointArn, logger: logger.with(runId: runId))
            run.restoreStartedAt = event.creationDate ?? job.creationDate
            run.note("created from restore-testing job \(event.restoreJobId)", at: now)
            _ = try await repository.create(run)
        }
        let run = try await drive(fileSystemId: fsId, runId: runId, deadline: deadline, facts: facts)
        return Self.response(for: run)
    }

    static func restoreTestingRunId(_ restoreJobId: String) -> String { "rt-" + restoreJobId }

    /// The plan's validation window as its selections set it (1–168 hours), else
    /// `EBV_RESTORE_TESTING_WINDOW_HOURS` (also when the lookup fails: it is logged).
    func validationWindow(restoreTestingPlanArn plan: String) async throws -> TimeInterval {
        do {
            if let hours = try await services.backup.validationWindowHours(restoreTestingPlanArn: plan), (1...168).contains(hours) {
                return Double(hours) * 3600
            }
        } catch {
            logger.warn("validation window not read from the plan; using EBV_RESTORE_TESTING_WINDOW_HOURS",
                        ["restoreTestingPlanArn": plan, "reason": "\(error)"])
        }
        return config.restoreTestingWindow
    }

    /// (file system, run id) of the run whose restore job is `restoreJobId`, open or done:
    /// the restore-job index written when the restore started, the restore-testing run id,
    /// then the open runs (of `fileSystemId` when known, else of every configured one).
    func findRun(restoreJobId: String, fileSystemId: String?) async throws -> (fileSystemId: String, runId: String)? {
        if let indexed = try await repository.runForRestoreJob(restoreJobId) { return indexed }
        let testingId = Self.restoreTestingRunId(restoreJobId)
        for fsId in fileSystemId.map({ [$0] }) ?? config.fileSystems {
            if try await repository.load(fileSystemId: fsId, runId: testingId) != nil { return (fsId, testingId) }
        }
        for open in try await repository.openRuns(fileSystemId: fileSystemId) {
            if let (run, _) = try await repository.load(fileSystemId: open.fileSystemId, runId: open.runId),
               run.restoreJobId == restoreJobId {
                return (run.fileSystemId, run.runId)
            }
        }
        return nil
    }

    /// Merges a restore job's state into a run; never moves a terminal status back.
    static func restoreFacts(status text: String, message: String?, createdResourceArn: String?, completedAt: Date?)
        -> @Sendable (inout Run) -> Void
    {
        let status = RestoreStatus(rawValue: text)
        return { run in
            if run.restoreStatus?.isTerminal == true { return }
            run.restoreStatus = status
            run.restoreStatusMessage = message ?? run.restoreStatusMessage
            if status.isTerminal {
                run.restoreCompletedAt = completedAt ?? run.restoreCompletedAt
                if let arn = createdResourceArn, run.restoredFileSystemId == nil {
                    run.restoredFileSystemId = RunNaming.fileSystemId(fromArn: arn)
                }
                run.note("restore \(status.rawValue)", at: completedAt ?? run.updatedAt)
            }
        }
    }

    /// Task stopped: a STOPPED task of ours, found by its group.
    func handleTask(_ task: TaskInfo, deadline: Date) async throws -> String {
        guard task.startedBy == config.startedBy, let group = task.group, let owner = naming.parseTaskSlot(group) else {
            logger.info("task event ignored: not started by this system", ["taskArn": task.taskArn])
            return Self.response(["status": "ignored", "reason": "task not started by this system"])
        }
        guard TaskStatus(rawValue: task.lastStatus) == .stopped else {
            logger.with(runId: owner.runId).debug("task event ignored", ["lastStatus": task.lastStatus, "taskArn": task.taskArn])
            return Self.response(["status": "ignored", "reason": "task \(task.lastStatus)"])
        }
        guard let (existing, _) = try await repository.load(fileSystemId: owner.fileSystemId, runId: owner.runId) else {
            logger.with(runId: owner.runId).warn("task event ignored: run not found", ["taskArn": task.taskArn])
            return Self.response(["status": "ignored", "reason": "run \(owner.runId) not found"])
        }
        if existing.phase == .done {
            return lateDuplicate(existing, what: "task \(task.lastStatus) (\(owner.slot))", logger: logger.with(runId: owner.runId))
        }
        let facts = taskFacts(slot: owner.slot, task: task, runId: owner.runId, fileSystemId: owner.fileSystemId)
        let run = try await drive(fileSystemId: owner.fileSystemId, runId: owner.runId, deadline: deadline, facts: facts)
        return Self.response(for: run)
    }

    /// The task's stop reason with the worker container's own reason when it adds something:
    /// ECS says `Essential container in task exited` for every exit, the container says why
    /// (e.g. `OutOfMemoryError: Container killed due to memory usage`).
    static func stopReason(_ task: TaskInfo) -> String? {
        switch (task.stoppedReason, task.containerReason) {
        case let (stopped?, container?) where !container.isEmpty && container != stopped:
            return "\(stopped) (\(container))"
        case let (stopped?, _):
            return stopped
        case let (nil, container):
            return container
        }
    }

    /// Records a task's stop (exit code, reason); duplicates and older versions change nothing.
    func taskFacts(role: TaskRole, task: TaskInfo, runId: String, fileSystemId: String) -> @Sendable (inout Run) -> Void {
        taskFacts(slot: TaskSlot(role), task: task, runId: runId, fileSystemId: fileSystemId)
    }

    /// Records the stop of `slot`'s task. A shard's stop is recorded only in the shard's
    /// place (its record is created with the run's shard tasks); a stop of an earlier start
    /// (another task ARN) changes nothing.
    func taskFacts(slot: TaskSlot, task: TaskInfo, runId: String, fileSystemId: String) -> @Sendable (inout Run) -> Void {
        let role = slot.role
        let token = RunNaming.token(role.rawValue, runId: runId)
        let manifestKey = naming.manifestKey(fileSystemId: fileSystemId, runId: runId, role: role)
        return { run in
            if slot.shard != nil, run.record(slot) == nil { return }
            var record = run.record(slot) ?? TaskRecord(clientToken: token, manifestKey: manifestKey)
            if let known = record.taskArn, known != task.taskArn { return }
            if record.isStopped { return }
            if let old = record.version, let new = task.version, new < old { return }
            record.taskArn = task.taskArn
            record.lastStatus = TaskStatus(rawValue: task.lastStatus)
            record.exitCode = task.exitCode
            record.stopCode = task.stopCode
            record.stoppedReason = Self.stopReason(task)
            record.version = task.version ?? record.version
            record.stoppedAt = task.stoppedAt
            record.startedAt = task.startedAt ?? record.startedAt
            run.setRecord(record, for: slot)
            if record.isStopped {
                run.note("\(slot.describe(count: run.shardCount)) task stopped, exit code \(task.exitCode.map(String.init) ?? "none")", at: task.stoppedAt ?? run.updatedAt)
            }
        }
    }
}
