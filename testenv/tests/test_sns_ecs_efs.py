"""SNS, ECS and EFS through moto with signature checking on."""

from urllib.parse import quote

import pytest
from botocore.exceptions import ClientError


def _status(error):
    return error.value.response["ResponseMetadata"]["HTTPStatusCode"]


# -- SNS ---------------------------------------------------------------------------------

def test_sns_publish_with_subject_and_attributes(harness):
    sns = harness.client("sns")
    topic = sns.create_topic(Name="verify-results")["TopicArn"]
    answer = sns.publish(TopicArn=topic, Subject="EFS verify: 3 missing", Message="run r-1: torn+missing files & more",
                         MessageAttributes={"verdict": {"DataType": "String", "StringValue": "FAIL"}})
    assert len(answer["MessageId"]) == 36
    status, published = harness.control("GET", "/_harness/sns/published")
    assert status == 200
    assert published == {"messages": [{
        "topicArn": topic, "messageId": answer["MessageId"], "message": "run r-1: torn+missing files & more",
        "subject": "EFS verify: 3 missing",
        "messageAttributes": {"verdict": {"Type": "String", "Value": "FAIL"}}}]}  # moto's stored form


def test_sns_form_body_encoded_with_percent20_and_signed_user_agent_is_accepted(harness):
    topic = harness.client("sns").create_topic(Name="t")["TopicArn"]
    body = ("Action=Publish&Version=2010-03-31&TopicArn=" + quote(topic, safe="")
            + "&Message=" + quote("a message with spaces", safe="")).encode()
    status, _, payload = harness.signed("sns", "POST", harness.endpoint + "/", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "User-Agent": "ebv-swift/1.0"})
    assert status == 200, payload
    assert b"<MessageId>" in payload


def test_sns_wrong_secret_is_403(harness):
    topic = harness.client("sns").create_topic(Name="t")["TopicArn"]
    with pytest.raises(ClientError) as error:
        harness.client("sns", secret="y" * 40).publish(TopicArn=topic, Message="m")
    assert _status(error) == 403
    assert error.value.response["Error"]["Code"] == "SignatureDoesNotMatch"


# -- ECS ---------------------------------------------------------------------------------

def _network(harness):
    ec2 = harness.client("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    group = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"][0]["GroupId"]
    return subnets, group


def test_ecs_register_run_describe_stop_and_exit_code_control(harness):
    ecs = harness.client("ecs")
    subnets, group = _network(harness)
    ecs.create_cluster(clusterName="verify")
    volume = {"name": "data", "efsVolumeConfiguration": {
        "fileSystemId": "fs-12345678", "transitEncryption": "ENABLED",
        "authorizationConfig": {"accessPointId": "fsap-12345678", "iam": "ENABLED"}}}
    definition = ecs.register_task_definition(
        family="manifest-worker", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        containerDefinitions=[{"name": "worker", "image": "worker:1", "memory": 512, "essential": True,
                               "mountPoints": [{"sourceVolume": "data", "containerPath": "/mnt/efs", "readOnly": True}]}],
        volumes=[volume])["taskDefinition"]
    echoed = definition["volumes"][0]["efsVolumeConfiguration"]
    assert echoed["authorizationConfig"] == {"accessPointId": "fsap-12345678", "iam": "ENABLED"}
    assert (echoed["fileSystemId"], echoed["transitEncryption"]) == ("fs-12345678", "ENABLED")
    run = ecs.run_task(cluster="verify", taskDefinition=definition["taskDefinitionArn"], launchType="FARGATE",
                       startedBy="ebv-run-1", networkConfiguration={"awsvpcConfiguration": {
                           "subnets": [subnets[0]["SubnetId"]], "securityGroups": [group]}},
                       overrides={"containerOverrides": [{"name": "worker", "command": ["generate", "/mnt/efs"]}]})
    task_arn = run["tasks"][0]["taskArn"]
    assert [t["taskArn"] for t in ecs.describe_tasks(cluster="verify", tasks=[task_arn])["tasks"]] == [task_arn]
    assert ecs.list_tasks(cluster="verify", startedBy="ebv-run-1")["taskArns"] == [task_arn]

    status, answer = harness.control("POST", "/_harness/ecs/task-exit-code",
                                     {"taskArn": task_arn, "exitCode": 3, "stop": True})
    assert status == 200
    assert answer == {"taskArn": task_arn, "lastStatus": "STOPPED", "containers": [{"name": "worker", "exitCode": 3}]}
    task = ecs.describe_tasks(cluster="verify", tasks=[task_arn])["tasks"][0]
    assert task["lastStatus"] == "STOPPED"
    assert [(c["name"], c["exitCode"]) for c in task["containers"]] == [("worker", 3)]
    status, answer = harness.control("POST", "/_harness/ecs/task-exit-code", {"taskArn": "arn:nope", "exitCode": 1})
    assert (status, answer) == (404, {"error": "no task arn:nope"})
    ecs.deregister_task_definition(taskDefinition=definition["taskDefinitionArn"])


def test_ecs_wrong_secret_is_403(harness):
    with pytest.raises(ClientError) as error:
        harness.client("ecs", secret="z" * 40).list_clusters()
    assert _status(error) == 403
    assert error.value.response["Error"]["Code"] == "InvalidSignatureException"


# -- EFS ---------------------------------------------------------------------------------

def test_efs_mount_targets_access_points_tags_and_deletes(harness):
    efs = harness.client("efs")
    subnets, group = _network(harness)
    fs = efs.create_file_system(CreationToken="restore-1", Encrypted=True, Tags=[{"Key": "k", "Value": "v"}])
    fs_id = fs["FileSystemId"]
    assert [f["FileSystemId"] for f in efs.describe_file_systems(FileSystemId=fs_id)["FileSystems"]] == [fs_id]
    target = efs.create_mount_target(FileSystemId=fs_id, SubnetId=subnets[0]["SubnetId"], SecurityGroups=[group])
    assert [t["MountTargetId"] for t in efs.describe_mount_targets(FileSystemId=fs_id)["MountTargets"]] == [target["MountTargetId"]]
    point = efs.create_access_point(ClientToken="run-1-ap", FileSystemId=fs_id,
                                    PosixUser={"Uid": 0, "Gid": 0}, RootDirectory={"Path": "/"},
                                    Tags=[{"Key": "efs-backup-verifier:run", "Value": "r-1"}])
    assert [a["AccessPointId"] for a in efs.describe_access_points(FileSystemId=fs_id)["AccessPoints"]] == [point["AccessPointId"]]
    efs.tag_resource(ResourceId=fs_id, Tags=[{"Key": "efs-backup-verifier:expires", "Value": "2030-01-01T00:00:00Z"}])
    tags = {t["Key"]: t["Value"] for t in efs.list_tags_for_resource(ResourceId=fs_id)["Tags"]}
    assert tags == {"k": "v", "efs-backup-verifier:expires": "2030-01-01T00:00:00Z"}
    with pytest.raises(ClientError) as error:
        efs.delete_file_system(FileSystemId=fs_id)
    assert error.value.response["Error"]["Code"] == "FileSystemInUse"
    efs.delete_access_point(AccessPointId=point["AccessPointId"])
    efs.delete_mount_target(MountTargetId=target["MountTargetId"])
    efs.delete_file_system(FileSystemId=fs_id)
    assert efs.describe_file_systems()["FileSystems"] == []


def test_efs_wrong_secret_is_403(harness):
    with pytest.raises(ClientError) as error:
        harness.client("efs", secret="w" * 40).describe_file_systems()
    assert _status(error) == 403
    assert error.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert error.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == "InvalidSignatureException"
