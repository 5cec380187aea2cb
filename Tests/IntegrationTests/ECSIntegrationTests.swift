import AWSLite
import Foundation
import TestSupport
import XCTest

/// The ECS calls a verification run makes, in its order, through AWSLite against moto
/// with signature checking on. (moto ignores `clientToken`: it is sent and signed, but
/// deduplication cannot be observed here.)
final class ECSIntegrationTests: XCTestCase {
    private var aws: LocalAWS!
    private var ecs: ECSClient!

    override func setUp() async throws {
        aws = try await Integration.freshHarness()
        ecs = try ECSClient(configuration: Integration.configuration(aws))
    }

    /// A read-only EFS volume through an access point, with transit encryption and IAM.
    private func workerTaskDefinition(fileSystemId: String, accessPointId: String) -> ECSRegisterTaskDefinitionRequest {
        ECSRegisterTaskDefinitionRequest(
            family: "ebv-manifest-worker",
            containerDefinitions: [
                ECSContainerDefinition(
                    name: "worker", image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/manifest-worker:1",
                    command: ["generate", "/mnt/restored"],
                    environment: [ECSKeyValuePair(name: "RUN_ID", value: "placeholder")],
                    mountPoints: [ECSMountPoint(sourceVolume: "restored", containerPath: "/mnt/restored", readOnly: true)],
                    memory: 2048, user: "1000:1000", readonlyRootFilesystem: true,
                    logConfiguration: ECSLogConfiguration(logDriver: "awslogs", options: ["awslogs-group": "/ebv/worker", "awslogs-region": "us-east-1"])),
            ],
            taskRoleArn: "arn:aws:iam::123456789012:role/ebv-worker-task",
            executionRoleArn: "arn:aws:iam::123456789012:role/ebv-worker-exec",
            volumes: [
                ECSVolume(name: "restored", efsVolumeConfiguration: ECSEFSVolumeConfiguration(
                    fileSystemId: fileSystemId, transitEncryption: "ENABLED",
                    authorizationConfig: ECSEFSAuthorizationConfig(accessPointId: accessPointId, iam: "ENABLED"))),
            ],
            cpu: "1024", memory: "2048")
    }

