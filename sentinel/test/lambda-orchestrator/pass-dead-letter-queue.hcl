# a dead-letter queue instead of an on-failure destination
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-pass-dead-letter-queue.sentinel"
  }
}

test {
  rules = {
    main = true
    function_in_vpc = true
    function_runtime = true
    function_failures_kept = true
  }
}
