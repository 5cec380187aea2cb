import AWSLite
import Foundation

/// Reconcile (the scheduled tick) and the manual verify / status actions.
extension Orchestrator {
    /// Re-drives every open run from the truth (DescribeRestoreJob, DescribeTasks), fails runs
    /// past their deadline, then sweeps expired temporary file systems.
    func reconcile(deadline: Date) async throws -> String {
        let open = try await repository.openRuns()
        var advanced = 0
        var failures = 0
        for entry in open {
            guard hasTime(deadline) else {
                logger.warn("reconcile stopped: invocation deadline near", ["remaining": String(open.count - advanced - failures)])
                break
            }
            let log = logger.with(runId: entry.runId)
            do {
                guard let (run, _) = try await repository.load(fileSystemId: entry.fileSystemId, runId: entry.runId) else {
                    try await repository.closeMarker(fileSystemId: entry.fileSystemId, runId: entry.runId)
                    continue
                }
                let facts: @Sendable (inout Run) -> Void
                do {
                    facts = try await truth(for: run)
                } catch {
                    // Still drive the run: its deadline must apply even when AWS cannot tell us more.
                    log.warn("could not fetch the run's state from AWS", OrchestratorError.logFields(error))
                    facts = { _ in }
                }
                let after = try await drive(fileSystemId: entry.fileSystemId, runId: entry.runId, deadline: deadline, facts: facts)
                log.info("reconciled", ["phase": after.phase.rawValue, "result": after.result?.rawValue ?? ""])
                advanced += 1
            } catch {
                failures += 1
                log.error("reconcile of run failed", OrchestratorError.logFields(error))
            }
        }
        var swept = hasTime(deadline) ? try await sweepExpired(deadline: deadline) : 0
        if hasTime(deadline) { swept += try await sweepTaskDefinitions(deadline: deadline) }
        if hasTime(deadline) { swept += try await sweepTasks(deadline: deadline) }
        return Self.response(["status": "ok", "action": "reconcile", "openRuns": String(open.count),
                              "advanced": String(advanced), "failed": String(failures), "swept": String(swept)])
    }

    /// The facts AWS knows about a run's restore and tasks, as a merge function.
    func truth(for run: Run) async throws -> @Sendable (inout Run) -> Void {
        var merges: [@Sendable (inout Run) -> Void] = []
        if let jobId = run.restoreJobId, !run.restoreSettled {
            do {
                let job = try await service("DescribeRestoreJob") { try await services.backup.describeRestoreJob(id: jobId) }
                merges.append(Self.restoreFacts(status: job.status, message: job.statusMessage,
                                                createdResourceArn: job.createdResourceArn, completedAt: job.completionDate))
                merges.append { run in if run.restoreLookupFailures != nil { run.restoreLookupFailures = nil } }
            } catch {
                // Counted, so a run whose restore can no longer be looked up does not wait forever.
                logger.with(runId: run.runId).warn("could not fetch the run's state from AWS",
                                                   OrchestratorError.logFields(error).merging(["restoreJobId": jobId]) { old, _ in old })
                merges.append { run in
                    if !run.restoreSettled { run.restoreLookupFailures = (run.restoreLookupFailures ?? 0) + 1 }
                }
            }
        }
        let running = run.slots.compactMap { slot in run.record(slot).map { (slot, $0) } }
            .filter { $0.1.taskArn != nil && !$0.1.isStopped }
        if !running.isEmpty {
            let arns = running.compactMap(\.1.taskArn).sorted()
            // DescribeTasks takes at most 100 tasks a call.
            var described: [TaskInfo] = []
            for start in stride(from: 0, to: arns.count, by: 100) {
                let batch = Array(arns[start..<min(start + 100, arns.count)])
                described += try await service("DescribeTasks") { try await services.tasks.describeTasks(cluster: config.cluster, arns: batch) }
            }
            for (slot, record) in running {
                guard let arn = record.taskArn else { continue }
                // ECS forgets stopped tasks after a while: a task it no longer knows has stopped.
                let info = described.first(where: { $0.taskArn == arn })
                    ?? TaskInfo(taskArn: arn, lastStatus: "STOPPED", stoppedReason: "task no longer known to ECS")
                if TaskStatus(rawValue: info.lastStatus) == .stopped {
                    merges.append(taskFacts(slot: slot, task: info, runId: run.runId, fileSystemId: run.fileSystemId))
                }
            }
        }
        let all = merges
        return { run in for merge in all { merge(&run) } }
    }

