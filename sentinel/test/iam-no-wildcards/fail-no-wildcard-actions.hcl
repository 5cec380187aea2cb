# a policy document statement allowing every action
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-fail-no-wildcard-actions.sentinel"
  }
}

test {
  rules = {
    main = false
    no_wildcard_actions = false
  }
}