    func testTaskDefinitionRunDescribeListStopDeregister() async throws {
        let clusterArn = try await aws.createCluster("ebv")
        let fileSystem = try await aws.createFileSystem(creationToken: "restored-1")
        let efs = try EFSClient(configuration: Integration.configuration(aws))
        let accessPoint = try await efs.createAccessPoint(EFSCreateAccessPointRequest(
            clientToken: "ap-r-1", fileSystemId: fileSystem.id, posixUser: EFSPosixUser(uid: 0, gid: 0),
            rootDirectory: EFSRootDirectory(path: "/")))
        let accessPointId = try XCTUnwrap(accessPoint.accessPointId)
        let request = workerTaskDefinition(fileSystemId: fileSystem.id, accessPointId: accessPointId)

        let registered = try await ecs.registerTaskDefinition(request)
        XCTAssertEqual(registered.family, "ebv-manifest-worker")
        XCTAssertEqual(registered.revision, 1)
        XCTAssertEqual(registered.status, "ACTIVE")
        XCTAssertEqual(registered.taskDefinitionArn, "arn:aws:ecs:us-east-1:123456789012:task-definition/ebv-manifest-worker:1")
        var echoed = request.volumes
        echoed?[0].efsVolumeConfiguration?.rootDirectory = "/"  // the default, filled in by the service
        XCTAssertEqual(registered.volumes, echoed)
        XCTAssertEqual(registered.containerDefinitions?.first?.mountPoints, [ECSMountPoint(sourceVolume: "restored", containerPath: "/mnt/restored", readOnly: true)])
        XCTAssertEqual(registered.networkMode, "awsvpc")
        XCTAssertEqual(registered.requiresCompatibilities, ["FARGATE"])
        XCTAssertEqual(registered.cpu, "1024")
        XCTAssertEqual(registered.memory, "2048")
        XCTAssertEqual(registered.taskRoleArn, "arn:aws:iam::123456789012:role/ebv-worker-task")

        let second = try await ecs.registerTaskDefinition(request)
        XCTAssertEqual(second.revision, 2)
        let described = try await ecs.describeTaskDefinition("ebv-manifest-worker:1")
        XCTAssertEqual(described.taskDefinitionArn, registered.taskDefinitionArn)
        XCTAssertEqual(described.volumes?.first?.efsVolumeConfiguration?.authorizationConfig?.accessPointId, accessPointId)
        XCTAssertEqual(described.volumes?.first?.efsVolumeConfiguration?.transitEncryption, "ENABLED")
        XCTAssertEqual(described.containerDefinitions, registered.containerDefinitions)
        let latest = try await ecs.describeTaskDefinition("ebv-manifest-worker")
        XCTAssertEqual(latest.revision, 2)

        let network = try await aws.defaultNetwork()
        let overrides = ECSTaskOverride(containerOverrides: [
            ECSContainerOverride(name: "worker", command: ["generate", "/mnt/restored", "-o", "s3://m/r-1.ndjson.gz"],
                                 environment: [ECSKeyValuePair(name: "RUN_ID", value: "r-1")]),
        ])
        let run = try await ecs.runTask(ECSRunTaskRequest(
            taskDefinition: "ebv-manifest-worker:1", cluster: "ebv",
            networkConfiguration: ECSNetworkConfiguration(awsvpcConfiguration: ECSAwsVpcConfiguration(
                subnets: [network.subnetIds[0]], securityGroups: [network.securityGroupId])),
            overrides: overrides, startedBy: "efs-backup-verifier", group: "ebv:r-1", clientToken: "r-1-restored-walk"))
        XCTAssertEqual(run.failures, [])
        XCTAssertEqual(run.tasks.count, 1)
        let task = try XCTUnwrap(run.tasks.first)
        let taskArn = try XCTUnwrap(task.taskArn)
        XCTAssertEqual(task.clusterArn, clusterArn)
        XCTAssertEqual(task.taskDefinitionArn, registered.taskDefinitionArn)
        XCTAssertEqual(task.startedBy, "efs-backup-verifier")
        XCTAssertEqual(task.group, "ebv:r-1")
        XCTAssertEqual(task.launchType, "FARGATE")
        XCTAssertEqual(task.overrides, overrides)
        XCTAssertEqual(task.desiredStatus, "RUNNING")

        let other = try await ecs.runTask(ECSRunTaskRequest(
            taskDefinition: "ebv-manifest-worker:2", cluster: "ebv",
            networkConfiguration: ECSNetworkConfiguration(awsvpcConfiguration: ECSAwsVpcConfiguration(
                subnets: [network.subnetIds[1]], securityGroups: [network.securityGroupId])),
            startedBy: "someone-else"))
        let otherArn = try XCTUnwrap(other.tasks.first?.taskArn)

        let mine = try await ecs.listAllTasks(cluster: "ebv", startedBy: "efs-backup-verifier")
        XCTAssertEqual(mine, [taskArn])
        let all = try await ecs.listAllTasks(cluster: "ebv")
        XCTAssertEqual(Set(all), [taskArn, otherArn])
        let page = try await ecs.listTasks(cluster: "ebv", family: "ebv-manifest-worker", desiredStatus: "RUNNING")
        XCTAssertEqual(Set(page.taskArns), [taskArn, otherArn])

        try await aws.setTaskExitCode(taskArn: taskArn, exitCode: 3)
        let describedTasks = try await ecs.describeTasks(cluster: "ebv", tasks: [taskArn])
        XCTAssertEqual(describedTasks.failures, [])
        XCTAssertEqual(describedTasks.tasks.map(\.taskArn), [taskArn])
        XCTAssertEqual(describedTasks.tasks.first?.containers?.map(\.exitCode), [3])
        XCTAssertEqual(describedTasks.tasks.first?.containers?.map(\.name), ["worker"])

        let stopped = try await ecs.stopTask(cluster: "ebv", task: taskArn, reason: "run r-1 cancelled")
        XCTAssertEqual(stopped?.taskArn, taskArn)
        XCTAssertEqual(stopped?.desiredStatus, "STOPPED")
        XCTAssertEqual(stopped?.stoppedReason, "run r-1 cancelled")
        let stillRunning = try await ecs.listAllTasks(cluster: "ebv", desiredStatus: "RUNNING")
        XCTAssertEqual(stillRunning, [otherArn])
        let stoppedList = try await ecs.listAllTasks(cluster: "ebv", desiredStatus: "STOPPED")
        XCTAssertEqual(stoppedList, [taskArn])
        let afterStop = try await ecs.describeTasks(cluster: "ebv", tasks: [taskArn])
        XCTAssertEqual(afterStop.tasks.first?.lastStatus, "STOPPED")

        let deregistered = try await ecs.deregisterTaskDefinition("ebv-manifest-worker:1")
        XCTAssertEqual(deregistered.status, "INACTIVE")
        XCTAssertEqual(deregistered.taskDefinitionArn, registered.taskDefinitionArn)
        let inactive = try await ecs.describeTaskDefinition(registered.taskDefinitionArn ?? "")
        XCTAssertEqual(inactive.status, "INACTIVE")
    }

    func testUnknownTaskDefinitionIsAServiceError() async throws {
        _ = try await aws.createCluster("ebv")
        let error = await assertAWSError { _ = try await self.ecs.describeTaskDefinition("no-such-family:9") }
        XCTAssertEqual(error?.kind, .service)
        XCTAssertEqual(error?.httpStatus, 400)
        XCTAssertEqual(error?.code, "ClientException")
    }

    func testWrongSecretIsRefusedWith403() async throws {
        _ = try await aws.createCluster("ebv")
        let bad = try ECSClient(configuration: Integration.wrongSecretConfiguration(aws))
        let error = await assertAWSError { _ = try await bad.listTasks(cluster: "ebv") }
        XCTAssertEqual(error?.kind, .service)
        XCTAssertEqual(error?.httpStatus, 403)
        XCTAssertEqual(error?.code, "InvalidSignatureException")
        XCTAssertEqual(error?.operation, "ListTasks")
    }
}
