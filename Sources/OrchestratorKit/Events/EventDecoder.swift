import AWSLite
import Foundation

/// Decodes an invocation payload into an `OrchestratorEvent`.
///
/// A payload that is not a JSON object, an unknown `action`, or a known event type with a
/// missing or mistyped field throws `OrchestratorError(.invalidEvent)` whose message names
/// the field, e.g. `detail.backupJobId: missing` or `detail.percentDone: expected a number
/// or a numeric string`. An unknown source or detail-type is not an error: it decodes to
/// `.ignored`. Only what a state needs is required: every state of a job decodes from its
/// id and state (AWS's CREATED examples carry nothing else). Ids that end up in S3 keys
/// and logs are checked (`RunNaming.idProblem`); integers are converted exactly and
/// range-checked, never with a trapping conversion.
public struct EventDecoder: Sendable {
    /// The worker's container name: its exit code is the task's exit code.
    public var workerContainer: String

    public init(workerContainer: String) {
        self.workerContainer = workerContainer
    }

    public func decode(_ data: Data) throws -> OrchestratorEvent {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw OrchestratorError(.invalidEvent, "event: not JSON")
        }
        guard let object = parsed as? [String: Any] else {
            throw OrchestratorError(.invalidEvent, "event: not a JSON object")
        }
        // An EventBridge Scheduler schedule whose target input is `{}`.
        if object.isEmpty { return .reconcile }
        let root = Fields(object, path: "")
        if object["action"] != nil {
            return try decodeAction(root)
        }
        guard object["source"] != nil || object["detail-type"] != nil else {
            throw OrchestratorError(.invalidEvent, "event: neither \"action\" nor \"source\" and \"detail-type\"")
        }
        let source = try root.string("source")
        // EventBridge Scheduler's default input (no envelope of its own to rely on: its
        // `detail` has been seen as the string "{}").
        if source == "aws.scheduler" { return .reconcile }
        let detailType = try root.string("detail-type")
        switch (source, detailType) {
        case ("aws.backup", "Backup Job State Change"):
            return .backupJob(try decodeBackupJob(root))
        case ("aws.backup", "Restore Job State Change"):
            return .restoreJob(try decodeRestoreJob(root))
        case ("aws.ecs", "ECS Task State Change"):
            return .task(try decodeTask(root))
        case ("aws.events", "Scheduled Event"):
            return .reconcile
        default:
            return .ignored(source: source, detailType: detailType)
        }
    }

    private func decodeAction(_ root: Fields) throws -> OrchestratorEvent {
        let action = try root.string("action")
        switch action {
        case "reconcile":
            return .reconcile
        case "verify":
            return .verify(recoveryPointArn: try root.string("recoveryPointArn"),
                           fileSystemId: try root.optionalId("fileSystemId"))
        case "status":
            return .status(runId: try root.id("runId"), fileSystemId: try root.optionalId("fileSystemId"))
        case "baseline":
            let fileSystemId = try root.id("fileSystemId")
            guard fileSystemId.hasPrefix("fs-") else {
                throw OrchestratorError(.invalidEvent, "fileSystemId: not an fs-… id: \(LogJSON.string(fileSystemId))")
            }
            return .baseline(fileSystemId: fileSystemId, scheduledAt: try root.optionalDate("scheduledTime"))
        default:
            throw OrchestratorError(.invalidEvent, "action: unknown \(LogJSON.string(action))")
        }
    }

    private func decodeBackupJob(_ root: Fields) throws -> BackupJobEvent {
        let detail = try root.object("detail")
        let resources = try root.optionalStringArray("resources") ?? []
        let backupJobId = try detail.id("backupJobId")
        let state = try detail.string("state")
        // Only a COMPLETED job starts work; it must say which resource it backed up.
        let resourceArn = state == "COMPLETED" ? try detail.string("resourceArn") : try detail.optionalString("resourceArn")
        for key in ["percentDone", "backupSizeInBytes", "bytesTransferred"] { try detail.checkNumeric(key) }
        return BackupJobEvent(
            backupJobId: backupJobId,
            state: state,
            resourceArn: resourceArn,
            resourceType: try detail.optionalString("resourceType"),
            recoveryPointArn: try detail.optionalString("recoveryPointArn")
                ?? resources.first(where: { $0.contains(":recovery-point:") }),
            backupVaultName: try detail.optionalString("backupVaultName"),
            creationDate: try detail.optionalDate("creationDate"),
            completionDate: try detail.optionalDate("completionDate"),
            statusMessage: try detail.optionalString("statusMessage"))
    }

    private func decodeRestoreJob(_ root: Fields) throws -> RestoreJobEvent {
        let detail = try root.object("detail")
        let status = try detail.optionalString("status") ?? detail.optionalString("state")
        guard let status else { throw OrchestratorError(.invalidEvent, "detail.status: missing") }
        for key in ["percentDone", "backupSizeInBytes"] { try detail.checkNumeric(key) }
        return RestoreJobEvent(
            restoreJobId: try detail.id("restoreJobId"),
            status: status,
            recoveryPointArn: try detail.optionalString("recoveryPointArn"),
            sourceResourceArn: try detail.optionalString("sourceResourceArn"),
            createdResourceArn: try detail.optionalString("createdResourceArn"),
            resourceType: try detail.optionalString("resourceType"),
            creationDate: try detail.optionalDate("creationDate"),
            completionDate: try detail.optionalDate("completionDate"),
            restoreTestingPlanArn: try detail.optionalString("restoreTestingPlanArn"),
            statusMessage: try detail.optionalString("statusMessage"))
    }

    private func decodeTask(_ root: Fields) throws -> TaskInfo {
        let detail = try root.object("detail")
        let containers = try detail.optionalObjectArray("containers") ?? []
        var worker: Fields?
        for container in containers where try container.optionalString("name") == workerContainer {
            worker = worker ?? container
        }
        let group = try detail.optionalString("group")
        if let group, group.hasPrefix("ebv:"), let problem = RunNaming.idProblem(group) {
            throw OrchestratorError(.invalidEvent, "detail.group: \(problem): \(LogJSON.string(group))")
        }
        // Only the worker's exit code counts; a task without the worker container never ran it.
        let containerReason = try worker.map { try $0.optionalString("reason") }
            ?? TaskInfo.missingContainerReason(workerContainer)
        return TaskInfo(
            taskArn: try detail.string("taskArn"),
            lastStatus: try detail.string("lastStatus"),
            group: group,
            startedBy: try detail.optionalString("startedBy"),
            stopCode: try detail.optionalString("stopCode"),
            stoppedReason: try detail.optionalString("stoppedReason"),
            exitCode: try worker?.optionalInt("exitCode", in: Int(Int32.min)...Int(Int32.max)),
            containerReason: containerReason,
            stoppedAt: try detail.optionalDate("stoppedAt"),
            version: try detail.optionalInt("version", in: 0...Int.max),
            startedAt: try detail.optionalDate("startedAt"))
    }
}

