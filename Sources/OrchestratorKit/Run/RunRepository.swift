import Foundation

/// Reads and writes run documents with conditional writes, and keeps the open-run markers
/// that reconcile lists.
public struct RunRepository: Sendable {
    public var store: any RunStore
    public var naming: RunNaming

    public init(store: any RunStore, naming: RunNaming) {
        self.store = store
        self.naming = naming
    }

    /// The run and its ETag, or nil.
    public func load(fileSystemId: String, runId: String) async throws -> (run: Run, etag: String)? {
        guard let object = try await store.get(naming.runKey(fileSystemId: fileSystemId, runId: runId)) else {
            return nil
        }
        return (try Run.decoded(from: object.body), object.etag)
    }

    /// Creates the run (`If-None-Match: *`) and its open marker. When the run already exists
    /// and is not done, its marker is written too: a delivery that died between the two
    /// writes (a crash, a timeout, a 500 on the marker) is repaired by the next one.
    /// - Returns: false when the run already exists (another invocation created it).
    public func create(_ run: Run) async throws -> Bool {
        do {
            _ = try await store.put(naming.runKey(fileSystemId: run.fileSystemId, runId: run.runId),
                                    body: try run.encoded(), condition: .mustNotExist)
        } catch let error as OrchestratorError where error.kind == .conflict {
            if let existing = try await load(fileSystemId: run.fileSystemId, runId: run.runId)?.run {
                try await ensureOpenMarker(existing)
            }
            return false
        }
        try await ensureOpenMarker(run)
        return true
    }

    /// Writes the open marker of a run that is not done if it is missing (whoever finds a run
    /// without its marker repairs it).
    public func ensureOpenMarker(_ run: Run) async throws {
        guard run.phase != .done else { return }
        try await putOpenMarker(fileSystemId: run.fileSystemId, runId: run.runId)
    }

    /// Replaces the version read as `etag` (`If-Match`); returns the new ETag.
    /// - Throws: `OrchestratorError(.conflict)` when someone else wrote it first.
    public func save(_ run: Run, etag: String) async throws -> String {
        try await store.put(naming.runKey(fileSystemId: run.fileSystemId, runId: run.runId),
                            body: try run.encoded(), condition: .mustMatch(etag: etag))
    }

    /// Removes the open marker of a finished run.
    public func closeMarker(fileSystemId: String, runId: String) async throws {
        try await store.delete(naming.openMarkerKey(fileSystemId: fileSystemId, runId: runId))
    }

    /// (fileSystemId, runId) of every open run, in key order.
    public func openRuns(fileSystemId: String? = nil) async throws -> [(fileSystemId: String, runId: String)] {
        let prefix = naming.openMarkerPrefix + (fileSystemId.map { $0 + "/" } ?? "")
        return try await store.list(prefix: prefix).compactMap { key in
            let parts = key.dropFirst(naming.openMarkerPrefix.count).split(separator: "/").map(String.init)
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }
    }

    /// Records which run started restore job `restoreJobId` (`runs/restore-jobs/<id>.json`),
    /// so a restore event — which may carry nothing but the job id — finds its run even
    /// after the run is done. Written before the run saves the job id; idempotent.
    public func indexRestoreJob(_ restoreJobId: String, fileSystemId: String, runId: String) async throws {
        let body = try LogJSON.encode(["fileSystemId": fileSystemId, "runId": runId])
        do {
            _ = try await store.put(naming.restoreJobIndexKey(restoreJobId), body: body, condition: .mustNotExist)
        } catch let error as OrchestratorError where error.kind == .conflict {
            return
        }
    }

    /// The (file system, run) that started `restoreJobId`, from its index object, or nil.
    public func runForRestoreJob(_ restoreJobId: String) async throws -> (fileSystemId: String, runId: String)? {
        let key = naming.restoreJobIndexKey(restoreJobId)
        guard let object = try await store.get(key) else { return nil }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: object.body)
        } catch {
            throw OrchestratorError(.service, "restore-job index \(key) unreadable: \(error)")
        }
        guard let fields = parsed as? [String: Any],
              let fsId = fields["fileSystemId"] as? String, let runId = fields["runId"] as? String,
              RunNaming.idProblem(fsId) == nil, RunNaming.idProblem(runId) == nil else {
            throw OrchestratorError(.service, "restore-job index \(key) unreadable: expected {\"fileSystemId\",\"runId\"} of valid ids")
        }
        return (fsId, runId)
    }

    private func putOpenMarker(fileSystemId: String, runId: String) async throws {
        do {
            _ = try await store.put(naming.openMarkerKey(fileSystemId: fileSystemId, runId: runId),
                                    body: Data(), condition: .mustNotExist)
        } catch let error as OrchestratorError where error.kind == .conflict {
            return
        }
    }
}
