# aws:kms without a key: the AWS-managed aws/s3 key
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-fail-encryption-uses-customer-key.sentinel"
  }
}

test {
  rules = {
    main = false
    encryption_uses_customer_key = false
  }
}
