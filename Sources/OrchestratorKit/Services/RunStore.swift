import Foundation

/// An object read from the run store with its entity tag.
public struct StoredObject: Sendable, Equatable {
    public var body: Data
    /// The object's ETag, as returned by the store (passed back verbatim in `If-Match`).
    public var etag: String

    public init(body: Data, etag: String) {
        self.body = body
        self.etag = etag
    }
}

/// The precondition of a conditional write.
public enum WriteCondition: Sendable, Equatable {
    /// `If-None-Match: *` — create only; fails when the key exists.
    case mustNotExist
    /// `If-Match: <etag>` — replace only the version that was read.
    case mustMatch(etag: String)
}

/// Object storage for run documents and markers (production: S3 with conditional writes).
///
/// Conformers must throw `OrchestratorError(.conflict, …)` — and only that — when a
/// condition fails (S3 answers 412 PreconditionFailed, or 409 ConditionalRequestConflict).
public protocol RunStore: Sendable {
    /// The object and its ETag, or nil when the key does not exist.
    func get(_ key: String) async throws -> StoredObject?
    /// Writes `body` under `key` if `condition` holds; returns the new ETag.
    func put(_ key: String, body: Data, condition: WriteCondition) async throws -> String
    /// Deletes `key` (no error when it does not exist).
    func delete(_ key: String) async throws
    /// Every key that starts with `prefix`, in byte order.
    func list(prefix: String) async throws -> [String]
}
