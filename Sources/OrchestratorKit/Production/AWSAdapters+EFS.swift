import AWSLite
import Foundation

/// `FileSystemService` over AWSLite's EFS client. `MountTargetConflict` and
/// `FileSystemInUse` become `OrchestratorError(.conflict)`; deleting what is already gone
/// is not an error.
public struct EFSFileSystemService: FileSystemService {
    public var client: EFSClient

    public init(client: EFSClient) {
        self.client = client
    }

    static func info(_ fs: EFSFileSystem) -> FileSystemInfo {
        var tags: [String: String] = [:]
        for tag in fs.tags ?? [] { tags[tag.key] = tag.value }
        return FileSystemInfo(fileSystemId: fs.fileSystemId, fileSystemArn: fs.fileSystemArn, lifeCycleState: fs.lifeCycleState, tags: tags,
                       creationToken: fs.creationToken)
    }

    public func describeFileSystem(id: String) async throws -> FileSystemInfo? {
        do {
            return try await client.describeFileSystems(fileSystemId: id).items.first.map(Self.info)
        } catch let error as AWSError where error.isNotFound {
            return nil
        }
    }

    public func listFileSystems() async throws -> [FileSystemInfo] {
        var all: [FileSystemInfo] = []
        var marker: String?
        repeat {
            let page = try await client.describeFileSystems(marker: marker)
            all += page.items.map(Self.info)
            marker = page.next
        } while marker != nil
        return all
    }

    public func tagResource(id: String, tags: [String: String]) async throws {
        try await client.tagResource(id, tags: tags.keys.sorted().map { EFSTag(key: $0, value: tags[$0]!) })
    }

    public func createMountTarget(fileSystemId: String, subnetId: String, securityGroups: [String]) async throws -> MountTargetInfo {
        do {
            let target = try await client.createMountTarget(fileSystemId: fileSystemId, subnetId: subnetId, securityGroups: securityGroups)
            return MountTargetInfo(mountTargetId: target.mountTargetId, fileSystemId: target.fileSystemId,
                                   subnetId: target.subnetId, lifeCycleState: target.lifeCycleState)
        } catch let error as AWSError where error.code == "MountTargetConflict" {
            throw OrchestratorError.conflict("\(error)", error)
        }
    }

    /// A file system that no longer exists (`FileSystemNotFound`) has no mount targets.
    public func describeMountTargets(fileSystemId: String) async throws -> [MountTargetInfo] {
        var all: [MountTargetInfo] = []
        var marker: String?
        repeat {
            let page: EFSPage<EFSMountTarget>
            do {
                page = try await client.describeMountTargets(fileSystemId: fileSystemId, marker: marker)
            } catch let error as AWSError where error.isNotFound {
                return []
            }
            all += page.items.map {
                MountTargetInfo(mountTargetId: $0.mountTargetId, fileSystemId: $0.fileSystemId, subnetId: $0.subnetId, lifeCycleState: $0.lifeCycleState)
            }
            marker = page.next
        } while marker != nil
        return all
    }

    public func deleteMountTarget(id: String) async throws {
        do {
            try await client.deleteMountTarget(id)
        } catch let error as AWSError where error.isNotFound {
            return
        }
    }

    /// CreateAccessPoint; `AccessPointAlreadyExists` (a repeat of our client token, as the
    /// API documents) → the existing access point, found by its client token or run tag.
    public func createAccessPoint(_ request: AccessPointRequest) async throws -> String {
        let point: EFSAccessPoint
        do {
            point = try await client.createAccessPoint(EFSCreateAccessPointRequest(
                clientToken: request.clientToken, fileSystemId: request.fileSystemId,
                posixUser: EFSPosixUser(uid: Int64(request.uid), gid: Int64(request.gid)),
                rootDirectory: EFSRootDirectory(path: "/"),
                tags: request.tags.keys.sorted().map { EFSTag(key: $0, value: request.tags[$0]!) }))
        } catch let error as AWSError where error.code == "AccessPointAlreadyExists" {
            guard let id = try await existingAccessPoint(request) else {
                throw OrchestratorError(.service, "CreateAccessPoint: \(error) and no access point of \(request.fileSystemId) carries our token or run tag")
            }
            return id
        }
        guard let id = point.accessPointId else { throw OrchestratorError(.service, "CreateAccessPoint returned no id") }
        return id
    }

    public func describeAccessPoint(id: String) async throws -> String? {
        do {
            guard let point = try await client.describeAccessPoints(accessPointId: id).items.first else { return nil }
            // LifeCycleState is optional in the model; an answer without it has nothing pending.
            return point.lifeCycleState ?? "available"
        } catch let error as AWSError where error.isNotFound {
            return nil
        }
    }

    /// The access point of `request.fileSystemId` made with `request.clientToken`, or tagged
    /// with the request's run tag.
    func existingAccessPoint(_ request: AccessPointRequest) async throws -> String? {
        var token: String?
        var tagged: String?
        repeat {
            let page = try await client.describeAccessPoints(fileSystemId: request.fileSystemId, nextToken: token)
            for point in page.items {
                if point.clientToken == request.clientToken, let id = point.accessPointId { return id }
                let run = point.tags?.first { $0.key == RunNaming.runTag }?.value
                if tagged == nil, let run, run == request.tags[RunNaming.runTag] { tagged = point.accessPointId }
            }
            token = page.next
        } while token != nil
        return tagged
    }

    public func deleteAccessPoint(id: String) async throws {
        do {
            try await client.deleteAccessPoint(id)
        } catch let error as AWSError where error.isNotFound {
            return
        }
    }

    public func deleteFileSystem(id: String) async throws {
        do {
            try await client.deleteFileSystem(id)
        } catch let error as AWSError where error.code == "FileSystemInUse" {
            throw OrchestratorError.conflict("\(error)", error)
        } catch let error as AWSError where error.isNotFound {
            return
        }
    }
}
