import Foundation

/// Backup completed and restore completed: baseline, restore, the restored file system's mount targets and access point,
/// the task-definition revision, and the worker tasks.
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

    /// Tags the restored file system with the run id and expiry — after checking it is not a
    /// file system under verification and carries no other run's tag.
    func tagRestoredFileSystem(_ run: inout Run, logger log: Logger) async throws {
        guard let fsId = run.restoredFileSystemId else { return }
        if let reason = try await foreignReason(fsId, run: run) {
            let alreadyNotified = run.notified
            refuse(&run, reason, logger: log)
            // Before the verdict the run's own notification carries the refusal.
            if alreadyNotified { await alertRefusal(run) }
            return
        }
        let tags = naming.tags(runId: run.runId, expiresAt: run.expiresAt)
        try await service("TagResource \(fsId)") { try await services.fileSystems.tagResource(id: fsId, tags: tags) }
        run.restoredFileSystemTagged = true
        run.note("tagged \(fsId)", at: now)
    }

    /// Why `fsId` must not be touched by this run, or nil when it may be.
    func foreignReason(_ fsId: String, run: Run) async throws -> String? {
        if fsId == run.fileSystemId || config.fileSystems.contains(fsId) {
            return "\(fsId) is a file system under verification"
        }
        let info = try await service("DescribeFileSystems \(fsId)") { try await services.fileSystems.describeFileSystem(id: fsId) }
        if let owner = info?.tags[RunNaming.runTag], owner != run.runId {
            return "\(fsId) carries run tag \(owner), not \(run.runId)"
        }
        return nil
    }

    /// Records a safety refusal: the run ends in error (if still open) and is alerted once.
    func refuse(_ run: inout Run, _ reason: String, logger log: Logger) {
        run.cleanup.refusal = reason
        run.finish(.error, "refused: \(reason)", at: now)
        run.note("refused: \(reason)", at: now)
        log.error("safety refusal", ["reason": reason])
    }

    /// A mount target per configured subnet (one per AZ), with `EBV_MOUNT_TARGET_SECURITY_GROUPS`
    /// or else the task groups. A subnet in an AZ EFS does not support
    /// (`UnsupportedAvailabilityZone`) is skipped with a warning; when no subnet gets a mount
    /// target the run fails at once (`error`, so the summary alerts) instead of retrying until
    /// its deadline.
    func createMountTargets(_ run: inout Run, logger log: Logger) async throws {
        guard let fsId = run.restoredFileSystemId else { return }
        var existing = try await service("DescribeMountTargets") { try await services.fileSystems.describeMountTargets(fileSystemId: fsId) }
        let groups = config.mountTargetSecurityGroups ?? config.securityGroups
        var unsupported: [String] = []
        for subnet in config.subnets where !existing.contains(where: { $0.subnetId == subnet }) {
            do {
                let created = try await services.fileSystems.createMountTarget(
                    fileSystemId: fsId, subnetId: subnet, securityGroups: groups)
                existing.append(created)
            } catch let error as OrchestratorError where error.kind == .conflict {
                // One mount target per AZ: another subnet of the same AZ already has one.
                log.warn("mount target conflict", error.logFields.merging(["subnetId": subnet, "reason": error.message]) { _, new in new })
            } catch {
                let failure = OrchestratorError.service("CreateMountTarget \(subnet)", error)
                guard failure.awsErrorCode == "UnsupportedAvailabilityZone" else { throw failure }
                unsupported.append(subnet)
                log.warn("subnet skipped: its Availability Zone does not support EFS",
                         failure.logFields.merging(["subnetId": subnet, "reason": failure.message]) { _, new in new })
            }
        }
        guard !existing.isEmpty else {
            let subnets = unsupported.joined(separator: ", ")
            run.finish(.error, "no mount target for \(fsId): every configured subnet (\(subnets)) is in an Availability Zone EFS does not support (UnsupportedAvailabilityZone); configure EBV_SUBNETS in supported zones", at: now)
            log.error("no configured subnet can have a mount target", ["restoredFileSystemId": fsId, "subnets": subnets])
            return
        }
        run.mountTargetIds = existing.map(\.mountTargetId).sorted()
        let skipped = unsupported.isEmpty ? "" : " (skipped \(unsupported.joined(separator: ",")): UnsupportedAvailabilityZone)"
        run.note("mount targets \(run.mountTargetIds.joined(separator: ","))\(skipped)", at: now)
    }

    /// Polls until every mount target is available, within the invocation's deadline; if not
    /// yet, leaves the run unchanged for the next event or tick.
    func awaitMountTargets(_ run: inout Run, deadline: Date, logger log: Logger) async throws {
        guard let fsId = run.restoredFileSystemId else { return }
        let ids = run.mountTargetIds
        let settled = try await pollMountTargets(fsId, deadline: deadline) { targets in
            let ours = targets.filter { ids.contains($0.mountTargetId) }
            return ours.contains { $0.lifeCycleState == "error" } || (!ours.isEmpty && ours.allSatisfy { $0.lifeCycleState == "available" })
        }
        guard let settled else {
            log.info("mount targets not yet available; leaving the run for the next event or tick")
            return
        }
        if let broken = settled.first(where: { ids.contains($0.mountTargetId) && $0.lifeCycleState == "error" }) {
            run.finish(.error, "mount target \(broken.mountTargetId) is in state error", at: now)
            return
        }
        run.mountTargetsAvailable = true
        run.note("mount targets available", at: now)
    }

    /// Describes `fsId`'s mount targets until `done` holds for them, sleeping the poll
    /// interval in between while the invocation has time for another poll.
    /// - Returns: the mount targets `done` accepted, or nil when time ran out first.
    func pollMountTargets(_ fsId: String, deadline: Date, until done: ([MountTargetInfo]) -> Bool) async throws -> [MountTargetInfo]? {
        while true {
            let targets = try await service("DescribeMountTargets") { try await services.fileSystems.describeMountTargets(fileSystemId: fsId) }
            if done(targets) { return targets }
            guard now.addingTimeInterval(config.mountTargetPollInterval + config.invocationMargin) < deadline else { return nil }
            await services.clock.sleep(seconds: config.mountTargetPollInterval)
        }
    }

    func createAccessPoint(_ run: inout Run, logger log: Logger) async throws {
        guard let fsId = run.restoredFileSystemId else { return }
        let request = AccessPointRequest(
            fileSystemId: fsId, clientToken: RunNaming.token("ap", runId: run.runId), uid: 0, gid: 0,
            tags: naming.tags(runId: run.runId, expiresAt: run.expiresAt))
        let id = try await service("CreateAccessPoint") { try await services.fileSystems.createAccessPoint(request) }
        run.accessPointId = id
        run.note("access point \(id)", at: now)
    }

    /// CreateAccessPoint answers while the access point is still `creating`; a task that
    /// mounts it before it is `available` fails to start. Polls within the invocation (else
    /// leaves the run for the next event or tick); `error` or a vanished access point ends
    /// the run.
    func awaitAccessPoint(_ run: inout Run, deadline: Date, logger log: Logger) async throws {
        guard let id = run.accessPointId else { return }
        while true {
            let state = try await service("DescribeAccessPoints \(id)") { try await services.fileSystems.describeAccessPoint(id: id) }
            switch state {
            case "available":
                run.accessPointAvailable = true
                run.note("access point \(id) available", at: now)
                return
            case nil, "error", "deleting", "deleted":
                run.finish(.error, "access point \(id) is \(state ?? "gone") instead of available", at: now)
                return
            default:
                guard now.addingTimeInterval(config.mountTargetPollInterval + config.invocationMargin) < deadline else {
                    log.info("access point not yet available; leaving the run for the next event or tick", ["accessPointId": id])
                    return
                }
                await services.clock.sleep(seconds: config.mountTargetPollInterval)
            }
        }
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
