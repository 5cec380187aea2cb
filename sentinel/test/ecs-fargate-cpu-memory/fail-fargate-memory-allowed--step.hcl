# 8 vCPU with 18 GiB (8 vCPU steps by 4 GiB)
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-fail-fargate-memory-allowed--step.sentinel"
  }
}

test {
  rules = {
    main = false
    fargate_memory_allowed = false
  }
}
