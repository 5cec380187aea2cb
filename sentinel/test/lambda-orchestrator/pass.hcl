# in two subnets (security group known at apply), provided.al2023, on-failure destination
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-pass.sentinel"
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
