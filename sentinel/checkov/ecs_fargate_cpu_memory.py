"""sentinel/ecs-fargate-cpu-memory.sentinel for checkov. Rules: fargate_cpu_allowed,
fargate_memory_allowed (the failing ones are named in the result's details)."""

import sys
from pathlib import Path

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ebv_rules as rules  # noqa: E402
from hcl_shape import plan_shape, unresolved  # noqa: E402


class EcsFargateCpuMemory(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="ecs-fargate-cpu-memory: Fargate task definitions set CPU and memory to a pair Fargate accepts",
            id="CKV_EBV_4",
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=["aws_ecs_task_definition"],
        )

    def scan_resource_conf(self, conf):
        task = plan_shape(conf)
        self.evaluated_keys = ["requires_compatibilities", "cpu", "memory"]
        compatibilities = task.get("requires_compatibilities")
        if unresolved(compatibilities):
            return CheckResult.UNKNOWN
        if "FARGATE" not in rules.as_list(compatibilities):
            return CheckResult.PASSED
        cpu, memory = task.get("cpu"), task.get("memory")
        if unresolved(cpu) or unresolved(memory):
            return CheckResult.UNKNOWN
        failed = []
        if not rules.fargate_cpu_allowed(cpu):
            failed.append("fargate_cpu_allowed")
        if not rules.fargate_memory_allowed(cpu, memory):
            failed.append("fargate_memory_allowed")
        self.details.extend(failed)
        return CheckResult.FAILED if failed else CheckResult.PASSED


check = EcsFargateCpuMemory()