    /// Temporary file systems whose `expires` tag has passed: cleaned through their run when
    /// it records them; otherwise refused and alerted once (never deleted blind).
    func sweepExpired(deadline: Date) async throws -> Int {
        let all = try await service("DescribeFileSystems") { try await services.fileSystems.listFileSystems() }
        var swept = 0
        for fs in all where fs.tags[RunNaming.runTag] == nil && hasTime(deadline) {
            if try await adoptByCreationToken(fs, deadline: deadline) { swept += 1 }
        }
        for fs in all {
            guard let runId = fs.tags[RunNaming.runTag], let expires = fs.tags[RunNaming.expiresTag],
                  let expiry = Timestamps.parse(expires), expiry < now, fs.lifeCycleState != "deleting",
                  fs.lifeCycleState != "deleted", hasTime(deadline) else { continue }
            let owner = try await runRecording(restoredFileSystemId: fs.fileSystemId, runId: runId)
            guard let owner else {
                await alertOnce(key: naming.config.runsPrefix + "alerts/orphan-" + fs.fileSystemId, run: nil,
                                    Notification.alert("orphan file system \(fs.fileSystemId)",
                                        "\(fs.fileSystemId) carries run tag \(runId) and expired at \(expires), but no run records it as its restore. Nothing was deleted."))
                logger.error("expired file system not recorded by any run; not deleting", ["restoredFileSystemId": fs.fileSystemId, "tagRunId": runId])
                continue
            }
            let log = logger.with(runId: owner.runId)
            log.warn("expired temporary file system; cleaning up through its run", ["restoredFileSystemId": fs.fileSystemId])
            try await drive(fileSystemId: owner.fileSystemId, runId: owner.runId, deadline: deadline) { run in
                if run.phase == .active {
                    run.finish(.timedOut, "temporary file system \(fs.fileSystemId) expired at \(expires)", at: run.updatedAt)
                } else if run.phase == .done, !run.cleanup.fileSystemDeleted, run.cleanup.refusal == nil {
                    run.phase = .finishing
                    run.note("reopened to delete expired \(fs.fileSystemId)", at: run.updatedAt)
                }
            }
            swept += 1
        }
        return swept
    }

    /// A file system our restore created (`CreationToken` `ebv-fs-<runId>`) that its run never
    /// recorded — the restore job id was lost, or the wait for it abandoned — is adopted by
    /// that run once the run has a result (or is past its resources' expiry): the run records
    /// it and its cleanup tags and deletes it. A token whose run is unknown is alerted once,
    /// never deleted blind.
    /// - Returns: whether a run adopted it.
    func adoptByCreationToken(_ fs: FileSystemInfo, deadline: Date) async throws -> Bool {
        guard let token = fs.creationToken, token.hasPrefix("ebv-fs-"), fs.lifeCycleState == "available",
              !config.fileSystems.contains(fs.fileSystemId) else { return false }
        let runId = String(token.dropFirst("ebv-fs-".count))
        guard let owner = try await anyRun(runId: runId) else {
            await alertOnce(key: naming.config.runsPrefix + "alerts/orphan-" + fs.fileSystemId, run: nil,
                            Notification.alert("orphan file system \(fs.fileSystemId)",
                                "\(fs.fileSystemId) has creation token \(token) but no run \(runId) exists. Nothing was deleted."))
            return false
        }
        guard owner.restoredFileSystemId == nil, owner.origin != .restoreTesting,
              owner.result != nil || now >= owner.expiresAt else { return false }
        let fsId = fs.fileSystemId
        logger.with(runId: runId).warn("restored file system not recorded by its run; adopting it for cleanup",
                                       ["restoredFileSystemId": fsId, "creationToken": token])
        try await drive(fileSystemId: owner.fileSystemId, runId: runId, deadline: deadline) { run in
            guard run.restoredFileSystemId == nil else { return }
            run.restoredFileSystemId = fsId
            if run.phase == .active {
                run.finish(.timedOut, "restored file system \(fsId) found by its creation token past the run's expiry", at: run.updatedAt)
            } else if run.phase == .done {
                run.phase = .finishing
            }
            run.note("adopted \(fsId) by its creation token", at: run.updatedAt)
        }
        return true
    }

