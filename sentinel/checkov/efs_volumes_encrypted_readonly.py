"""sentinel/efs-volumes-encrypted-readonly.sentinel for checkov. Rules:
efs_transit_encryption, efs_iam_authorization, efs_mounts_read_only (the failing ones
are named in the result's details)."""

import sys
from pathlib import Path

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ebv_rules as rules  # noqa: E402
from hcl_shape import json_value, plan_shape, unresolved  # noqa: E402


class EfsVolumesEncryptedReadonly(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="efs-volumes-encrypted-readonly: EFS volumes use TLS and IAM authorization and are mounted read-only",
            id="CKV_EBV_5",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["aws_ecs_task_definition"],
        )

    def scan_resource_conf(self, conf):
        task = plan_shape(conf)
        self.evaluated_keys = ["volume", "container_definitions"]
        volumes = rules.efs_volumes(task.get("volume"))
        if not volumes:
            return CheckResult.PASSED
        failed = []
        settings = [(c.get("transit_encryption"), [a.get("iam") for a in rules.as_list(c.get("authorization_config"))])
                    for c in volumes.values()]
        if any(unresolved(t) or any(unresolved(i) for i in iams) for t, iams in settings):
            return CheckResult.UNKNOWN
        if not all(rules.efs_transit_encryption(c) for c in volumes.values()):
            failed.append("efs_transit_encryption")
        if not all(rules.efs_iam_authorization(c) for c in volumes.values()):
            failed.append("efs_iam_authorization")
        containers = json_value(task.get("container_definitions"))
        if unresolved(task.get("container_definitions")):
            return CheckResult.UNKNOWN
        if not rules.efs_mounts_read_only(containers, set(volumes)):
            failed.append("efs_mounts_read_only")
        self.details.extend(failed)
        return CheckResult.FAILED if failed else CheckResult.PASSED


check = EfsVolumesEncryptedReadonly()
