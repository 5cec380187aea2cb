# CreateFileSystem on * without the tag condition
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-fail-no-unconditioned-wildcard-resources.sentinel"
  }
}

test {
  rules = {
    main = false
    no_unconditioned_wildcard_resources = false
  }
}
