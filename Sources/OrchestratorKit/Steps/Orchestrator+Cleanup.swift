import AWSLite
import Foundation

/// Cleanup, on every terminal path, in order: stop tasks still running, deregister the
/// task-definition revision, delete the access point, delete mount targets and wait until
/// they are gone, delete the file system — only the run's recorded, run-tagged restore.
extension Orchestrator {
    func stopTasks(_ run: inout Run, logger log: Logger) async throws {
        for slot in run.slots {
            guard let task = run.record(slot), let arn = task.taskArn, !task.isStopped else { continue }
            try await service("StopTask \(slot)") {
                try await services.tasks.stopTask(cluster: config.cluster, arn: arn, reason: "efs-backup-verifier run \(run.runId) finished")
            }
            log.info("task stopped", ["role": slot.role.rawValue, "taskArn": arn])
        }
        run.cleanup.tasksStopped = true
    }

    /// Deregisters the run's revision and deletes it (DeleteTaskDefinitions), so no INACTIVE
    /// revision is left behind; both count an already-done state as done.
    func deregisterTaskDefinition(_ run: inout Run, logger log: Logger) async throws {
        guard let arn = run.taskDefinitionArn else { return }
        try await service("DeregisterTaskDefinition") { try await services.tasks.deregisterTaskDefinition(arn: arn) }
        try await service("DeleteTaskDefinitions") { try await services.tasks.deleteTaskDefinitions(arns: [arn]) }
        run.cleanup.taskDefinitionDeregistered = true
        run.note("deregistered and deleted \(arn)", at: now)
    }

    func deleteAccessPoint(_ run: inout Run, logger log: Logger) async throws {
        guard let id = run.accessPointId else { return }
        try await service("DeleteAccessPoint") { try await services.fileSystems.deleteAccessPoint(id: id) }
        run.cleanup.accessPointDeleted = true
        run.note("deleted access point \(id)", at: now)
    }

    /// Whether a mount target of the run's restored file system is the run's to delete: one
    /// it recorded, or any mount target when the file system is the run's own tagged restore
    /// (a racing invocation may have created one the record missed), or, on a file system AWS
    /// owns (restore testing), one in the configured subnets.
    func isOurs(_ target: MountTargetInfo, run: Run) -> Bool {
        if run.mountTargetIds.contains(target.mountTargetId) { return true }
        if run.origin != .restoreTesting { return run.restoredFileSystemTagged }
        return config.subnets.contains(target.subnetId)
    }

    /// Deletes every mount target of the run's restored file system that is the run's
    /// (`isOurs`), not only the recorded ones.
    func deleteMountTargets(_ run: inout Run, logger log: Logger) async throws {
        guard let fsId = run.restoredFileSystemId else {
            run.cleanup.mountTargetsDeleted = true
            return
        }
        try await deleteOurMountTargets(fsId, run: run)
        run.cleanup.mountTargetsDeleted = true
        run.note("mount targets deleting", at: now)
    }

    /// The run's mount targets on `fsId` (`isOurs`), not yet deleted; unrecorded ones only
    /// while the file system still carries this run's tag.
    func ourMountTargets(_ fsId: String, run: Run) async throws -> [MountTargetInfo] {
        let current = try await service("DescribeMountTargets") { try await services.fileSystems.describeMountTargets(fileSystemId: fsId) }
        var checked = run
        if run.origin != .restoreTesting, current.contains(where: { !run.mountTargetIds.contains($0.mountTargetId) }) {
            let info = try await service("DescribeFileSystems \(fsId)") { try await services.fileSystems.describeFileSystem(id: fsId) }
            if info?.tags[RunNaming.runTag] != run.runId { checked.restoredFileSystemTagged = false }
        }
        return current.filter { isOurs($0, run: checked) && $0.lifeCycleState != "deleted" }
    }

    func deleteOurMountTargets(_ fsId: String, run: Run) async throws {
        for target in try await ourMountTargets(fsId, run: run) where target.lifeCycleState != "deleting" {
            try await service("DeleteMountTarget \(target.mountTargetId)") {
                try await services.fileSystems.deleteMountTarget(id: target.mountTargetId)
            }
        }
    }

    /// Polls until none of the run's mount targets is left, within the invocation; if not
    /// yet, leaves the run for the next tick.
    func awaitMountTargetsGone(_ run: inout Run, deadline: Date, logger log: Logger) async throws {
        guard let fsId = run.restoredFileSystemId else {
            run.cleanup.mountTargetsGone = true
            return
        }
        while try await !ourMountTargets(fsId, run: run).isEmpty {
            guard now.addingTimeInterval(config.mountTargetPollInterval + config.invocationMargin) < deadline else {
                log.info("mount targets still deleting; leaving the run for the next tick")
                return
            }
            await services.clock.sleep(seconds: config.mountTargetPollInterval)
        }
        run.cleanup.mountTargetsGone = true
        run.note("mount targets gone", at: now)
    }

