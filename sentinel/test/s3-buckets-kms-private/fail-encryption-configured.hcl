# no server-side encryption configuration for the bucket
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-fail-encryption-configured.sentinel"
  }
}

test {
  rules = {
    main = false
    encryption_configured = false
  }
}
