import Foundation

/// The restored file system made ready for the worker: tagged with the run (after the
/// safety checks), a mount target per subnet, and an access point, each polled until
/// available within the invocation.
extension Orchestrator {
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
}