    /// How long DeleteFileSystem may answer `FileSystemInUse` before it is alerted.
    static let fileSystemInUseAlertAfter: TimeInterval = 3600

    /// Deletes the restored file system only if it carries this run's tag and is the one
    /// recorded as this run's restore; otherwise refuses and alerts (DESIGN.md §6).
    func deleteFileSystem(_ run: inout Run, logger log: Logger) async throws {
        guard let fsId = run.restoredFileSystemId else { return }
        if run.origin == .restoreTesting {
            refuse(&run, "\(fsId) belongs to a restore-testing plan; AWS Backup deletes it", logger: log)
            await alertRefusal(run)
            return
        }
        if fsId == run.fileSystemId || config.fileSystems.contains(fsId) {
            refuse(&run, "\(fsId) is a file system under verification", logger: log)
            await alertRefusal(run)
            return
        }
        guard let info = try await service("DescribeFileSystems \(fsId)", { try await services.fileSystems.describeFileSystem(id: fsId) })
        else {
            run.cleanup.fileSystemDeleted = true
            run.note("\(fsId) already gone", at: now)
            return
        }
        guard info.tags[RunNaming.runTag] == run.runId else {
            let found = info.tags[RunNaming.runTag].map { "run tag \($0)" } ?? "no run tag"
            refuse(&run, "\(fsId) carries \(found), not \(run.runId)", logger: log)
            await alertRefusal(run)
            return
        }
        do {
            try await services.fileSystems.deleteFileSystem(id: fsId)
        } catch let error as OrchestratorError where error.kind == .conflict {
            // A mount target created after ours were deleted (a racing invocation) keeps it
            // in use: delete whatever is there now, and alert once when it lasts.
            try await deleteOurMountTargets(fsId, run: run)
            let since = run.cleanup.fileSystemInUseSince ?? now
            if run.cleanup.fileSystemInUseSince == nil {
                run.cleanup.fileSystemInUseSince = since
                run.note("\(fsId) in use; retrying", at: now)
            }
            log.info("file system still in use; retrying on the next tick", ["reason": error.message])
            if now.timeIntervalSince(since) >= Self.fileSystemInUseAlertAfter {
                await alertOnce(key: naming.config.runsPrefix + "alerts/in-use-" + fsId, run: run,
                                Notification.alert("\(fsId) still in use",
                                    "Run \(run.runId) of \(run.fileSystemId): DeleteFileSystem \(fsId) has answered FileSystemInUse since \(Timestamps.rfc3339(since)).\nThe run keeps retrying. Please check its mount targets by hand."))
                log.error("restored file system still in use past the bound", ["restoredFileSystemId": fsId, "since": Timestamps.rfc3339(since)])
            }
            return
        } catch {
            throw OrchestratorError.service("DeleteFileSystem \(fsId)", error)
        }
        run.cleanup.fileSystemDeleted = true
        run.note("deleted \(fsId)", at: now)
        log.info("restored file system deleted", ["restoredFileSystemId": fsId])
    }

    /// Alerts a refusal (never throws: a failed publish is counted, kind `alert`).
    func alertRefusal(_ run: Run) async {
        let alert = Notification.alert(
            "refused to delete \(run.restoredFileSystemId ?? "a file system")",
            "Run \(run.runId) of \(run.fileSystemId): \(run.cleanup.refusal ?? "")\nNothing was deleted. Please check by hand.")
        await publishAlert(alert, run: run)
    }

    /// The run is past its deadline and DescribeRestoreJob kept failing: stop waiting for the
    /// restore, alert once, and let cleanup remove what the run recorded. A file system the
    /// restore creates later is found by reconcile through its creation token
    /// (`adoptByCreationToken`) and deleted through this run.
    func abandonRestore(_ run: inout Run, logger log: Logger) async throws {
        let jobId = run.restoreJobId ?? "?"
        let failures = run.restoreLookupFailures ?? 0
        await alertOnce(key: naming.config.runsPrefix + "alerts/restore-unknown-" + run.runId, run: run,
                            Notification.alert("state of restore job \(jobId) unknown",
                                "Run \(run.runId) of \(run.fileSystemId) ended (\(run.result?.rawValue ?? "no result")) but DescribeRestoreJob \(jobId) failed \(failures) times in a row past the run's deadline \(Timestamps.rfc3339(run.deadline)).\nCleanup removes what the run recorded; a file system the restore creates later is found by its creation token and deleted by reconcile."))
        run.restoreAbandoned = true
        run.finish(.error, "restore job \(jobId) state unknown past the run's deadline", at: now)
        run.note("stopped waiting for restore job \(jobId): DescribeRestoreJob failed \(failures) times", at: now)
        log.error("restore job state unknown past the run's deadline; cleaning up what is recorded", ["restoreJobId": jobId])
    }
}
