# efs-backup-verifier's policy set for HCP Terraform / Terraform Enterprise (tfplan/v2).
# Each policy has tests in test/<policy>/: one passing case and one failing case per
# rule (reason) it can fail; `sentinel test` runs them. CI cannot run Sentinel; it checks
# this layout and enforces the same rules with checkov (checkov/, scripts/check-sentinel).

policy "s3-buckets-kms-private" {
  source            = "./s3-buckets-kms-private.sentinel"
  enforcement_level = "hard-mandatory"
}

policy "iam-no-wildcards" {
  source            = "./iam-no-wildcards.sentinel"
  enforcement_level = "hard-mandatory"
}

policy "lambda-orchestrator" {
  source            = "./lambda-orchestrator.sentinel"
  enforcement_level = "hard-mandatory"
}

policy "ecs-fargate-cpu-memory" {
  source            = "./ecs-fargate-cpu-memory.sentinel"
  enforcement_level = "hard-mandatory"
}

policy "efs-volumes-encrypted-readonly" {
  source            = "./efs-volumes-encrypted-readonly.sentinel"
  enforcement_level = "hard-mandatory"
}
