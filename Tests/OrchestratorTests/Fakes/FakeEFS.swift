import Foundation
@testable import AWSLite
@testable import OrchestratorKit

actor FakeEFS: FileSystemService {
    var fileSystems: [String: FileSystemInfo] = [:]
    var mountTargets: [String: MountTargetInfo] = [:]
    var accessPoints: [String: String] = [:]  // token → id
    var accessPointRequests: [AccessPointRequest] = []
    var deletedAccessPoints: [String] = []
    var deletedFileSystems: [String] = []
    var tagCalls: [(String, [String: String])] = []
    var calls: [String] = []
    /// Describe calls before a creating mount target turns available (0 = at once).
    var pollsUntilAvailable = 0
    var describeCount = 0
    /// DescribeAccessPoints calls that answer `creating` before an access point is `available`.
    var accessPointPollsUntilAvailable = 0
    var accessPointDescribes = 0
    /// Subnets in an Availability Zone EFS does not support.
    var unsupportedSubnets: Set<String> = []
    /// Thrown by every CreateMountTarget.
    var createMountTargetFailure: AWSError?
    /// The security groups of every CreateMountTarget call, in order.
    var mountTargetGroups: [[String]] = []

    func describeFileSystem(id: String) async throws -> FileSystemInfo? { fileSystems[id] }
    func listFileSystems() async throws -> [FileSystemInfo] { fileSystems.values.sorted { $0.fileSystemId < $1.fileSystemId } }

    func tagResource(id: String, tags: [String: String]) async throws {
        tagCalls.append((id, tags))
        calls.append("tag:\(id)")
        fileSystems[id]?.tags.merge(tags) { _, new in new }
    }

    func createMountTarget(fileSystemId: String, subnetId: String, securityGroups: [String]) async throws -> MountTargetInfo {
        calls.append("createMountTarget:\(subnetId)")
        mountTargetGroups.append(securityGroups)
        if let createMountTargetFailure { throw createMountTargetFailure }
        if unsupportedSubnets.contains(subnetId) {
            throw AWSError(kind: .service, service: "elasticfilesystem", operation: "CreateMountTarget", code: "UnsupportedAvailabilityZone",
                           message: "Elastic File System is not supported in the Availability Zone of \(subnetId)", httpStatus: 400,
                           requestId: "req-\(subnetId)")
        }
        if mountTargets.values.contains(where: { $0.fileSystemId == fileSystemId && $0.subnetId == subnetId }) {
            throw OrchestratorError(.conflict, "MountTargetConflict")
        }
        let target = MountTargetInfo(mountTargetId: "fsmt-\(mountTargets.count + 1)", fileSystemId: fileSystemId,
                                     subnetId: subnetId, lifeCycleState: "creating")
        mountTargets[target.mountTargetId] = target
        return target
    }

    func describeMountTargets(fileSystemId: String) async throws -> [MountTargetInfo] {
        describeCount += 1
        if describeCount > pollsUntilAvailable {
            for (id, target) in mountTargets where target.lifeCycleState == "creating" { mountTargets[id]?.lifeCycleState = "available" }
        }
        for (id, target) in mountTargets where target.lifeCycleState == "deleting" { mountTargets[id] = nil }
        return mountTargets.values.filter { $0.fileSystemId == fileSystemId }.sorted { $0.mountTargetId < $1.mountTargetId }
    }

    func deleteMountTarget(id: String) async throws {
        calls.append("deleteMountTarget:\(id)")
        mountTargets[id]?.lifeCycleState = "deleting"
    }

    func createAccessPoint(_ request: AccessPointRequest) async throws -> String {
        accessPointRequests.append(request)
        calls.append("createAccessPoint")
        if let id = accessPoints[request.clientToken] { return id }
        let id = "fsap-\(accessPoints.count + 1)"
        accessPoints[request.clientToken] = id
        return id
    }

    /// When set, every access point answers this state.
    var accessPointState: String?

    func describeAccessPoint(id: String) async throws -> String? {
        guard accessPoints.values.contains(id), !deletedAccessPoints.contains(id) else { return nil }
        if let accessPointState { return accessPointState }
        accessPointDescribes += 1
        return accessPointDescribes > accessPointPollsUntilAvailable ? "available" : "creating"
    }
    func setAccessPointPollsUntilAvailable(_ n: Int) { accessPointPollsUntilAvailable = n; accessPointDescribes = 0 }
    func setCreateMountTargetFailure(_ error: AWSError?) { createMountTargetFailure = error }
    func setAccessPointState(_ state: String?) { accessPointState = state }
    func setUnsupportedSubnets(_ subnets: Set<String>) { unsupportedSubnets = subnets }

    func deleteAccessPoint(id: String) async throws {
        deletedAccessPoints.append(id)
        calls.append("deleteAccessPoint:\(id)")
    }

    /// File system → how many more DeleteFileSystem calls find a new mount target on it
    /// (a racing creator that keeps it in use).
    var appearsOnDelete: [String: Int] = [:]
    func setMountTargetAppearsOnDelete(_ id: String, times: Int) { appearsOnDelete[id] = times }

    func deleteFileSystem(id: String) async throws {
        if let left = appearsOnDelete[id], left > 0 {
            appearsOnDelete[id] = left - 1
            let target = MountTargetInfo(mountTargetId: "fsmt-late-\(left)", fileSystemId: id, subnetId: "subnet-late", lifeCycleState: "available")
            mountTargets[target.mountTargetId] = target
        }
        if mountTargets.values.contains(where: { $0.fileSystemId == id }) {
            throw OrchestratorError(.conflict, "FileSystemInUse: \(id)")
        }
        deletedFileSystems.append(id)
        calls.append("deleteFileSystem:\(id)")
        fileSystems[id] = nil
    }

    func addFileSystem(_ info: FileSystemInfo) { fileSystems[info.fileSystemId] = info }
    func setTags(_ id: String, _ tags: [String: String]) { fileSystems[id]?.tags = tags }
    func setPollsUntilAvailable(_ n: Int) { pollsUntilAvailable = n; describeCount = 0 }
}
