# scoped statements; * only with a tag condition, in a Deny, or in a key policy (has a principal)
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-pass.sentinel"
  }
}

test {
  rules = {
    main = true
    no_wildcard_actions = true
    no_unconditioned_wildcard_resources = true
  }
}
