# a role's inline policy on every resource
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-fail-no-unconditioned-wildcard-resources--inline.sentinel"
  }
}

test {
  rules = {
    main = false
    no_unconditioned_wildcard_resources = false
  }
}
