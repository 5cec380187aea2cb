# the bucket module: SSE-KMS with its own key (ARN known at apply), all public access blocked
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-pass.sentinel"
  }
}

test {
  rules = {
    main = true
    encryption_configured = true
    encryption_uses_kms = true
    encryption_uses_customer_key = true
    public_access_block_present = true
    public_access_block_complete = true
  }
}
