/// A file system as DescribeFileSystems (plus its tags) shows it.
public struct FileSystemInfo: Sendable, Equatable {
    public var fileSystemId: String
    public var fileSystemArn: String?
    /// `creating|available|updating|deleting|deleted|error`.
    public var lifeCycleState: String
    public var tags: [String: String]
    /// The `CreationToken` (our restores use `ebv-fs-<runId>`).
    public var creationToken: String?

    public init(fileSystemId: String, fileSystemArn: String? = nil, lifeCycleState: String, tags: [String: String], creationToken: String? = nil) {
        self.fileSystemId = fileSystemId
        self.fileSystemArn = fileSystemArn
        self.lifeCycleState = lifeCycleState
        self.tags = tags
        self.creationToken = creationToken
    }
}

/// A mount target as DescribeMountTargets shows it.
public struct MountTargetInfo: Sendable, Equatable {
    public var mountTargetId: String
    public var fileSystemId: String
    public var subnetId: String
    /// `creating|available|updating|deleting|deleted|error`.
    public var lifeCycleState: String

    public init(mountTargetId: String, fileSystemId: String, subnetId: String, lifeCycleState: String) {
        self.mountTargetId = mountTargetId
        self.fileSystemId = fileSystemId
        self.subnetId = subnetId
        self.lifeCycleState = lifeCycleState
    }
}

/// CreateAccessPoint for the restored file system: POSIX user 0/0 so every file is
/// readable, root directory `/`.
public struct AccessPointRequest: Sendable, Equatable {
    public var fileSystemId: String
    /// CreateAccessPoint `ClientToken` (≤ 64 ASCII characters).
    public var clientToken: String
    public var uid: Int
    public var gid: Int
    public var tags: [String: String]

    public init(fileSystemId: String, clientToken: String, uid: Int = 0, gid: Int = 0, tags: [String: String]) {
        self.fileSystemId = fileSystemId
        self.clientToken = clientToken
        self.uid = uid
        self.gid = gid
        self.tags = tags
    }
}

/// Amazon EFS (production: AWSLite's EFS client).
public protocol FileSystemService: Sendable {
    /// The file system with its tags, or nil when it does not exist (`FileSystemNotFound`).
    func describeFileSystem(id: String) async throws -> FileSystemInfo?
    /// Every file system in the account and region, with tags.
    func listFileSystems() async throws -> [FileSystemInfo]
    func tagResource(id: String, tags: [String: String]) async throws
    /// Creates a mount target; throws `OrchestratorError(.conflict)` for `MountTargetConflict`
    /// (other AWS errors, e.g. `UnsupportedAvailabilityZone`, come through with their code).
    func createMountTarget(fileSystemId: String, subnetId: String, securityGroups: [String]) async throws -> MountTargetInfo
    /// The file system's mount targets; none when the file system does not exist.
    func describeMountTargets(fileSystemId: String) async throws -> [MountTargetInfo]
    /// Deletes a mount target (one already gone, `MountTargetNotFound`, counts as done).
    func deleteMountTarget(id: String) async throws
    /// Returns the access point id. Same client token → same access point.
    func createAccessPoint(_ request: AccessPointRequest) async throws -> String
    /// The access point's `LifeCycleState` (`creating|available|updating|deleting|deleted|error`),
    /// or nil when it does not exist (`AccessPointNotFound`).
    func describeAccessPoint(id: String) async throws -> String?
    /// Deletes an access point (one already gone, `AccessPointNotFound`, counts as done).
    func deleteAccessPoint(id: String) async throws
    /// Deletes a file system (one already gone counts as done); throws
    /// `OrchestratorError(.conflict)` for `FileSystemInUse`.
    func deleteFileSystem(id: String) async throws
}
