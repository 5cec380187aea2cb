import AWSLite
import Foundation
import ManifestKit

/// The run part of `report.html` from the run document alone (pure): the verdict and why,
/// the timeline that is the RTO/RPO evidence (what the run recorded; nothing is guessed),
/// and the resources the run created with their deletion status.
enum RunReportSection {
    static func make(_ run: Run) -> ReportPage.RunSection {
        ReportPage.RunSection(verdict: verdict(run), timeline: timeline(run), resources: resources(run))
    }

    static func verdict(_ run: Run) -> ReportPage.Verdict {
        let title = run.result.map { $0 == .passed ? "PASS" : $0 == .failed ? "FAIL" : $0.rawValue.uppercased() } ?? "IN PROGRESS"
        let tone: ReportPage.Tone = run.result == .passed ? .pass : run.result == .failed ? .fail : .other
        var facts = [ReportPage.Fact("File system", run.fileSystemId)]
        if let arn = run.recoveryPointArn { facts.append(ReportPage.Fact("Recovery point", arn)) }
        facts.append(ReportPage.Fact("Run", "\(run.runId) (\(run.origin.rawValue))"))
        if let id = run.backupJobId { facts.append(ReportPage.Fact("Backup job", id)) }
        if let id = run.restoreJobId { facts.append(ReportPage.Fact("Restore job", id)) }
        if let plan = run.restoreTestingPlanArn { facts.append(ReportPage.Fact("Restore testing plan", plan)) }
        if let report = run.report { facts.append(ReportPage.Fact("Comparison", report.mode)) }
        facts.append(ReportPage.Fact("Phase", run.phase.rawValue))
        return ReportPage.Verdict(title: title, tone: tone,
                                  reason: run.resultMessage ?? "the run has no result yet", facts: facts)
    }

    static func timeline(_ run: Run) -> [ReportPage.TimelineEvent] {
        var events: [ReportPage.TimelineEvent] = []
        func add(_ label: String, _ date: Date?, _ note: String = "") {
            guard let date else { return }
            events.append(ReportPage.TimelineEvent(label, atNs: Timestamps.nanoseconds(date), note: note))
        }
        if let baseline = run.baseline {
            let reference = run.backupCompletedAt ?? run.restoreStartedAt
            add("baseline manifest completed", baseline.completedAt,
                reference.map { "data age at \(run.backupCompletedAt != nil ? "backup completion" : "restore start"): "
                    + span(from: baseline.completedAt, to: $0) } ?? "")
        }
        add("backup started", run.backupStartedAt)
        add("backup completed", run.backupCompletedAt, took("backup", run.backupStartedAt, run.backupCompletedAt))
        add("restore started", run.restoreStartedAt)
        add("restore completed", run.restoreCompletedAt, took("restore", run.restoreStartedAt, run.restoreCompletedAt))
        for slot in run.slots {
            guard let task = run.record(slot) else { continue }
            let role = slot.role
            let exit: String = task.exitCode.map { ", exit \($0)" } ?? ""
            let state: String = task.lastStatus?.rawValue ?? "not stopped"
            let status = task.succeeded ? "written: " + task.manifestKey : "task " + state + exit
            let name = role == .diff ? "diff task" : role == .plan ? "shard plan" : "\(slot.describe(count: run.shardCount)) manifest"
            let stoppedAtNs: Int64? = task.stoppedAt.map(Timestamps.nanoseconds)
            // The task's start and run time beside its walk (report.html's "Walks" table).
            if let started = task.startedAt {
                events.append(ReportPage.TimelineEvent("\(role.rawValue) task started", atNs: Timestamps.nanoseconds(started)))
            }
            let ran = took("task", task.startedAt, task.stoppedAt)
            events.append(ReportPage.TimelineEvent(name, atNs: stoppedAtNs, note: ran.isEmpty ? status : status + "; " + ran))
        }
        var verdictNote = ""
        if let verdictAt = run.verdictAt {
            if let completed = run.backupCompletedAt {
                verdictNote = "time to verdict from backup completion: " + span(from: completed, to: verdictAt)
            } else if let started = run.restoreStartedAt {
                verdictNote = "time to verdict from restore start: " + span(from: started, to: verdictAt)
            }
        }
        add("verdict: " + (run.result?.rawValue ?? "none"), run.verdictAt, verdictNote)
        return events
    }

    static func resources(_ run: Run) -> [ReportPage.Resource] {
        let cleanup = run.cleanup
        var list: [ReportPage.Resource] = []
        for slot in run.slots {
            guard let task = run.record(slot), let arn = task.taskArn else { continue }
            list.append(ReportPage.Resource(kind: "ECS task (\(slot.describe(count: run.shardCount)))", id: arn,
                                            status: cleanup.tasksStopped || task.isStopped ? "stopped" : "running"))
        }
        if let arn = run.taskDefinitionArn {
            list.append(ReportPage.Resource(kind: "ECS task definition", id: arn,
                                            status: cleanup.taskDefinitionDeregistered ? "deregistered" : "to be deregistered"))
        }
        if let id = run.accessPointId {
            list.append(ReportPage.Resource(kind: "EFS access point", id: id,
                                            status: cleanup.accessPointDeleted ? "deleted" : "to be deleted"))
        }
        for id in run.mountTargetIds {
            let status = cleanup.mountTargetsGone ? "deleted" : cleanup.mountTargetsDeleted ? "deletion requested" : "to be deleted"
            list.append(ReportPage.Resource(kind: "EFS mount target", id: id, status: status))
        }
        if let id = run.restoredFileSystemId {
            let status: String
            if run.origin == .restoreTesting {
                status = "owned by AWS Backup restore testing (it deletes it)"
            } else if let refusal = cleanup.refusal {
                status = "kept: " + refusal
            } else {
                status = cleanup.fileSystemDeleted ? "deleted" : "to be deleted"
            }
            list.append(ReportPage.Resource(kind: "EFS file system (restored)", id: id, status: status))
        }
        return list
    }

    /// `restore took 4 min 2 s` when both ends are recorded, else nothing.
    static func took(_ what: String, _ start: Date?, _ end: Date?) -> String {
        guard let start, let end else { return "" }
        return what + " took " + span(from: start, to: end)
    }

    /// `4 min 2 s` between two dates (whole milliseconds; clamped, never trapping).
    static func span(from start: Date, to end: Date) -> String {
        ReportPage.duration(fromNs: Timestamps.nanoseconds(start), toNs: Timestamps.nanoseconds(end)) ?? "unknown"
    }
}
