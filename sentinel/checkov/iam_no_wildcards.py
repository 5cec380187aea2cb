"""sentinel/iam-no-wildcards.sentinel for checkov: on aws_iam_policy_document data
sources (CKV_EBV_2) and on the JSON policies of IAM policy resources and roles' inline
policies (CKV_EBV_6). Rules: no_wildcard_actions, no_unconditioned_wildcard_resources
(the failing ones are named in the result's details)."""

import sys
from pathlib import Path

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.data.base_check import BaseDataCheck
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ebv_rules as rules  # noqa: E402
from hcl_shape import json_value, plan_shape, unresolved  # noqa: E402

NAME = "iam-no-wildcards: no IAM statement allows * actions, or * resources without a condition"


def judge(check, statements) -> CheckResult:
    if any(unresolved(s["effect"]) or any(unresolved(a) for a in s["actions"] + s["not_actions"]) for s in statements):
        return CheckResult.UNKNOWN
    failed = []
    if not all(rules.no_wildcard_actions(s) for s in statements):
        failed.append("no_wildcard_actions")
    if not all(rules.no_unconditioned_wildcard_resources(s) for s in statements):
        failed.append("no_unconditioned_wildcard_resources")
    check.details.extend(failed)
    return CheckResult.FAILED if failed else CheckResult.PASSED


class IamNoWildcardsDocument(BaseDataCheck):
    def __init__(self) -> None:
        super().__init__(name=NAME, id="CKV_EBV_2", categories=[CheckCategories.IAM],
                         supported_data=["aws_iam_policy_document"])

    def scan_data_conf(self, conf):
        document = plan_shape(conf)
        self.evaluated_keys = ["statement"]
        return judge(self, [rules.statement_from_document(s) for s in document.get("statement", [])])


class IamNoWildcardsPolicy(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(name=NAME, id="CKV_EBV_6", categories=[CheckCategories.IAM],
                         supported_resources=["aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy",
                                              "aws_iam_group_policy", "aws_iam_role"])

    def scan_resource_conf(self, conf):
        resource = plan_shape(conf)
        documents = [resource.get("policy")]
        for inline in rules.as_list(resource.get("inline_policy")):
            documents += [inline.get("policy")] if isinstance(inline, dict) else []
        statements = []
        for text in documents:
            if text is None:
                continue
            if unresolved(text):
                continue  # data.aws_iam_policy_document.x.json: judged by CKV_EBV_2 on the document
            document = json_value(text)
            if not isinstance(document, dict):
                return CheckResult.UNKNOWN
            statements += [rules.statement_from_json(s) for s in rules.as_list(document.get("Statement"))
                           if isinstance(s, dict)]
        self.evaluated_keys = ["policy", "inline_policy"]
        return judge(self, statements)


document_check = IamNoWildcardsDocument()
policy_check = IamNoWildcardsPolicy()
