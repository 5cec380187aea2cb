# SSE-S3 (AES256) instead of KMS
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-fail-encryption-uses-kms.sentinel"
  }
}

test {
  rules = {
    main = false
    encryption_uses_kms = false
  }
}
