# an Allow with NotAction (everything else)
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-fail-no-wildcard-actions--not-action.sentinel"
  }
}

test {
  rules = {
    main = false
    no_wildcard_actions = false
  }
}
