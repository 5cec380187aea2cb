/// Amazon EFS (rest-json under `/2015-02-01/`, signing name `elasticfilesystem`).
public struct EFSClient: Sendable {
    let executor: RequestExecutor

    public init(configuration: AWSClientConfiguration) throws {
        executor = try RequestExecutor(service: .efs, configuration: configuration)
    }

    static func query(_ items: [(String, String?)]) -> [(String, String?)] { items.filter { $0.1 != nil } }

    private struct FileSystemsOutput: Decodable {
        var FileSystems: [EFSFileSystem]?
        var NextMarker: String?
    }

    /// One DescribeFileSystems page, optionally for one `fileSystemId`.
    public func describeFileSystems(fileSystemId: String? = nil, marker: String? = nil, maxItems: Int? = nil) async throws -> EFSPage<EFSFileSystem> {
        let out = try await executor.callREST(
            operation: "DescribeFileSystems", method: "GET", path: "/2015-02-01/file-systems",
            query: Self.query([("FileSystemId", fileSystemId), ("Marker", marker), ("MaxItems", maxItems.map(String.init))]), idempotent: true,
            as: FileSystemsOutput.self)
        return EFSPage(items: out.FileSystems ?? [], next: out.NextMarker)
    }

    private struct CreateMountTargetInput: Encodable {
        var FileSystemId: String
        var SubnetId: String
        var SecurityGroups: [String]?
    }

    /// CreateMountTarget (returns while `creating`: poll DescribeMountTargets).
    /// Not idempotent: only retried when throttled or never sent.
    public func createMountTarget(fileSystemId: String, subnetId: String, securityGroups: [String]? = nil) async throws -> EFSMountTarget {
        try await executor.callREST(
            operation: "CreateMountTarget", method: "POST", path: "/2015-02-01/mount-targets",
            body: try JSONCoding.encode(CreateMountTargetInput(FileSystemId: fileSystemId, SubnetId: subnetId, SecurityGroups: securityGroups)),
            idempotent: false)
    }

    private struct MountTargetsOutput: Decodable {
        var MountTargets: [EFSMountTarget]?
        var NextMarker: String?
    }

    /// One DescribeMountTargets page for a file system or one mount target.
    public func describeMountTargets(fileSystemId: String? = nil, mountTargetId: String? = nil, marker: String? = nil, maxItems: Int? = nil) async throws -> EFSPage<EFSMountTarget> {
        let out = try await executor.callREST(
            operation: "DescribeMountTargets", method: "GET", path: "/2015-02-01/mount-targets",
            query: Self.query([("FileSystemId", fileSystemId), ("Marker", marker), ("MaxItems", maxItems.map(String.init)), ("MountTargetId", mountTargetId)]),
            idempotent: true, as: MountTargetsOutput.self)
        return EFSPage(items: out.MountTargets ?? [], next: out.NextMarker)
    }

    /// DeleteMountTarget (204; returns while `deleting`). A retry after a lost
    /// answer may see `MountTargetNotFound`: treat `isNotFound` as done.
    public func deleteMountTarget(_ mountTargetId: String) async throws {
        _ = try await executor.callREST(
            operation: "DeleteMountTarget", method: "DELETE", path: "/2015-02-01/mount-targets/" + PercentEncoding.label(mountTargetId),
            idempotent: true, as: EmptyJSON.self)
    }

    /// CreateAccessPoint (idempotent by `clientToken`).
    public func createAccessPoint(_ request: EFSCreateAccessPointRequest) async throws -> EFSAccessPoint {
        try await executor.callREST(
            operation: "CreateAccessPoint", method: "POST", path: "/2015-02-01/access-points", body: try JSONCoding.encode(request), idempotent: true)
    }

    private struct AccessPointsOutput: Decodable {
        var AccessPoints: [EFSAccessPoint]?
        var NextToken: String?
    }

    /// One DescribeAccessPoints page for a file system or one access point.
    public func describeAccessPoints(fileSystemId: String? = nil, accessPointId: String? = nil, nextToken: String? = nil, maxResults: Int? = nil) async throws -> EFSPage<EFSAccessPoint> {
        let out = try await executor.callREST(
            operation: "DescribeAccessPoints", method: "GET", path: "/2015-02-01/access-points",
            query: Self.query([("AccessPointId", accessPointId), ("FileSystemId", fileSystemId), ("MaxResults", maxResults.map(String.init)), ("NextToken", nextToken)]),
            idempotent: true, as: AccessPointsOutput.self)
        return EFSPage(items: out.AccessPoints ?? [], next: out.NextToken)
    }

    /// DeleteAccessPoint (204).
    public func deleteAccessPoint(_ accessPointId: String) async throws {
        _ = try await executor.callREST(
            operation: "DeleteAccessPoint", method: "DELETE", path: "/2015-02-01/access-points/" + PercentEncoding.label(accessPointId),
            idempotent: true, as: EmptyJSON.self)
    }

    /// DeleteFileSystem (204); fails with `FileSystemInUse` (409) while mount targets exist.
    public func deleteFileSystem(_ fileSystemId: String) async throws {
        _ = try await executor.callREST(
            operation: "DeleteFileSystem", method: "DELETE", path: "/2015-02-01/file-systems/" + PercentEncoding.label(fileSystemId),
            idempotent: true, as: EmptyJSON.self)
    }

    private struct TagsInput: Encodable { var Tags: [EFSTag] }

    /// TagResource (`POST /2015-02-01/resource-tags/{ResourceId}`) on a file system or access point.
    public func tagResource(_ resourceId: String, tags: [EFSTag]) async throws {
        _ = try await executor.callREST(
            operation: "TagResource", method: "POST", path: "/2015-02-01/resource-tags/" + PercentEncoding.label(resourceId),
            body: try JSONCoding.encode(TagsInput(Tags: tags)), idempotent: true, as: EmptyJSON.self)
    }

    private struct TagsOutput: Decodable {
        var Tags: [EFSTag]?
        var NextToken: String?
    }

    /// One ListTagsForResource page.
    public func listTagsForResource(_ resourceId: String, nextToken: String? = nil, maxResults: Int? = nil) async throws -> EFSPage<EFSTag> {
        let out = try await executor.callREST(
            operation: "ListTagsForResource", method: "GET", path: "/2015-02-01/resource-tags/" + PercentEncoding.label(resourceId),
            query: Self.query([("MaxResults", maxResults.map(String.init)), ("NextToken", nextToken)]), idempotent: true, as: TagsOutput.self)
        return EFSPage(items: out.Tags ?? [], next: out.NextToken)
    }
}
