import AWSLite
import Foundation

/// The rest of reconcile's sweep: task-definition revisions and worker tasks this system
/// left behind (a crash between a call and the save that records it, a lost event).
extension Orchestrator {
    /// Deregisters (and deletes) ACTIVE revisions of the restored-worker family whose `expires` tag has
    /// passed and whose run is terminal or unknown. The worker's own family is never listed;
    /// revisions without both tags, and the recorded revision of a run still cleaning up,
    /// are left alone.
    /// - Returns: how many were deregistered.
    func sweepTaskDefinitions(deadline: Date) async throws -> Int {
        let family = config.restoredTaskFamily
        guard family != config.workerTaskFamily else { return 0 }
        let arns = try await service("ListTaskDefinitions") { try await services.tasks.activeTaskDefinitions(family: family) }
        var deregistered = 0
        for arn in arns where hasTime(deadline) {
            let tags = try await service("DescribeTaskDefinition \(arn)") { try await services.tasks.taskDefinitionTags(arn: arn) }
            guard let runId = tags[RunNaming.runTag], let expires = tags[RunNaming.expiresTag],
                  let expiry = Timestamps.parse(expires), expiry < now else { continue }
            if let owner = try await anyRun(runId: runId),
               owner.result == nil || (owner.phase != .done && owner.taskDefinitionArn == arn) {
                continue  // open, or its own cleanup is about to deregister it
            }
            try await service("DeregisterTaskDefinition \(arn)") { try await services.tasks.deregisterTaskDefinition(arn: arn) }
            try await service("DeleteTaskDefinitions \(arn)") { try await services.tasks.deleteTaskDefinitions(arns: [arn]) }
            logger.with(runId: runId).warn("expired task-definition revision deregistered", ["taskDefinitionArn": arn, "expires": expires])
            deregistered += 1
        }
        return deregistered
    }

    /// Stops tasks started by this system (`startedBy`) whose group names a run that has a
    /// result. Tasks of open runs, and tasks whose group or run is unknown, are left alone.
    /// - Returns: how many were stopped.
    func sweepTasks(deadline: Date) async throws -> Int {
        let tasks = try await service("ListTasks") { try await services.tasks.runningTasks(cluster: config.cluster, startedBy: config.startedBy) }
        var stopped = 0
        for task in tasks where hasTime(deadline) {
            guard let group = task.group, let parsed = naming.parseTaskGroup(group),
                  let (run, _) = try await repository.load(fileSystemId: parsed.fileSystemId, runId: parsed.runId),
                  let result = run.result else { continue }
            try await service("StopTask \(task.taskArn)") {
                try await services.tasks.stopTask(cluster: config.cluster, arn: task.taskArn,
                                                  reason: "efs-backup-verifier run \(run.runId) finished")
            }
            logger.with(runId: run.runId).warn("task of a finished run stopped",
                                               ["taskArn": task.taskArn, "role": parsed.role.rawValue, "result": result.rawValue])
            stopped += 1
        }
        return stopped
    }

    /// The run with id `runId` of any file system under verification.
    func anyRun(runId: String) async throws -> Run? {
        for fsId in config.fileSystems {
            if let (run, _) = try await repository.load(fileSystemId: fsId, runId: runId) { return run }
        }
        return nil
    }
}
