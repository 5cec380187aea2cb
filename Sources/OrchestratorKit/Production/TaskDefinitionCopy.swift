import Foundation

/// Builds the RegisterTaskDefinition request of a restored-worker revision from the worker's
/// described definition, as JSON (pure): every member is kept exactly — including ones this
/// project does not model (`runtimePlatform`, `secrets`, `ephemeralStorage`, …) — except the
/// read-only response members, which are removed, the family, the EFS volume's
/// configuration, the read-only flag of its mount points, and the tags.
public enum TaskDefinitionCopy {
    /// Members DescribeTaskDefinition answers that RegisterTaskDefinition does not accept.
    public static let readOnlyMembers: Set<String> = [
        "taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities",
        "registeredAt", "registeredBy", "deregisteredAt",
    ]

    /// - Parameter described: DescribeTaskDefinition's response body (`{"taskDefinition":{…}}`).
    /// - Returns: the RegisterTaskDefinition request body (sorted keys).
    /// - Throws: `OrchestratorError(.service)` when the answer is not a task definition, or
    ///   it has no volume named `request.volumeName`.
    public static func registerRequest(described: [UInt8], request: TaskDefinitionRequest) throws -> [UInt8] {
        guard let root = try? JSONSerialization.jsonObject(with: Data(described)) as? [String: Any],
              var definition = root["taskDefinition"] as? [String: Any] else {
            throw OrchestratorError(.service, "DescribeTaskDefinition \(request.baseFamily): no taskDefinition object in the answer")
        }
        for member in readOnlyMembers { definition[member] = nil }
        definition["family"] = request.family
        guard var volumes = definition["volumes"] as? [[String: Any]],
              let index = volumes.firstIndex(where: { $0["name"] as? String == request.volumeName }) else {
            throw OrchestratorError(.service, "task definition \(request.baseFamily) has no volume named \(request.volumeName)")
        }
        let base = volumes[index]["efsVolumeConfiguration"] as? [String: Any]
        var authorization: [String: Any] = ["accessPointId": request.accessPointId]
        if let iam = (base?["authorizationConfig"] as? [String: Any])?["iam"] { authorization["iam"] = iam }
        volumes[index] = ["name": request.volumeName, "efsVolumeConfiguration": [
            "fileSystemId": request.fileSystemId, "transitEncryption": "ENABLED", "authorizationConfig": authorization,
        ] as [String: Any]]
        definition["volumes"] = volumes
        if let containers = definition["containerDefinitions"] as? [[String: Any]] {
            definition["containerDefinitions"] = containers.map { container -> [String: Any] in
                guard let points = container["mountPoints"] as? [[String: Any]] else { return container }
                var copy = container
                copy["mountPoints"] = points.map { point -> [String: Any] in
                    guard point["sourceVolume"] as? String == request.volumeName else { return point }
                    var readOnly = point
                    readOnly["readOnly"] = request.readOnly
                    return readOnly
                }
                return copy
            }
        }
        definition["tags"] = request.tags.keys.sorted().map { ["key": $0, "value": request.tags[$0] ?? ""] }
        do {
            return [UInt8](try JSONSerialization.data(withJSONObject: definition, options: [.sortedKeys, .withoutEscapingSlashes]))
        } catch {
            throw OrchestratorError(.service, "cannot encode the RegisterTaskDefinition request: \(error)")
        }
    }
}