/// Typed field access over a `JSONSerialization` object, with errors naming the path.
struct Fields {
    let object: [String: Any]
    let path: String

    init(_ object: [String: Any], path: String) {
        self.object = object
        self.path = path
    }

    private func name(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    private func fail(_ key: String, _ reason: String) -> OrchestratorError {
        OrchestratorError(.invalidEvent, "\(name(key)): \(reason)")
    }

    private func present(_ key: String) -> Any? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        return value
    }

    func string(_ key: String) throws -> String {
        guard let value = try optionalString(key) else { throw fail(key, "missing") }
        return value
    }

    func optionalString(_ key: String) throws -> String? {
        guard let value = present(key) else { return nil }
        guard let text = value as? String else { throw fail(key, "expected a string") }
        return text
    }

    func optionalNumber(_ key: String) throws -> Double? {
        guard let value = present(key) else { return nil }
        // JSONSerialization bridges JSON numbers (and booleans) to NSNumber; strings are not numbers.
        guard !(value is String), let number = value as? NSNumber, !Fields.isBoolean(number) else {
            throw fail(key, "expected a number")
        }
        return number.doubleValue
    }

    /// An integer, converted exactly (never `Int(someDouble)`, which traps on 1e30) and
    /// checked against `range`; a fraction or a value out of range names the field.
    func optionalInt(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let value = present(key) else { return nil }
        guard !(value is String), let number = value as? NSNumber, !Fields.isBoolean(number) else {
            throw fail(key, "expected a number")
        }
        guard let integer = Fields.exactInteger(number), range.contains(integer) else {
            throw fail(key, "not an integer in \(range.lowerBound)...\(range.upperBound): \(number)")
        }
        return integer
    }

    /// A number, or a string holding one (AWS sends `percentDone` and `backupSizeInBytes`
    /// either way); only checked, never used for logic.
    func checkNumeric(_ key: String) throws {
        guard let value = present(key) else { return }
        if let number = value as? NSNumber, !(value is String), !Fields.isBoolean(number) { return }
        if let text = value as? String, let parsed = Double(text), parsed.isFinite { return }
        throw fail(key, "expected a number or a numeric string")
    }

    /// A string that is safe in S3 keys and logs (`RunNaming.idProblem`).
    func id(_ key: String) throws -> String {
        guard let value = try optionalId(key) else { throw fail(key, "missing") }
        return value
    }

    func optionalId(_ key: String) throws -> String? {
        guard let value = try optionalString(key) else { return nil }
        if let problem = RunNaming.idProblem(value) { throw fail(key, "\(problem): \(LogJSON.string(value))") }
        return value
    }

    /// The exact integer value of a JSON number, or nil (fraction, out of `Int`'s range, NaN).
    static func exactInteger(_ number: NSNumber) -> Int? {
        switch String(cString: number.objCType) {
        case "d", "f": return Int(exactly: number.doubleValue)
        case "Q": return Int(exactly: number.uint64Value)
        default: return Int(exactly: number.int64Value)
        }
    }

    func optionalDate(_ key: String) throws -> Date? {
        guard let text = try optionalString(key) else { return nil }
        guard let date = Timestamps.parse(text) else { throw fail(key, "not an RFC 3339 time: \"\(text)\"") }
        return date
    }

    func object(_ key: String) throws -> Fields {
        guard let value = present(key) else { throw fail(key, "missing") }
        guard let inner = value as? [String: Any] else { throw fail(key, "expected an object") }
        return Fields(inner, path: name(key))
    }

    func optionalStringArray(_ key: String) throws -> [String]? {
        guard let value = present(key) else { return nil }
        guard let array = value as? [Any] else { throw fail(key, "expected an array") }
        return try array.enumerated().map { index, item in
            guard let text = item as? String else { throw fail("\(key)[\(index)]", "expected a string") }
            return text
        }
    }

    func optionalObjectArray(_ key: String) throws -> [Fields]? {
        guard let value = present(key) else { return nil }
        guard let array = value as? [Any] else { throw fail(key, "expected an array") }
        return try array.enumerated().map { index, item in
            guard let inner = item as? [String: Any] else { throw fail("\(key)[\(index)]", "expected an object") }
            return Fields(inner, path: name("\(key)[\(index)]"))
        }
    }

    /// JSON `true`/`false` come back from JSONSerialization as NSNumbers of ObjC type `c`
    /// (JSON integers are never parsed into that type).
    static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }
}
