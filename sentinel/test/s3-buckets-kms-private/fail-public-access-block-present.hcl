# no public access block for the bucket
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-fail-public-access-block-present.sentinel"
  }
}

test {
  rules = {
    main = false
    public_access_block_present = false
  }
}
