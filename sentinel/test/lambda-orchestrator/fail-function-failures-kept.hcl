# no dead-letter queue; the on-failure destination is another function's
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-fail-function-failures-kept.sentinel"
  }
}

test {
  rules = {
    main = false
    function_failures_kept = false
  }
}
