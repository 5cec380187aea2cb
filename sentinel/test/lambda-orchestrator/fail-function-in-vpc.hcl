# no vpc_config
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-fail-function-in-vpc.sentinel"
  }
}

test {
  rules = {
    main = false
    function_in_vpc = false
  }
}
