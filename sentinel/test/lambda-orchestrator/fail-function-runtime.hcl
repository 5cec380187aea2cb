# the older provided.al2 runtime
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-fail-function-runtime.sentinel"
  }
}

test {
  rules = {
    main = false
    function_runtime = false
  }
}
