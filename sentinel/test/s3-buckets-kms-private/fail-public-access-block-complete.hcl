# public access block with restrict_public_buckets off
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-fail-public-access-block-complete.sentinel"
  }
}

test {
  rules = {
    main = false
    public_access_block_complete = false
  }
}