    /// The run (of any file system under verification) with id `runId` that records
    /// `restoredFileSystemId` as its restore.
    func runRecording(restoredFileSystemId: String, runId: String) async throws -> Run? {
        for fsId in config.fileSystems {
            if let (run, _) = try await repository.load(fileSystemId: fsId, runId: runId),
               run.restoredFileSystemId == restoredFileSystemId {
                return run
            }
        }
        return nil
    }

    /// Publishes `alert` unless a marker at `key` says it was already sent. Never throws: when
    /// the marker cannot be written or the publish fails, the failure is counted (kind
    /// `alert`) and the marker removed so a later tick tries again.
    func alertOnce(key: String, run: Run?, _ alert: Notification) async {
        do {
            _ = try await services.store.put(key, body: Data(alert.message.utf8), condition: .mustNotExist)
        } catch let error as OrchestratorError where error.kind == .conflict {
            return
        } catch {
            countSideEffectFailure("alert", run: run, reason: "\(error)", logger: logger)
            return
        }
        if !(await publishAlert(alert, run: run)) {
            try? await services.store.delete(key)
        }
    }

    /// `{"action":"verify"}`: a run for one recovery point of a file system under verification.
    func verify(recoveryPointArn: String, fileSystemId: String?, deadline: Date) async throws -> String {
        let candidates = fileSystemId.map { [$0] } ?? config.fileSystems
        if let fileSystemId, !config.fileSystems.contains(fileSystemId) {
            throw OrchestratorError(.invalidEvent, "fileSystemId: \(fileSystemId) is not under verification")
        }
        let runId = RunNaming.verifyRunId(recoveryPointArn: recoveryPointArn)
        for fsId in candidates {
            if let (existing, _) = try await repository.load(fileSystemId: fsId, runId: runId) {
                try await repository.ensureOpenMarker(existing)
                let run = try await drive(fileSystemId: fsId, runId: runId, deadline: deadline)
                return Self.response(for: run)
            }
        }
        for fsId in candidates {
            guard let fs = try await service("DescribeFileSystems", { try await services.fileSystems.describeFileSystem(id: fsId) }),
                  let arn = fs.fileSystemArn else { continue }
            let points = try await service("ListRecoveryPointsByResource") { try await services.backup.listRecoveryPoints(resourceArn: arn) }
            guard let point = points.first(where: { $0.recoveryPointArn == recoveryPointArn }) else { continue }
            guard point.status == "COMPLETED" else {
                throw OrchestratorError(.invalidEvent, "recoveryPointArn: \(recoveryPointArn) is \(point.status), not COMPLETED")
            }
            var run = newRun(runId: runId, origin: .manual, fileSystemId: fsId)
            run.recoveryPointArn = point.recoveryPointArn
            run.backupVaultName = point.backupVaultName
            run.backupStartedAt = point.creationDate
            run.backupCompletedAt = point.completionDate
            run.recoveryPointCompletedAt = await recoveryPointCompletion(
                vaultName: point.backupVaultName, recoveryPointArn: point.recoveryPointArn, logger: logger.with(runId: runId))
            run.note("created by verify action", at: now)
            _ = try await repository.create(run)
            logger.with(runId: runId).info("verification run created", ["recoveryPointArn": recoveryPointArn, "fileSystemId": fsId])
            let driven = try await drive(fileSystemId: fsId, runId: runId, deadline: deadline)
            return Self.response(for: driven)
        }
        throw OrchestratorError(.notFound, "recovery point \(recoveryPointArn) not found for \(candidates.joined(separator: ","))")
    }

    /// `{"action":"status"}`: the run document itself.
    func status(runId: String, fileSystemId: String?) async throws -> String {
        for fsId in fileSystemId.map({ [$0] }) ?? config.fileSystems {
            if let (run, _) = try await repository.load(fileSystemId: fsId, runId: runId) {
                return String(decoding: try run.encoded(), as: UTF8.self)
            }
        }
        throw OrchestratorError(.notFound, "run \(runId) not found")
    }
}
