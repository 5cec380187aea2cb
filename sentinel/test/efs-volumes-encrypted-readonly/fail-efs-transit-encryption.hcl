# transit encryption off
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-fail-efs-transit-encryption.sentinel"
  }
}

test {
  rules = {
    main = false
    efs_transit_encryption = false
  }
}
