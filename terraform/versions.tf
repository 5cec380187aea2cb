terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # The major version whose schema scripts/check-iac checks every aws_* block against
      # (cdktf-cdktf-provider-aws 21.22.1 = AWS provider 6.25.0).
      version = ">= 6.25.0, < 7.0.0"
    }
  }
}
