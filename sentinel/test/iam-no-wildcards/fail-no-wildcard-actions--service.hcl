# an inline role policy allowing every S3 action
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-fail-no-wildcard-actions--service.sentinel"
  }
}

test {
  rules = {
    main = false
    no_wildcard_actions = false
  }
}
