# 1 vCPU with 1 GiB (the least is 2 GiB)
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-fail-fargate-memory-allowed.sentinel"
  }
}

test {
  rules = {
    main = false
    fargate_memory_allowed = false
  }
}
