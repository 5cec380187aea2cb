import Foundation

// Typed values for the EFS operations the verifier uses (rest-json, PascalCase
// wire names from botocore's `efs` model).

public struct EFSTag: Codable, Sendable, Equatable {
    public var key: String
    public var value: String
    public init(key: String, value: String) { self.key = key; self.value = value }
    enum CodingKeys: String, CodingKey { case key = "Key", value = "Value" }
}

public struct EFSFileSystem: Codable, Sendable, Equatable {
    public var fileSystemId: String
    public var fileSystemArn: String?
    public var ownerId: String?
    public var creationToken: String?
    public var creationTime: Date?
    /// `creating|available|updating|deleting|deleted|error`.
    public var lifeCycleState: String
    public var name: String?
    public var numberOfMountTargets: Int?
    public var performanceMode: String?
    public var encrypted: Bool?
    public var kmsKeyId: String?
    public var tags: [EFSTag]?

    enum CodingKeys: String, CodingKey {
        case fileSystemId = "FileSystemId", fileSystemArn = "FileSystemArn", ownerId = "OwnerId", creationToken = "CreationToken"
        case creationTime = "CreationTime", lifeCycleState = "LifeCycleState", name = "Name", numberOfMountTargets = "NumberOfMountTargets"
        case performanceMode = "PerformanceMode", encrypted = "Encrypted", kmsKeyId = "KmsKeyId", tags = "Tags"
    }
}

public struct EFSMountTarget: Codable, Sendable, Equatable {
    public var mountTargetId: String
    public var fileSystemId: String
    public var subnetId: String
    /// `creating|available|updating|deleting|deleted|error`.
    public var lifeCycleState: String
    public var ipAddress: String?
    public var availabilityZoneName: String?
    public var vpcId: String?
    public var networkInterfaceId: String?

    enum CodingKeys: String, CodingKey {
        case mountTargetId = "MountTargetId", fileSystemId = "FileSystemId", subnetId = "SubnetId", lifeCycleState = "LifeCycleState"
        case ipAddress = "IpAddress", availabilityZoneName = "AvailabilityZoneName", vpcId = "VpcId", networkInterfaceId = "NetworkInterfaceId"
    }
}

public struct EFSPosixUser: Codable, Sendable, Equatable {
    public var uid: Int64
    public var gid: Int64
    public var secondaryGids: [Int64]?
    public init(uid: Int64, gid: Int64, secondaryGids: [Int64]? = nil) { self.uid = uid; self.gid = gid; self.secondaryGids = secondaryGids }
    enum CodingKeys: String, CodingKey { case uid = "Uid", gid = "Gid", secondaryGids = "SecondaryGids" }
}

public struct EFSCreationInfo: Codable, Sendable, Equatable {
    public var ownerUid: Int64
    public var ownerGid: Int64
    /// Octal, e.g. "0755".
    public var permissions: String
    public init(ownerUid: Int64, ownerGid: Int64, permissions: String) { self.ownerUid = ownerUid; self.ownerGid = ownerGid; self.permissions = permissions }
    enum CodingKeys: String, CodingKey { case ownerUid = "OwnerUid", ownerGid = "OwnerGid", permissions = "Permissions" }
}

public struct EFSRootDirectory: Codable, Sendable, Equatable {
    /// At most four subdirectory levels.
    public var path: String?
    public var creationInfo: EFSCreationInfo?
    public init(path: String?, creationInfo: EFSCreationInfo? = nil) { self.path = path; self.creationInfo = creationInfo }
    enum CodingKeys: String, CodingKey { case path = "Path", creationInfo = "CreationInfo" }
}

public struct EFSCreateAccessPointRequest: Codable, Sendable, Equatable {
    /// Idempotency token (≤ 64 ASCII characters): retries with it are safe.
    public var clientToken: String
    public var fileSystemId: String
    public var posixUser: EFSPosixUser?
    public var rootDirectory: EFSRootDirectory?
    public var tags: [EFSTag]?

    public init(clientToken: String, fileSystemId: String, posixUser: EFSPosixUser? = nil, rootDirectory: EFSRootDirectory? = nil, tags: [EFSTag]? = nil) {
        self.clientToken = clientToken; self.fileSystemId = fileSystemId; self.posixUser = posixUser; self.rootDirectory = rootDirectory; self.tags = tags
    }

    enum CodingKeys: String, CodingKey {
        case clientToken = "ClientToken", fileSystemId = "FileSystemId", posixUser = "PosixUser", rootDirectory = "RootDirectory", tags = "Tags"
    }
}

public struct EFSAccessPoint: Codable, Sendable, Equatable {
    public var accessPointId: String?
    public var accessPointArn: String?
    public var fileSystemId: String?
    public var clientToken: String?
    public var name: String?
    public var posixUser: EFSPosixUser?
    public var rootDirectory: EFSRootDirectory?
    public var ownerId: String?
    public var lifeCycleState: String?
    public var tags: [EFSTag]?

    enum CodingKeys: String, CodingKey {
        case accessPointId = "AccessPointId", accessPointArn = "AccessPointArn", fileSystemId = "FileSystemId", clientToken = "ClientToken"
        case name = "Name", posixUser = "PosixUser", rootDirectory = "RootDirectory", ownerId = "OwnerId", lifeCycleState = "LifeCycleState", tags = "Tags"
    }
}

/// A page of results with its continuation marker (`NextMarker` or `NextToken`).
public struct EFSPage<Item: Sendable & Equatable>: Sendable, Equatable {
    public var items: [Item]
    /// Pass back to get the next page; nil on the last page.
    public var next: String?
}
