"""The harness honours the idempotency tokens AWS honours (localaws/idempotency_patch.py):
RunTask ``clientToken`` and CreateAccessPoint ``ClientToken``."""

import pytest
from botocore.exceptions import ClientError


def _network(harness):
    ec2 = harness.client("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    group = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"][0]["GroupId"]
    return {"subnets": [subnets[0]["SubnetId"]], "securityGroups": [group]}


def test_run_task_repeat_with_the_same_client_token_starts_no_second_task(harness):
    ecs = harness.client("ecs")
    ecs.create_cluster(clusterName="c")
    ecs.register_task_definition(family="w", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256",
                                 memory="512", containerDefinitions=[{"name": "w", "image": "i", "memory": 512}])
    request = dict(cluster="c", taskDefinition="w", launchType="FARGATE", networkConfiguration={
        "awsvpcConfiguration": _network(harness)}, startedBy="ebv", group="g")
    first = ecs.run_task(clientToken="token-1", **request)["tasks"]
    again = ecs.run_task(clientToken="token-1", **request)["tasks"]
    other = ecs.run_task(clientToken="token-2", **request)["tasks"]
    untokened = ecs.run_task(**request)["tasks"]
    assert [t["taskArn"] for t in again] == [t["taskArn"] for t in first]
    assert len({first[0]["taskArn"], other[0]["taskArn"], untokened[0]["taskArn"]}) == 3
    assert len(ecs.list_tasks(cluster="c")["taskArns"]) == 3


def test_create_access_point_repeat_with_the_same_client_token_is_access_point_already_exists(harness):
    efs = harness.client("efs")
    fs = efs.create_file_system(CreationToken="fs-token")["FileSystemId"]
    point = efs.create_access_point(ClientToken="ap-token", FileSystemId=fs, Tags=[{"Key": "run", "Value": "r1"}])
    with pytest.raises(ClientError) as error:
        efs.create_access_point(ClientToken="ap-token", FileSystemId=fs)
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert error.value.response["Error"]["Code"] == "AccessPointAlreadyExists"
    assert point["AccessPointId"] in error.value.response["Error"]["Message"]
    assert [p["AccessPointId"] for p in efs.describe_access_points(FileSystemId=fs)["AccessPoints"]] == [point["AccessPointId"]]
    efs.create_access_point(ClientToken="ap-token-2", FileSystemId=fs)
    assert len(efs.describe_access_points(FileSystemId=fs)["AccessPoints"]) == 2


def test_tokens_are_forgotten_on_reset(harness):
    efs = harness.client("efs")
    fs = efs.create_file_system(CreationToken="fs-token")["FileSystemId"]
    efs.create_access_point(ClientToken="ap-token", FileSystemId=fs)
    assert harness.control("POST", "/_harness/reset")[0] == 200
    fs = efs.create_file_system(CreationToken="fs-token")["FileSystemId"]
    efs.create_access_point(ClientToken="ap-token", FileSystemId=fs)
